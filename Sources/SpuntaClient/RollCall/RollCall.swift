import Foundation
import SpuntaDomain
import SpuntaProtocol
import SpuntaStore

/// The register of one class on one day (appello): who is marked how, absences still to justify, and the
/// marking itself — each mark an op committed before it is shown.
public final class RollCall: Sendable {
    let queue: DatabaseQueue
    let device: EnrolledDevice
    public let classID: String
    public let date: LocalDate
    let clock: @Sendable () -> Date

    /// How far back absences still to justify are looked for.
    public static let justificationWindowDays = 30

    /// One child's line in the register.
    public struct Entry: Encodable, Sendable, Equatable {
        public let beneficiaryId: String
        public let name: String
        public var status: AttendanceStatus?
        public var time: LocalTime?
        /// Marked by another device (the co-teacher), or nil when by this one or not at all.
        public var markedElsewhere: Bool
        /// Earlier days absent and not yet justified.
        public var unjustified: [LocalDate]

        enum CodingKeys: String, CodingKey {
            case beneficiaryId = "beneficiary_id", name, status, time, markedElsewhere = "marked_elsewhere", unjustified
        }
    }

    public init(queue: DatabaseQueue, device: EnrolledDevice, classID: String, date: LocalDate, clock: @escaping @Sendable () -> Date = WallClock.now) throws {
        guard device.role == .teacher else { throw ClientError.wrongRole(expected: "insegnante", actual: device.role.italian) }
        guard device.classIDs.contains(classID) else { throw ClientError.notInScope("La classe \(classID)") }
        self.queue = queue
        self.device = device
        self.classID = classID
        self.date = date
        self.clock = clock
    }

    /// The class name as the replica knows it.
    public func className() throws -> String {
        try queue.read { try ReplicaStore($0).record(.classes, classID, as: SchoolClass.self)?.name } ?? classID
    }

    /// Whether the school is closed on the day (holiday, vacation, weekend).
    public func closure() throws -> String? {
        if date.weekday >= 6 { return "giorno festivo (fine settimana)" }
        let years = try queue.read { try ReplicaStore($0).records(.schoolYears, as: SchoolYear.self) }
        for year in years {
            if let closure = year.closures.first(where: { $0.contains(date) }) { return closure.reason }
        }
        return nil
    }

    public func entries() throws -> [Entry] {
        try queue.read { db in
            let facts = LocalFacts(db: db, deviceId: device.deviceId)
            return try ReplicaStore(db).beneficiaries(inClass: classID).map { child in
                let mark = try facts.attendance(beneficiary: child.id, date: date)
                return Entry(
                    beneficiaryId: child.id, name: child.fullName, status: mark?.status, time: mark?.time,
                    markedElsewhere: mark.map { !$0.own } ?? false, unjustified: try unjustified(db, child.id)
                )
            }
        }
    }

    /// Past days the child was absent (last mark) without a justification.
    private func unjustified(_ db: Database, _ beneficiary: String) throws -> [LocalDate] {
        let since = date.adding(days: -Self.justificationWindowDays)
        var dates: Set<String> = []
        for row in try db.fetchAll("""
            SELECT business_date FROM outbox WHERE beneficiary_id = ? AND type = 'attendance_marked' AND status = 'absent'
                AND business_date >= ? AND business_date < ?
            UNION SELECT business_date FROM peer_op WHERE beneficiary_id = ? AND type = 'attendance_marked' AND status = 'absent'
                AND business_date >= ? AND business_date < ?
            """, [beneficiary, since.description, date.description, beneficiary, since.description, date.description]) {
            dates.insert(try row[0])
        }
        let facts = LocalFacts(db: db, deviceId: device.deviceId)
        var result: [LocalDate] = []
        for text in dates.sorted() {
            guard let day = LocalDate(text), try facts.attendance(beneficiary: beneficiary, date: day)?.status == .absent else { continue }
            let justified: Int? = try db.scalar("""
                SELECT 1 FROM outbox WHERE beneficiary_id = ? AND type = 'absence_justified' AND status = ?
                UNION SELECT 1 FROM peer_op WHERE beneficiary_id = ? AND type = 'absence_justified' AND status = ?
                """, [beneficiary, "justified:\(text)", beneficiary, "justified:\(text)"])
            if justified == nil { result.append(day) }
        }
        return result
    }

    /// Fails when the roll call's day is outside the class's school year, where nothing can be marked: the
    /// interactive screen asks before it opens.
    public func requireSchoolYear() throws {
        try queue.read { db in try requireSchoolYear(db, date) }
    }

    /// The server takes a register op only for a day of the class's school year (the child's membership of the
    /// class spans it): a day outside it is refused here, before anything is recorded.
    private func requireSchoolYear(_ db: Database, _ day: LocalDate) throws {
        let replica = ReplicaStore(db)
        guard let schoolClass = try replica.record(.classes, classID, as: SchoolClass.self),
              let year = try replica.record(.schoolYears, schoolClass.yearId, as: SchoolYear.self) else { return }
        guard year.startDate <= day && day <= year.endDate else { throw ClientError.outsideSchoolYear(day: day, year: year) }
    }

    /// Marks one child; the op is on disk when this returns.
    @discardableResult
    public func mark(_ beneficiary: String, _ status: AttendanceStatus, time: LocalTime? = nil) throws -> Op {
        try queue.recording { db in
            guard let child = try ReplicaStore(db).beneficiary(beneficiary), child.classId == classID else {
                throw ClientError.unknownBeneficiary(beneficiary)
            }
            try requireSchoolYear(db, date)
            let needsTime = status == .lateEntry || status == .earlyExit
            let at = needsTime ? (time ?? BusinessCalendar.time(of: clock())) : nil
            return try OpRecorder.record(
                db, device: device,
                body: .attendanceMarked(AttendanceMarked(beneficiaryId: beneficiary, classId: classID, status: status, time: at)),
                businessDate: date, now: clock()
            )
        }
    }

    /// Justifies an earlier absence.
    @discardableResult
    public func justify(_ beneficiary: String, absence: LocalDate, reason: String) throws -> Op {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw ClientError.missingReason }
        return try queue.recording { db in
            guard let child = try ReplicaStore(db).beneficiary(beneficiary), child.classId == classID else {
                throw ClientError.unknownBeneficiary(beneficiary)
            }
            try requireSchoolYear(db, absence)
            return try OpRecorder.record(
                db, device: device,
                body: .absenceJustified(AbsenceJustified(beneficiaryId: beneficiary, classId: classID, absenceDate: absence, reason: reason)),
                businessDate: date, now: clock()
            )
        }
    }

    /// Fails as `markAll` would when one of `ids` is not a child of the class, so that a script's command is
    /// checked whole before any of it (a justification) is recorded.
    public func requireChildren(_ ids: [String]) throws {
        let known = Set(try queue.read { try ReplicaStore($0).beneficiaries(inClass: classID).map(\.id) })
        for id in ids where !known.contains(id) { throw ClientError.notInScope("Il bambino \(id)") }
    }

    /// The whole class at once (for scripts): the listed children as given, every other child present.
    /// All marks are committed together.
    public func markAll(absent: [String], late: [String: LocalTime?], earlyExit: [String: LocalTime?]) throws -> [Op] {
        try queue.recording { db in
            let children = try ReplicaStore(db).beneficiaries(inClass: classID).map(\.id)
            let known = Set(children)
            for id in absent + Array(late.keys) + Array(earlyExit.keys) where !known.contains(id) {
                throw ClientError.notInScope("Il bambino \(id)")
            }
            try requireSchoolYear(db, date)
            var ops: [Op] = []
            for child in children {
                let status: AttendanceStatus
                var time: LocalTime?
                if absent.contains(child) {
                    status = .absent
                } else if let t = late[child] {
                    status = .lateEntry
                    time = t ?? BusinessCalendar.time(of: clock())
                } else if let t = earlyExit[child] {
                    status = .earlyExit
                    time = t ?? BusinessCalendar.time(of: clock())
                } else {
                    status = .present
                }
                ops.append(try OpRecorder.record(
                    db, device: device,
                    body: .attendanceMarked(AttendanceMarked(beneficiaryId: child, classId: classID, status: status, time: time)),
                    businessDate: date, now: clock()
                ))
            }
            return ops
        }
    }
}
