import Foundation
import SpuntaDomain
import SpuntaProtocol
import SpuntaStore

/// The device's copy of its scope (replica) and the other devices' ops: applied page by page with the cursor,
/// read by scanning and roll call.
public struct ReplicaStore {
    let db: Database

    public init(_ db: Database) {
        self.db = db
    }

    // MARK: Applying pulls

    /// Applies one pulled page in the caller's transaction, and stores its cursor and epoch with it.
    public func apply(_ page: PullResponse, now: Date) throws {
        if page.reset {
            try db.execute("DELETE FROM record; DELETE FROM beneficiary; DELETE FROM enrollment; DELETE FROM card; DELETE FROM peer_op; DELETE FROM absence_period;")
        }
        for change in page.changes {
            try apply(change)
        }
        for op in page.ops {
            try insertPeer(op)
            try OpRecorder.observe(db, remote: op.hlc, now: now)
        }
        try db.run("UPDATE device SET cursor = ?, epoch = ? WHERE id = 1", [page.cursor, page.epoch])
    }

    func apply(_ change: ReplicaChange) throws {
        switch change.action {
        case .delete:
            switch change.entity {
            case .beneficiaries: try db.run("DELETE FROM beneficiary WHERE id = ?", [change.id])
            case .enrollments: try db.run("DELETE FROM enrollment WHERE id = ?", [change.id])
            case .cards: try db.run("DELETE FROM card WHERE id = ?", [change.id])
            default: try db.run("DELETE FROM record WHERE entity = ? AND id = ?", [change.entity.rawValue, change.id])
            }
        case .upsert:
            switch change.record {
            case .beneficiary(let b):
                try db.run("INSERT OR REPLACE INTO beneficiary (\(ReplicaBeneficiary.columns)) VALUES (\(ReplicaBeneficiary.placeholders))", b.values)
            case .enrollment(let e):
                try db.run("INSERT OR REPLACE INTO enrollment (\(ReplicaEnrollment.columns)) VALUES (\(ReplicaEnrollment.placeholders))", try e.values)
            case .card(let c):
                try db.run("INSERT OR REPLACE INTO card (id, beneficiary_id, revoked_on) VALUES (?, ?, ?)",
                           [c.id, c.beneficiaryId, c.revokedOn?.description])
            case .some(let record):
                let body: Data
                switch record {
                case .municipality(let v): body = try WireCoding.encode(v)
                case .schoolYear(let v): body = try WireCoding.encode(v)
                case .site(let v): body = try WireCoding.encode(v)
                case .schoolClass(let v): body = try WireCoding.encode(v)
                case .service(let v): body = try WireCoding.encode(v)
                case .diet(let v): body = try WireCoding.encode(v)
                case .route(let v): body = try WireCoding.encode(v)
                case .balance(let v): body = try WireCoding.encode(v)
                case .beneficiary, .enrollment, .card: return
                }
                try db.run("INSERT OR REPLACE INTO record (entity, id, body) VALUES (?, ?, ?)",
                           [change.entity.rawValue, change.id, String(decoding: body, as: UTF8.self)])
            case .none:
                break
            }
        }
    }

    func insertPeer(_ op: Op) throws {
        if case .absencePeriodRecorded(let p) = op.body { try LocalFacts.storePeriod(db, op: op, p) }
        try db.run("""
            INSERT OR IGNORE INTO peer_op (\(PeerOpRow.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, PeerOpRow.values(op))
    }

    // MARK: Reading

    public func record<T: Decodable>(_ entity: ReplicaEntity, _ id: String, as type: T.Type) throws -> T? {
        guard let body: String = try db.scalar("SELECT body FROM record WHERE entity = ? AND id = ?", [entity.rawValue, id]) else {
            return nil
        }
        return try WireCoding.decode(type, from: Data(body.utf8))
    }

    public func records<T: Decodable>(_ entity: ReplicaEntity, as type: T.Type) throws -> [T] {
        try db.fetchAll("SELECT body FROM record WHERE entity = ? ORDER BY id", [entity.rawValue]).map {
            try WireCoding.decode(type, from: Data((try $0[0] as String).utf8))
        }
    }

    /// The name of a class, or its id when the replica does not hold it (a person still sees which class).
    public func className(_ id: String) throws -> String {
        try record(.classes, id, as: SchoolClass.self)?.name ?? id
    }

    public func beneficiary(_ id: String) throws -> ReplicaBeneficiary? {
        try db.fetchOne("SELECT \(ReplicaBeneficiary.columns) FROM beneficiary WHERE id = ?", [id]).map(ReplicaBeneficiary.init(row:))
    }

    /// The children in the class's register on `date`: those whose membership covers the day (a child who starts
    /// on 16 November is not in the register of the 2nd).
    public func beneficiaries(inClass id: String, on date: LocalDate) throws -> [ReplicaBeneficiary] {
        try db.fetchAll("SELECT \(ReplicaBeneficiary.columns) FROM beneficiary WHERE class_id = ? ORDER BY surname, given_name, id", [id])
            .map(ReplicaBeneficiary.init(row:)).filter { $0.membership?.covers(date) ?? false }
    }

    public func allBeneficiaries() throws -> [ReplicaBeneficiary] {
        try db.fetchAll("SELECT \(ReplicaBeneficiary.columns) FROM beneficiary ORDER BY surname, given_name, id")
            .map(ReplicaBeneficiary.init(row:))
    }

    public func enrollments(of beneficiary: String) throws -> [ReplicaEnrollment] {
        try db.fetchAll("SELECT \(ReplicaEnrollment.columns) FROM enrollment WHERE beneficiary_id = ? ORDER BY id", [beneficiary])
            .map(ReplicaEnrollment.init(row:))
    }

    public func allEnrollments() throws -> [ReplicaEnrollment] {
        try db.fetchAll("SELECT \(ReplicaEnrollment.columns) FROM enrollment ORDER BY id").map(ReplicaEnrollment.init(row:))
    }

    /// La scuola del bambino sulla linea: the school (and its stop and times that day) where child `beneficiary`
    /// gets off the bus of `route` on `date` in the morning and on in the afternoon — the school named by the
    /// child's enrollment on the line that day, else the plesso of the child's class; nil when the line does not
    /// serve that school (or describes no schools), the child is not enrolled on the line that day, or neither
    /// names a school. The ride mode checks alighting against `stopId` and shows `returnTime` (earlier on a day
    /// without afternoon school).
    public func school(of beneficiary: String, route routeID: String, on date: LocalDate) throws -> SchoolOnRoute? {
        guard let route = try record(.routes, routeID, as: Route.self),
              let enrollment = try enrollments(of: beneficiary).first(where: { $0.routeId == routeID && $0.isActive(on: date) })
        else { return nil }
        guard let site = Self.schoolSite(of: try self.beneficiary(beneficiary), enrollment: enrollment, on: date),
              let school = route.schools.first(where: { $0.siteId == site }) else { return nil }
        return SchoolOnRoute(siteId: school.siteId, stopId: school.stopId, arrival: school.arrival, returnTime: school.returnTime(on: date),
                             fromEnrollment: enrollment.schoolId != nil)
    }

    /// The plesso a child on a line goes to on `date`: the school the enrollment names, else the site of the child's
    /// class on a day the child is in it. The one rule for the ride's school stops and for `school(of:route:on:)`.
    static func schoolSite(of child: ReplicaBeneficiary?, enrollment: ReplicaEnrollment, on date: LocalDate) -> String? {
        if let named = enrollment.schoolId { return named }
        guard let child, ClassMembership.isAtSchool(child.membership, on: date) else { return nil }
        return child.classSiteId
    }

    /// The card's holder and, if revoked, since when.
    public func card(_ id: String) throws -> (beneficiaryId: String, revokedOn: String?)? {
        try db.fetchOne("SELECT beneficiary_id, revoked_on FROM card WHERE id = ?", [id]).map { (try $0[0], try $0[1]) }
    }

    public var counts: [String: Int] {
        get throws {
            var result: [String: Int] = [:]
            result["beneficiaries"] = try db.scalar("SELECT COUNT(*) FROM beneficiary") ?? 0
            result["enrollments"] = try db.scalar("SELECT COUNT(*) FROM enrollment") ?? 0
            result["cards"] = try db.scalar("SELECT COUNT(*) FROM card") ?? 0
            for row in try db.fetchAll("SELECT entity, COUNT(*) FROM record GROUP BY entity") {
                result[try row[0] as String] = try row[1]
            }
            result["peer_ops"] = try db.scalar("SELECT COUNT(*) FROM peer_op") ?? 0
            return result
        }
    }
}

/// A child in the replica's `beneficiary` table: its columns, read and written here only.
extension ReplicaBeneficiary {
    static let columns = "id, surname, given_name, class_id, class_from, class_to, emergency_plan, class_site_id"
    static let placeholders = columns.split(separator: ",").map { _ in "?" }.joined(separator: ", ")

    init(row: Row) throws {
        self.init(
            id: try row[0], surname: try row[1], givenName: try row[2], classId: try row[3],
            classFrom: (try row[4] as String?).flatMap { LocalDate($0) }, classTo: (try row[5] as String?).flatMap { LocalDate($0) },
            emergencyPlan: try row[6], classSiteId: try row[7]
        )
    }

    /// The values of `columns`, in order.
    var values: StatementArguments {
        [id, surname, givenName, classId, classFrom?.description, classTo?.description, emergencyPlan, classSiteId]
    }
}

/// An enrollment in the replica's `enrollment` table: its columns, read and written here only.
extension ReplicaEnrollment {
    static let columns = """
        id, beneficiary_id, service_id, site_id, diet_id, route_id, outbound_stop_id, return_stop_id, start_date, end_date, school_id, \
        option_id, option_changes
        """
    static let placeholders = columns.split(separator: ",").map { _ in "?" }.joined(separator: ", ")

    init(row: Row) throws {
        self.init(
            id: try row[0], beneficiaryId: try row[1], serviceId: try row[2], siteId: try row[3], dietId: try row[4],
            routeId: try row[5], outboundStopId: try row[6], returnStopId: try row[7],
            startDate: LocalDate(try row[8] as String) ?? LocalDate(dayNumber: 0),
            endDate: (try row[9] as String?).flatMap { LocalDate($0) }, schoolId: try row[10], optionId: try row[11],
            optionChanges: try (row[12] as String?).map { try WireCoding.decode([Enrollment.OptionChange].self, from: Data($0.utf8)) } ?? []
        )
    }

    /// The values of `columns`, in order.
    var values: StatementArguments {
        get throws {
            [id, beneficiaryId, serviceId, siteId, dietId, routeId, outboundStopId, returnStopId, startDate.description, endDate?.description,
             schoolId, optionId,
             try optionChanges.isEmpty ? nil : String(decoding: WireCoding.encode(optionChanges), as: UTF8.self)]
        }
    }
}
