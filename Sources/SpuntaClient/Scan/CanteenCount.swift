import Foundation
import SpuntaDomain
import SpuntaProtocol
import SpuntaStore

/// The running count at the canteen door (conteggio dei pasti): served so far against expected, per class and in
/// all. Expected is the children enrolled in a meal service at the door's sites that day, less those the register
/// keeps away and those whose option has no meal that day (the kitchen's rule, `spunta meals`, on the days the
/// service runs: `Service.runs`; a three-day pupil on the option's days: `Service.isOptionDay`); a child served
/// anyway counts as expected too, so served never exceeds expected. Served counts this door's meals and those the
/// other doors synced.
public struct CanteenCount: Encodable, Sendable, Equatable {
    public enum Kind: String, Encodable, Sendable {
        /// Asked with `#` while scanning.
        case count
        /// At the end of the scan (end of input or `q`).
        case summary
    }

    public struct ClassLine: Encodable, Sendable, Equatable {
        /// nil for children without a class (nursery).
        public let classId: String?
        public let className: String
        public let served: Int
        public let expected: Int

        enum CodingKeys: String, CodingKey {
            case classId = "class_id", className = "class_name", served, expected
        }
    }

    public var kind: Kind
    public let date: LocalDate
    public let served: Int
    public let expected: Int
    /// In class order (by name), children without a class last.
    public let classes: [ClassLine]

    enum CodingKeys: String, CodingKey {
        case kind = "result", date, served, expected, classes
    }

    /// The line of one class, by id.
    public func line(ofClass id: String?) -> ClassLine? {
        classes.first { $0.classId == id }
    }

    /// Counts the door's day from the replica and the known ops.
    static func compute(_ db: Database, device: EnrolledDevice, date: LocalDate) throws -> CanteenCount {
        let replica = ReplicaStore(db)
        var services: [String: Service] = [:]
        for s in try replica.records(.services, as: Service.self) { services[s.id] = s }
        var years: [String: SchoolYear] = [:]
        for y in try replica.records(.schoolYears, as: SchoolYear.self) { years[y.id] = y }
        var classNames: [String: String] = [:]
        for c in try replica.records(.classes, as: SchoolClass.self) { classNames[c.id] = c.name }
        var classOf: [String: String?] = [:]
        var membership: [String: ClassMembership] = [:]
        for b in try replica.allBeneficiaries() {
            classOf[b.id] = b.classId
            membership[b.id] = b.membership
        }
        let facts = try LocalFacts(db: db, deviceId: device.deviceId).factsByChild(date: date)
        var tally: [String?: (served: Int, expected: Int)] = [:]
        var counted: Set<String> = []
        for e in try replica.allEnrollments() where e.isActive(on: date) {
            guard let site = e.siteId, device.siteIDs.contains(site), let service = services[e.serviceId],
                  service.kind.servesMeals else { continue }
            let day = facts[e.beneficiaryId] ?? []
            let served = LocalFacts.served(day, service: e.serviceId)
            // On a day the service does not run (a door opened with --force) nobody is expected, but whoever was served
            // is counted: "0 su 0" after a meal would tell the worker nothing was recorded.
            guard served || service.runs(on: date, year: years[service.yearId], at: site),
                  counted.insert(e.beneficiaryId).inserted else { continue }
            // A pupil not in their class that day (not started yet, or left) is not expected, unless served.
            guard served || (LocalFacts.expectsMeal(day, service: service, enrollment: e, on: date)
                             && ClassMembership.isAtSchool(membership[e.beneficiaryId], on: date)) else { continue }
            let key = classOf[e.beneficiaryId] ?? nil
            var line = tally[key] ?? (0, 0)
            line.expected += 1
            if served { line.served += 1 }
            tally[key] = line
        }
        let lines = tally.map { key, value in
            ClassLine(classId: key, className: key.map { classNames[$0] ?? $0 } ?? "senza classe", served: value.served, expected: value.expected)
        }.sorted { a, b in
            switch (a.classId, b.classId) {
            case (nil, nil): return false
            case (nil, _): return false
            case (_, nil): return true
            default: return (a.className, a.classId ?? "") < (b.className, b.classId ?? "")
            }
        }
        return CanteenCount(kind: .count, date: date, served: lines.reduce(0) { $0 + $1.served },
                            expected: lines.reduce(0) { $0 + $1.expected }, classes: lines)
    }
}
