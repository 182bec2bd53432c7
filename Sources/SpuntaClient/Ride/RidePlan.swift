import Foundation
import SpuntaDomain
import SpuntaProtocol

/// One ride of a line in one direction as the attendant lives it (corsa): the stops in the order the bus passes
/// them, each with its number and name — the school, or each school of a line serving several, at the end of the
/// outbound ride and at the start of the return — and the children on the line's list with the stop where each
/// gets on and the stop where each gets off. Pure: the ride screen, `spunta scan` on the bus and `spunta on-board`
/// ask it who is expected where and whether a boarding or an alighting is at the child's own stop.
public struct RidePlan: Sendable, Equatable {
    /// A stop of the ride (fermata), numbered from 1 in the order of this direction.
    public struct Stop: Sendable, Equatable, Encodable {
        public let number: Int
        public let id: String
        public let name: String
        /// Scheduled time in this direction (nil for a school: the exchange format gives it no time yet).
        public let time: LocalTime?
        /// For a school stop, the school's site (nil when the line's school is not known).
        public let schoolSite: String?
        public let isSchool: Bool

        enum CodingKeys: String, CodingKey {
            case number, id, name, time, schoolSite = "school_site", isSchool = "is_school"
        }
    }

    /// A child on the line's list, with this direction's stops (nil when the child does not ride this way).
    public struct Rider: Sendable, Equatable {
        public let beneficiaryId: String
        public let name: String
        public let className: String?
        /// The child's school (site), as far as the device knows it.
        public let schoolSite: String?
        /// The school's name, only where the class name alone is ambiguous on this line (a "3A" of two schools): what
        /// the ride shows beside the class.
        public let schoolName: String?
        /// The school's name whatever the class: what a stop's list groups the child under when the stop serves
        /// children of several schools (nil when the device does not know the child's school).
        public let school: String?
        public let boardStop: String?
        public let alightStop: String?
    }

    /// A school the line serves, with its name.
    public struct School: Sendable, Equatable {
        public let site: String
        public let name: String
        /// When the bus is due there in this direction (arrival in the morning, departure in the afternoon), when the
        /// line's data gives the school's times.
        public let time: LocalTime?

        public init(site: String, name: String, time: LocalTime? = nil) {
            self.site = site
            self.name = name
            self.time = time
        }
    }

    /// A child as the plan needs to know it: who, which class and school, and the line's enrollment stops.
    public struct Child: Sendable, Equatable {
        public let beneficiaryId: String
        public let name: String
        public let className: String?
        public let schoolSite: String?
        /// Fermata di salita all'andata / di discesa al ritorno, from the enrollment on this line.
        public let outboundStop: String?
        public let returnStop: String?

        public init(beneficiaryId: String, name: String, className: String?, schoolSite: String?, outboundStop: String?, returnStop: String?) {
            self.beneficiaryId = beneficiaryId
            self.name = name
            self.className = className
            self.schoolSite = schoolSite
            self.outboundStop = outboundStop
            self.returnStop = returnStop
        }
    }

    public let routeId: String
    public let routeName: String
    public let direction: Direction

    /// The line as the attendant reads it at the top of the ride (`Route.title`).
    public var title: String { Route.title(id: routeId, name: routeName) }
    public let stops: [Stop]
    public let riders: [Rider]
    /// The schools (sites) of the children on the line's list, per class name: a name with more than one school is
    /// ambiguous on this line.
    let classSchools: [String: Set<String?>]
    /// The names of the line's schools, by site.
    let schoolNames: [String: String]

    /// `schools`: those the line serves, in the order the bus reaches them in this direction (schools without a
    /// time after those with one, by site); `children`: the line's list for the day.
    public init(route: Route, direction: Direction, schools: [School], children: [Child]) {
        routeId = route.id
        routeName = route.name
        self.direction = direction
        let timed = schools.filter { $0.time != nil }
        let ordered = timed + schools.filter { $0.time == nil }.sorted { $0.site < $1.site }
        // A line whose school the device cannot tell still ends (or starts) at the school.
        let schoolStops: [(id: String, name: String, site: String?, time: LocalTime?)] = ordered.isEmpty
            ? [(Ride.school, "Scuola", nil, nil)]
            : ordered.map { (Ride.schoolStop(site: $0.site), $0.name, $0.site, $0.time) }
        let routeStops = route.stops.map { stop in
            (id: stop.id, name: stop.name, time: Optional(direction == .outbound ? stop.outboundTime : stop.returnTime),
             site: String?.none, school: false)
        }
        let schoolList = schoolStops.map { (id: $0.id, name: $0.name, time: $0.time, site: $0.site, school: true) }
        let list = direction == .outbound ? routeStops + schoolList : schoolList + routeStops.reversed()
        stops = list.enumerated().map { index, stop in
            Stop(number: index + 1, id: stop.id, name: stop.name, time: stop.time, schoolSite: stop.site, isSchool: stop.school)
        }
        let single = schoolStops.count == 1 ? schoolStops[0].id : nil
        var classSchools: [String: Set<String?>] = [:]
        for child in children {
            if let name = child.className { classSchools[name, default: []].insert(child.schoolSite) }
        }
        self.classSchools = classSchools
        let schoolNames = Dictionary(schools.map { ($0.site, $0.name) }, uniquingKeysWith: { first, _ in first })
        self.schoolNames = schoolNames
        let schoolOf = { (child: Child) in child.schoolSite.map { schoolNames[$0] ?? $0 } }
        riders = children.sorted { ($0.name, $0.beneficiaryId) < ($1.name, $1.beneficiaryId) }.map { child in
            // The child's school stop: their own school's, or the only school of the line.
            let school = child.schoolSite.map(Ride.schoolStop(site:)).flatMap { id in schoolStops.contains { $0.id == id } ? id : nil } ?? single
            // Morning: on at the enrollment's outbound stop, off at school; afternoon: on at school, off at the return stop.
            let board = direction == .outbound ? child.outboundStop : child.returnStop.flatMap { _ in school }
            let alight = direction == .outbound ? child.outboundStop.flatMap { _ in school } : child.returnStop
            let ambiguous = Self.isAmbiguous(child.className, site: child.schoolSite, classSchools)
            return Rider(beneficiaryId: child.beneficiaryId, name: child.name, className: child.className, schoolSite: child.schoolSite,
                         schoolName: ambiguous ? schoolOf(child) : nil, school: schoolOf(child), boardStop: board, alightStop: alight)
        }
    }

    // MARK: Classes of several schools

    /// Whether a class named `className` of school `site` needs its school beside it on this line: the line's list
    /// has a class of that name in another school (or in a school the device does not know).
    public func isAmbiguous(className: String?, site: String?) -> Bool {
        Self.isAmbiguous(className, site: site, classSchools)
    }

    private static func isAmbiguous(_ className: String?, site: String?, _ classSchools: [String: Set<String?>]) -> Bool {
        guard let className, let sites = classSchools[className] else { return false }
        return sites.contains { $0 != site }
    }

    /// "Rossi Mario (3A)", or "Rossi Mario (3A, Scuola primaria «Gianni Rodari»)" where the class name alone is
    /// ambiguous on the line: a child as every ride screen names it.
    public static func who(_ name: String, className: String?, schoolName: String?) -> String {
        let inParentheses = [className, schoolName].compactMap { $0 }.joined(separator: ", ")
        return inParentheses.isEmpty ? name : "\(name) (\(inParentheses))"
    }

    /// The name of one of the line's schools; nil when the plan does not know it.
    public func schoolName(site: String) -> String? {
        schoolNames[site]
    }

    // MARK: Direction

    /// Andata before noon in Europe/Rome, ritorno from noon: the morning ride takes the children to school, the
    /// afternoon one (or the one at the end of a morning-only school day) brings them home.
    public static func direction(at instant: Date) -> Direction {
        BusinessCalendar.time(of: instant).hour < 12 ? .outbound : .return
    }

    // MARK: Stops

    /// What a typed stop choice names.
    public enum StopChoice: Equatable, Sendable {
        case stop(Int)
        /// Several stops begin so: their numbers.
        case ambiguous([Int])
        case none
    }

    /// A stop by its number in this ride (`3`), its id (`L1-03`), or the beginning of its name (or else of a word in
    /// it), accents, case and apostrophes ignored (`chiesa`, `ca rossa`). Several names beginning so are ambiguous unless one is the whole name.
    public func stop(matching text: String) -> StopChoice {
        let typed = text.trimmingCharacters(in: .whitespaces)
        if let number = Int(typed) {
            return stops.indices.contains(number - 1) ? .stop(number - 1) : .none
        }
        if let index = stops.firstIndex(where: { $0.id.caseInsensitiveCompare(typed) == .orderedSame }) { return .stop(index) }
        let key = NameKey.fold(typed)
        guard !key.isEmpty else { return .none }
        var matches = stops.indices.filter { NameKey.fold(stops[$0].name).hasPrefix(key) }
        // "ca rossa" for "Località Ca' Rossa": the beginning of a later word, when no name begins so.
        if matches.isEmpty { matches = stops.indices.filter { (" " + NameKey.fold(stops[$0].name)).contains(" " + key) } }
        if matches.count == 1 { return .stop(matches[0]) }
        if let exact = matches.first(where: { NameKey.fold(stops[$0].name) == key }) { return .stop(exact) }
        return matches.isEmpty ? .none : .ambiguous(matches)
    }

    public func index(ofStop id: String) -> Int? {
        stops.firstIndex { $0.id == id }
    }

    // MARK: Who, where

    /// The children on the list who get on at the stop.
    public func boarding(at index: Int) -> [Rider] {
        guard stops.indices.contains(index) else { return [] }
        return riders.filter { $0.boardStop == stops[index].id }
    }

    /// The children on the list who get off at the stop.
    public func alighting(at index: Int) -> [Rider] {
        guard stops.indices.contains(index) else { return [] }
        return riders.filter { $0.alightStop == stops[index].id }
    }

    public func rider(_ beneficiaryId: String) -> Rider? {
        riders.first { $0.beneficiaryId == beneficiaryId }
    }

    /// Why a child getting on (or off) at `stopId` is not where the list expects, in a whole sentence; nil when it is
    /// the child's own stop. A child not on the list is `notEnrolled`.
    public func problem(_ beneficiaryId: String, boarding: Bool, at stopId: String) -> RideProblem? {
        guard let rider = rider(beneficiaryId) else { return .notEnrolled }
        guard let own = boarding ? rider.boardStop : rider.alightStop else {
            return .noStopThisWay(boarding: boarding, direction: direction)
        }
        // Plain `school` (a scan that does not say which school) is not checked against the child's school.
        if own == stopId || (stopId == Ride.school && Ride.isSchool(own)) { return nil }
        let expected = index(ofStop: own).map { stops[$0] }
        if Ride.isSchool(own) && Ride.isSchool(stopId) {
            return .wrongSchool(boarding: boarding, here: name(of: stopId), school: expected?.name ?? own, className: rider.className)
        }
        return .wrongStop(boarding: boarding, here: name(of: stopId), expected: expected?.name ?? own, number: expected?.number)
    }

    /// The stop's name as the attendant reads it; the id when the plan does not know it.
    public func name(of stopId: String) -> String {
        if let index = index(ofStop: stopId) { return stops[index].name }
        return stopId == Ride.school ? "scuola" : stopId
    }
}

/// Why a boarding or alighting is not as the line's list expects (the fact is recorded all the same: the child is
/// on, or off, the bus).
public enum RideProblem: Equatable, Sendable {
    /// Not on the line's list that day.
    case notEnrolled
    /// At another stop than the child's own (`number`: its number in this ride, when it is one of the ride's).
    case wrongStop(boarding: Bool, here: String, expected: String, number: Int?)
    /// At the school stop of another school than the child's (a line serving several schools).
    case wrongSchool(boarding: Bool, here: String, school: String, className: String?)
    /// On the list, but without a stop in this direction.
    case noStopThisWay(boarding: Bool, direction: Direction)

    /// The whole sentence the attendant reads, ending with what happens.
    public var message: String {
        switch self {
        case .notEnrolled:
            return "ATTENZIONE: non iscritto a questa linea! Registrato comunque: avvisare l'ufficio."
        case .wrongStop(let boarding, let here, let expected, let number):
            return "ATTENZIONE: \(boarding ? "sale" : "scende") a \(here), ma la sua fermata di \(boarding ? "salita" : "discesa") è "
                + "\(expected)\(number.map { " (n. \($0))" } ?? ""). Registrato comunque."
        case .wrongSchool(let boarding, let here, let school, let className):
            let of = className.map { " (classe \($0))" } ?? ""
            return "ATTENZIONE: \(boarding ? "sale" : "scende") a \(here), ma la sua scuola\(of) è \(school). "
                + (boarding ? "Registrato comunque." : "Registrato comunque: se non è la sua scuola, farlo risalire.")
        case .noStopThisWay(let boarding, let direction):
            return "ATTENZIONE: \(boarding ? "sale" : "scende"), ma non è iscritto al \(direction.italian) di questa linea. "
                + "Registrato comunque: avvisare l'ufficio."
        }
    }
}

extension RideProblem {
    /// The stable code of the answer to the scan.
    var result: ScanOutcome.Result {
        switch self {
        case .notEnrolled: return .notEnrolled
        case .wrongSchool: return .wrongSchool
        case .wrongStop, .noStopThisWay: return .wrongStop
        }
    }
}
