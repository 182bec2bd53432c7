import Foundation
import SpuntaDomain
import SpuntaExchange
import SpuntaProtocol
import SpuntaServerStore
import SpuntaStore

/// Conteggio dei pasti: the meals a site's kitchen must prepare on a school day — per class and per diet, with the
/// names of the children on special diets — from the enrollments in the site's meal services, minus the children
/// the registers synced so far hold absent (absence periods included), as the server knows it when composed.
///
/// The register is read by the merge's one rule for the kitchen (`MergeRules.mealBooking`, `MealPurpose.kitchenCount`),
/// which differs from billing's on one point: a child who comes in late still eats, so a late entry counts in
/// whatever the hour (billing does not charge a meal booked after the cut-off); an early exit by the cut-off counts
/// out. A class with no roll call synced is counted whole, and named.
public struct MealCount: Codable, Sendable, Equatable {
    public let siteId: String
    public let siteName: String
    public let date: LocalDate
    public let cutoff: LocalTime
    public let classes: [ClassLine]
    /// The children counted in, one each: what a later variation is measured against.
    public let children: [Child]

    enum CodingKeys: String, CodingKey {
        case siteId = "site_id", siteName = "site_name", date, cutoff, classes, children, total, diets
    }

    /// One class of the site.
    public struct ClassLine: Codable, Sendable, Equatable {
        public let classId: String
        public let className: String
        public let enrolled: Int
        /// Marked absent (or gone by the cut-off) in the register.
        public let absent: Int
        /// Away for an absence period with no mark of the day.
        public let absencePeriods: Int
        public let meals: Int
        /// Whether a device has synced a roll call of the class for the day; if not, every child is counted.
        public let rollCallReceived: Bool

        enum CodingKeys: String, CodingKey {
            case classId = "class_id", className = "class_name", enrolled, absent, absencePeriods = "absence_periods", meals
            case rollCallReceived = "roll_call_received"
        }
    }

    /// A child counted in.
    public struct Child: Codable, Sendable, Equatable, Hashable {
        public let beneficiaryId: String
        public let name: String
        public let classId: String
        public let dietId: String?
        public let dietName: String?

        enum CodingKeys: String, CodingKey {
            case beneficiaryId = "beneficiary_id", name, classId = "class_id", dietId = "diet_id", dietName = "diet_name"
        }
    }

    /// One diet's meals; `children` named only for a special diet.
    public struct DietLine: Codable, Sendable, Equatable {
        public let dietId: String?
        public let name: String
        public let meals: Int
        public let children: [String]

        enum CodingKeys: String, CodingKey {
            case dietId = "diet_id", name, meals, children
        }
    }

    /// The name of the ordinary menu (no special diet).
    public static let ordinaryDiet = "ordinaria"

    public var total: Int { children.count }

    /// Meals per diet, the ordinary menu first, then the special diets by name, each with its children.
    public var diets: [DietLine] {
        let groups = Dictionary(grouping: children, by: \.dietId)
        var lines: [DietLine] = []
        if let ordinary = groups[nil] { lines.append(DietLine(dietId: nil, name: Self.ordinaryDiet, meals: ordinary.count, children: [])) }
        var special: [(id: String, name: String, children: [Child])] = []
        for (key, list) in groups {
            if let key { special.append((key, list[0].dietName ?? key, list)) }
        }
        for diet in special.sorted(by: { ($0.name, $0.id) < ($1.name, $1.id) }) {
            lines.append(DietLine(dietId: diet.id, name: diet.name, meals: diet.children.count,
                                  children: diet.children.map { "\($0.name) (\(className($0.classId)))" }.sorted()))
        }
        return lines
    }

    /// Meals of a class per diet, the ordinary menu first.
    public func diets(ofClass id: String) -> [(name: String, meals: Int)] {
        let groups = Dictionary(grouping: children.filter { $0.classId == id }, by: { $0.dietName ?? Self.ordinaryDiet })
        return groups.map { ($0.key, $0.value.count) }.sorted { ($0.name == Self.ordinaryDiet ? 0 : 1, $0.name) < ($1.name == Self.ordinaryDiet ? 0 : 1, $1.name) }
    }

    public func className(_ id: String) -> String { classes.first { $0.classId == id }?.className ?? id }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        siteId = try c.decode(String.self, forKey: .siteId)
        siteName = try c.decode(String.self, forKey: .siteName)
        date = try c.decode(LocalDate.self, forKey: .date)
        cutoff = try c.decode(LocalTime.self, forKey: .cutoff)
        classes = try c.decode([ClassLine].self, forKey: .classes)
        children = try c.decode([Child].self, forKey: .children)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(siteId, forKey: .siteId)
        try c.encode(siteName, forKey: .siteName)
        try c.encode(date, forKey: .date)
        try c.encode(cutoff, forKey: .cutoff)
        try c.encode(total, forKey: .total)
        try c.encode(diets, forKey: .diets)
        try c.encode(classes, forKey: .classes)
        try c.encode(children, forKey: .children)
    }

    init(siteId: String, siteName: String, date: LocalDate, cutoff: LocalTime, classes: [ClassLine], children: [Child]) {
        self.siteId = siteId
        self.siteName = siteName
        self.date = date
        self.cutoff = cutoff
        self.classes = classes
        self.children = children.sorted { ($0.classId, $0.name, $0.beneficiaryId) < ($1.classId, $1.name, $1.beneficiaryId) }
    }

    // MARK: Composing

    /// The meal services that run at `site` on `date` (weekdays, dates, closing days, holidays: `Service.runs`).
    public static func services(_ data: MasterDataSet, site: String, date: LocalDate) -> [Service] {
        data.services.filter { service in
            service.kind.servesMeals && service.siteIds.contains(site)
                && service.runs(on: date, year: data.schoolYears.first { $0.id == service.yearId })
        }
    }

    /// What the counts of every site on one day read alike: the master data by id, the day's register and the classes
    /// whose roll call arrived. Read once for a round over all the sites (the caterers' counts run every minute of the
    /// morning on the server's one writer: read again for each of a city's five hundred sites, they held the merge up).
    public struct Day {
        let date: LocalDate
        /// The one site whose facts were read (`init(_:shared:date:site:)`), nil when every site's were.
        let site: String?
        /// The enrollments active that day, by site, each site's in id order.
        let enrollmentsBySite: [String: [Enrollment]]
        let children: [String: Beneficiary]
        let diets: [String: String]
        let classNames: [String: String]
        let marks: [String: (status: String, time: LocalTime?, period: Bool)]
        let rollCalls: Set<String>

        public init(_ db: Database, data: MasterDataSet, date: LocalDate) throws {
            self.date = date
            site = nil
            enrollmentsBySite = Dictionary(grouping: data.enrollments.filter { $0.isActive(on: date) }.sorted(by: { $0.id < $1.id }),
                                           by: { $0.siteId ?? "" })
            children = Dictionary(data.beneficiaries.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            diets = Dictionary(data.diets.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
            classNames = Dictionary(data.classes.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
            var marks: [String: (status: String, time: LocalTime?, period: Bool)] = [:]
            for row in try db.fetchAll("""
                SELECT a.beneficiary_id, a.status, a.time, o.type FROM attendance a LEFT JOIN op o ON o.id = a.op_id WHERE a.business_date = ?
                """, [date.description]) {
                marks[try row[0]] = (try row[1], (try row[2] as String?).flatMap { LocalTime($0) }, (try row[3] as String?) == "absence_period_recorded")
            }
            self.marks = marks
            var rollCalls: Set<String> = []
            for row in try db.fetchAll("""
                SELECT DISTINCT class_id FROM op WHERE business_date = ? AND type = 'attendance_marked' AND merge_status != 'rejected'
                    AND device_id != ? AND class_id IS NOT NULL
                """, [date.description, OperatorOps.deviceID]) {
                rollCalls.insert(try row[0])
            }
            self.rollCalls = rollCalls
        }

        /// What one site's count reads and nothing of the other sites: the enrollments in the site's meal services
        /// that run that day (by the index of enrollments by service and site), their children, the day's marks of
        /// those children and the roll calls of their classes. `data` needs only the shared master data (services,
        /// years, diets, classes). The caterers' round counts a city a site at a time with it: what the writer holds
        /// follows the largest school, not the city.
        public init(_ db: Database, shared data: MasterDataSet, date: LocalDate, site: String) throws {
            self.date = date
            self.site = site
            diets = Dictionary(data.diets.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
            classNames = Dictionary(data.classes.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
            var enrollments: [Enrollment] = []
            for service in MealCount.services(data, site: site, date: date) {
                for row in try db.fetchAll("""
                    SELECT \(Enrollment.columns) FROM \(Enrollment.table) WHERE service_id = ? AND site_id = ? AND deleted = 0
                    """, [service.id, site]) {
                    let enrollment = try Enrollment(row: row)
                    if enrollment.isActive(on: date) { enrollments.append(enrollment) }
                }
            }
            enrollments.sort { $0.id < $1.id }
            enrollmentsBySite = enrollments.isEmpty ? [:] : [site: enrollments]
            let ids = Array(Set(enrollments.map(\.beneficiaryId))).sorted()
            children = try Beneficiary.live(db, ids: ids)
            var marks: [String: (status: String, time: LocalTime?, period: Bool)] = [:]
            for start in stride(from: 0, to: ids.count, by: 500) {
                let list = sqlInList(Array(ids[start..<min(ids.count, start + 500)]))
                for row in try db.makeStatement("""
                    SELECT a.beneficiary_id, a.status, a.time, o.type FROM attendance a LEFT JOIN op o ON o.id = a.op_id
                    WHERE a.business_date = ? AND a.beneficiary_id IN \(list.sql)
                    """).fetchAll([date.description] + list.arguments) {
                    marks[try row[0]] = (try row[1], (try row[2] as String?).flatMap { LocalTime($0) }, (try row[3] as String?) == "absence_period_recorded")
                }
            }
            self.marks = marks
            // The roll calls of the children's classes only, by the index of attendance marks by class and day.
            var rollCalls: Set<String> = []
            let classes = Array(Set(children.values.compactMap(\.classId))).sorted()
            for start in stride(from: 0, to: classes.count, by: 500) {
                let list = sqlInList(Array(classes[start..<min(classes.count, start + 500)]))
                for row in try db.makeStatement("""
                    SELECT DISTINCT class_id FROM op WHERE type = 'attendance_marked' AND class_id IN \(list.sql) AND business_date = ?
                        AND merge_status != 'rejected' AND device_id != ?
                    """).fetchAll(list.arguments + [date.description, OperatorOps.deviceID]) {
                    rollCalls.insert(try row[0])
                }
            }
            self.rollCalls = rollCalls
        }

        /// Whether these facts are those of `site` on `date`.
        func covers(site id: String, date: LocalDate) -> Bool { self.date == date && (site == nil || site == id) }
    }

    /// The count of `site` on `date` as the database holds it now; nil when no meal service runs there that day.
    /// `day`: what was read for the same date and state of the database, when counting several sites.
    public static func compose(_ db: Database, data: MasterDataSet, site: Site, date: LocalDate, day: Day? = nil) throws -> MealCount? {
        let services = services(data, site: site.id, date: date)
        guard !services.isEmpty else { return nil }
        let serviceIDs = Set(services.map(\.id))
        let day = try day.flatMap { $0.covers(site: site.id, date: date) ? $0 : nil } ?? Day(db, data: data, date: date)
        // One enrollment per child: the first by id of those active that day in a meal service of the site — on a day
        // of its option (a three-day canteen books no meal on Tuesdays, as billing does: `Service.isOptionDay`).
        var enrollments: [String: Enrollment] = [:]
        for e in day.enrollmentsBySite[site.id] ?? []
        where serviceIDs.contains(e.serviceId) && enrollments[e.beneficiaryId] == nil
            && services.first(where: { $0.id == e.serviceId })?.isOptionDay(date, option: e.option(on: date)) ?? true {
            enrollments[e.beneficiaryId] = e
        }
        let (children, diets, classNames, rollCalls) = (day.children, day.diets, day.classNames, day.rollCalls)
        let marks = day.marks
        // A meal service's cut-off decides an early exit; the site's count cut-off when the service has none.
        let exitCutoff = services.compactMap(\.cutoff).min() ?? site.mealCountCutoff
        var lines: [String: (enrolled: Int, absent: Int, away: Int, meals: Int)] = [:]
        var counted: [Child] = []
        for (id, enrollment) in enrollments {
            guard let child = children[id] else { continue }
            let classID = child.classId ?? ""
            var line = lines[classID] ?? (0, 0, 0, 0)
            line.enrolled += 1
            let mark = marks[id]
            if let mark, mark.period {
                line.away += 1
            } else if let mark, !Self.countsIn(status: mark.status, time: mark.time, cutoff: exitCutoff) {
                line.absent += 1
            } else {
                line.meals += 1
                counted.append(Child(beneficiaryId: id, name: "\(child.surname) \(child.givenName)", classId: classID,
                                     dietId: enrollment.dietId, dietName: enrollment.dietId.map { diets[$0] ?? $0 }))
            }
            lines[classID] = line
        }
        let classes = lines.map { id, line in
            ClassLine(classId: id, className: id.isEmpty ? "senza classe" : classNames[id] ?? id, enrolled: line.enrolled,
                      absent: line.absent, absencePeriods: line.away, meals: line.meals, rollCallReceived: id.isEmpty || rollCalls.contains(id))
        }.sorted { ($0.className, $0.classId) < ($1.className, $1.classId) }
        return MealCount(siteId: site.id, siteName: site.name, date: date, cutoff: site.mealCountCutoff, classes: classes, children: counted)
    }

    /// Whether the register's mark of a child counts the meal in: the merge's one rule (`MergeRules.mealBooking`)
    /// for the kitchen. A status the rule does not know counts in, as no mark does.
    static func countsIn(status: String, time: LocalTime?, cutoff: LocalTime) -> Bool {
        MergeRules.mealBooking(register: AttendanceStatus(rawValue: status), time: time, cutoff: cutoff, for: .kitchenCount).isBooked
    }

    // MARK: Comparing

    /// What changed from `earlier` to this count: children counted in since, and counted out since.
    public func changes(since earlier: [Child]) -> (added: [Child], removed: [Child]) {
        let before = Dictionary(earlier.map { ($0.beneficiaryId, $0) }, uniquingKeysWith: { a, _ in a })
        let now = Dictionary(children.map { ($0.beneficiaryId, $0) }, uniquingKeysWith: { a, _ in a })
        let added = children.filter { before[$0.beneficiaryId] == nil }
        let removed = earlier.filter { now[$0.beneficiaryId] == nil }
        return (added, removed)
    }
}
