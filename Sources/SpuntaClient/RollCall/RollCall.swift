import Foundation
import SpuntaDomain
import SpuntaProtocol
import SpuntaStore

/// The register of one class on one day (appello): who is marked how, absences still to justify, and the
/// marking itself — each mark an op committed before it is shown.
///
/// Two rules keep a register from being changed by accident: a command changes only the children it names
/// (the others are marked present only when asked, and never over a mark they already have), and nothing is
/// marked on a day without school (weekend, holiday, closing day) unless the person insists (`--force`).
public final class RollCall: Sendable {
    let queue: DatabaseQueue
    let device: EnrolledDevice
    public let classID: String
    public let date: LocalDate
    /// Whether marks may be recorded on a day with no school (the person confirmed it).
    public let allowsClosedDay: Bool
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
        /// Justifications of absences in the window up to this day (this day's included), oldest first.
        public var justifications: [Justification]
        /// The absence period that marks the child absent this day (no mark of the day), in words:
        /// "dal 02/12/2026 al 04/12/2026: influenza".
        public var absencePeriod: String? = nil
        /// Allergia grave: the child's emergency plan, shown before the register.
        public var emergencyPlan: String? = nil

        enum CodingKeys: String, CodingKey {
            case beneficiaryId = "beneficiary_id", name, status, time, markedElsewhere = "marked_elsewhere", unjustified, justifications
            case absencePeriod = "absence_period", emergencyPlan = "emergency_plan"
        }

        /// The mark in words: "assente", "entrata alle 09:15", "da segnare"; "assente (periodo …)" for a period.
        public var markItalian: String {
            if let absencePeriod { return "assente (periodo \(absencePeriod))" }
            return status.map { $0.italian(at: time) } ?? "da segnare"
        }
    }

    /// A justified absence (giustificazione) and its reason; nil reason when it came from another device before
    /// this one kept reasons.
    public struct Justification: Encodable, Sendable, Equatable {
        public let absenceDate: LocalDate
        public let reason: String?

        enum CodingKeys: String, CodingKey {
            case absenceDate = "absence_date", reason
        }
    }

    public init(
        queue: DatabaseQueue, device: EnrolledDevice, classID: String, date: LocalDate, allowsClosedDay: Bool = false,
        clock: @escaping @Sendable () -> Date = WallClock.now
    ) throws {
        guard device.role == .teacher else { throw ClientError.wrongRole(expected: "insegnante", actual: device.role.italian) }
        guard device.classIDs.contains(classID) else { throw ClientError.notInScope("La classe \(classID)") }
        self.queue = queue
        self.device = device
        self.classID = classID
        self.date = date
        self.allowsClosedDay = allowsClosedDay
        self.clock = clock
    }

    /// The same class on another day: the screen left open past midnight moves to the new day. The `--force` given
    /// at the start confirmed the start's day only: the new day is checked again.
    public func on(_ other: LocalDate) throws -> RollCall {
        try RollCall(queue: queue, device: device, classID: classID, date: other, allowsClosedDay: false, clock: clock)
    }

    /// Today's business date on this device's clock.
    public var today: LocalDate { BusinessCalendar.date(of: clock()) }

    /// The classes of a teacher's device with their names, in scope order: the one a command means when the
    /// device has a single class, or the list to choose from.
    public static func classes(queue: DatabaseQueue, device: EnrolledDevice) throws -> [(id: String, name: String)] {
        try queue.read { db in
            let replica = ReplicaStore(db)
            return try device.classIDs.map { id in (id, try replica.className(id)) }
        }
    }

    /// The class name as the replica knows it.
    public func className() throws -> String {
        try queue.read { try className($0) }
    }

    private func className(_ db: Database) throws -> String {
        try ReplicaStore(db).className(classID)
    }

    /// The warning of a wrong clock, as the last sync measured it; nil when right or never measured.
    public func clockWarning() throws -> String? {
        ClockCheck.warning(offsetMs: try clockOffset())
    }

    /// The warning of a revoked device: the marks stay on it and the office (and the kitchen's count) never gets
    /// them; nil in good standing.
    public func revocationWarning() -> String? {
        DeviceRevocation.isRevoked(queue) ? DeviceRevocation.warning : nil
    }

    /// This device's clock offset as the last sync measured it (ms, positive: ahead), nil when never measured.
    public func clockOffset() throws -> Int64? {
        try queue.read { try ClockCheck.offset($0) }
    }

    /// Why there is no school on the day (weekend, holiday, closing day), or nil on a school day.
    public func closure() throws -> SchoolDay.Closure? {
        try queue.read { try closure($0) }
    }

    private func closure(_ db: Database) throws -> SchoolDay.Closure? {
        // The class's plesso: a snow day that closes the schools' sites closes the register; a nursery's own
        // closure does not.
        let replica = ReplicaStore(db)
        let site = try replica.record(.classes, classID, as: SchoolClass.self)?.siteId
        return SchoolDay.closure(on: date, years: try replica.records(.schoolYears, as: SchoolYear.self), site: site)
    }

    /// Refuses a mark on a day without school, unless the person confirmed it; a day outside the class's school
    /// year is refused whatever the person says, as the server would refuse it.
    private func requireSchoolDay(_ db: Database) throws {
        try requireSchoolYear(db, date)
        guard !allowsClosedDay, let closure = try closure(db) else { return }
        throw ClientError.notSchoolDay(SchoolDay.sentence(date, closure), today: date == today)
    }

    // MARK: Reading

    public func entries() throws -> [Entry] {
        try queue.read { db in
            let facts = LocalFacts(db: db, deviceId: device.deviceId)
            return try ReplicaStore(db).beneficiaries(inClass: classID, on: date).map { child in
                let mark = try facts.attendance(beneficiary: child.id, date: date)
                let justified = try justifications(db, child.id)
                return Entry(
                    beneficiaryId: child.id, name: child.fullName, status: mark?.status, time: mark?.time,
                    markedElsewhere: mark.map { !$0.own && $0.period == nil } ?? false,
                    unjustified: try unjustified(db, child.id, justified: Set(justified.map(\.absenceDate))),
                    justifications: justified,
                    absencePeriod: mark?.period.map { "\($0.italianSpan): \($0.reason)" }, emergencyPlan: child.emergencyPlan
                )
            }
        }
    }

    /// Where the screen's cursor starts: the first child not yet marked, else the first.
    public static func firstUnmarked(_ entries: [Entry]) -> Int {
        entries.firstIndex { $0.status == nil } ?? 0
    }

    /// The justifications (own and pulled, not voided) of absences from the window's start through this day.
    private func justifications(_ db: Database, _ beneficiary: String) throws -> [Justification] {
        let since = date.adding(days: -Self.justificationWindowDays)
        var found: [(fact: OpFact, date: LocalDate, reason: String?)] = []
        for row in try db.fetchAll("SELECT json FROM outbox WHERE beneficiary_id = ? AND type = 'absence_justified' AND state != 'rejected'",
                                   [beneficiary]) {
            let op = try WireCoding.decode(Op.self, from: Data((try row[0] as String).utf8))
            if case .absenceJustified(let j) = op.body { found.append((OpFact(op), j.absenceDate, j.reason)) }
        }
        for row in try db.fetchAll("""
            SELECT id, status, reason, hlc, device_id FROM peer_op WHERE beneficiary_id = ? AND type = 'absence_justified'
            """, [beneficiary]) {
            let status: String? = try row[1]
            guard let day = status.flatMap({ LocalDate($0.dropFirst("justified:".count)) }) else { continue }
            found.append((OpFact(id: try row[0], deviceId: try row[4], hlc: try row[3], type: .absenceJustified), day, try row[2]))
        }
        let voided = try LocalFacts(db: db, deviceId: device.deviceId).voidedIDs(found.map(\.fact.id))
        let live = found.filter { !voided.contains($0.fact.id) && since <= $0.date && $0.date <= date }
        // The justification of each day that stands by the merge's rule (the latest by HLC, device).
        return Dictionary(grouping: live, by: \.date).sorted { $0.key < $1.key }.compactMap { day, justifications in
            let kept = MergeRules.justification(justifications.map(\.fact)).kept
            return justifications.first { $0.fact.id == kept?.id }.map { Justification(absenceDate: day, reason: $0.reason) }
        }
    }

    /// Past days the child was absent (last mark) without a justification.
    private func unjustified(_ db: Database, _ beneficiary: String, justified: Set<LocalDate>) throws -> [LocalDate] {
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
            // A day within an absence period is justified by it.
            guard let day = LocalDate(text), !justified.contains(day), try facts.absencePeriod(beneficiary: beneficiary, date: day) == nil,
                  try facts.attendance(beneficiary: beneficiary, date: day)?.status == .absent else { continue }
            result.append(day)
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
        guard year.startDate <= day && day <= year.endDate else {
            throw ClientError.outsideSchoolYear(day: day, year: year, today: day == today)
        }
    }

    // MARK: Naming children

    /// The child of the class that `text` names: a code (`B0002`, any case) or the beginning of the name,
    /// surname first, accents, case and apostrophes ignored (`copp`, `favaro s`, `niccolo`). Several children
    /// matching is an error that lists them, unless exactly one has the surname (or whole name) typed.
    public func child(named text: String) throws -> ReplicaBeneficiary {
        try queue.read { db in try Self.child(named: text, among: try ReplicaStore(db).beneficiaries(inClass: classID, on: date), className: try className(db)) }
    }

    static func child(named text: String, among children: [ReplicaBeneficiary], className: String) throws -> ReplicaBeneficiary {
        let typed = text.trimmingCharacters(in: .whitespaces)
        switch NameKey.match(typed, among: children, id: \.id, fullName: \.fullName, surname: \.surname) {
        case .found(let child): return child
        case .none: throw ClientError.unknownChild(typed, className: className)
        case .ambiguous(let matches): throw ClientError.ambiguousChild(typed, candidates: matches.map { "\($0.fullName) (\($0.id))" })
        }
    }

    // MARK: Marking

    /// Marks one child; the op is on disk when this returns. A late entry or an early exit without a time is
    /// "now", which only means something today: on another day the time must be given.
    @discardableResult
    public func mark(_ beneficiary: String, _ status: AttendanceStatus, time: LocalTime? = nil) throws -> Op {
        try queue.recording { db in
            try requireSchoolDay(db)
            // Only a child in the class that day: the server refuses a mark outside the membership's dates.
            guard let child = try ReplicaStore(db).beneficiary(beneficiary), child.classId == classID,
                  child.membership?.covers(date) == true else {
                throw ClientError.unknownBeneficiary(beneficiary)
            }
            return try record(db, child, status, time: time)
        }
    }

    /// Records one mark in the caller's transaction.
    private func record(_ db: Database, _ child: ReplicaBeneficiary, _ status: AttendanceStatus, time: LocalTime?) throws -> Op {
        let needsTime = status == .lateEntry || status == .earlyExit
        var at: LocalTime?
        if needsTime {
            let now = clock()
            if let time {
                at = time
            } else if BusinessCalendar.date(of: now) == date {
                at = BusinessCalendar.time(of: now)
            } else {
                throw ClientError.timeRequired(what: status.italian, child: child.fullName, code: child.id, date: date)
            }
        }
        return try OpRecorder.record(
            db, device: device,
            body: .attendanceMarked(AttendanceMarked(beneficiaryId: child.id, classId: classID, status: status, time: at)),
            businessDate: date, now: clock()
        )
    }

    /// Marks every child of the class not yet marked today as present (the screen's `t`): a child who already
    /// has a mark, from this device or another, keeps it. Returns how many were marked.
    public func markRestPresent() throws -> Int {
        try queue.recording { db in
            try requireSchoolDay(db)
            let facts = LocalFacts(db: db, deviceId: device.deviceId)
            var count = 0
            for child in try ReplicaStore(db).beneficiaries(inClass: classID, on: date) where try facts.attendance(beneficiary: child.id, date: date) == nil {
                _ = try record(db, child, .present, time: nil)
                count += 1
            }
            return count
        }
    }

    /// Justifies an earlier absence.
    @discardableResult
    public func justify(_ beneficiary: String, absence: LocalDate, reason: String) throws -> Op {
        try queue.recording { db in
            guard let child = try ReplicaStore(db).beneficiary(beneficiary), child.classId == classID,
                  child.membership?.covers(absence) == true else {
                throw ClientError.unknownBeneficiary(beneficiary)
            }
            return try justify(db, child, absence: absence, reason: reason)
        }
    }

    private func justify(_ db: Database, _ child: ReplicaBeneficiary, absence: LocalDate, reason: String) throws -> Op {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw ClientError.missingReason }
        try requireSchoolYear(db, absence)
        return try OpRecorder.record(
            db, device: device,
            body: .absenceJustified(AbsenceJustified(beneficiaryId: child.id, classId: classID, absenceDate: absence, reason: reason)),
            businessDate: date, now: clock()
        )
    }

    // MARK: Absence periods

    /// Records that a child of the class (code or name, as `child(named:)` reads it) will be away from `from`
    /// through `to` (periodo di assenza): those days the register holds the child absent and justified unless
    /// marked otherwise, and the kitchen leaves the child out. Both days must lie in the class's school year, as
    /// the server checks; the op is on disk when this returns.
    @discardableResult
    public func recordAbsence(child text: String, from: LocalDate, to: LocalDate, reason: String) throws -> (op: Op, name: String) {
        try queue.recording { db in
            let child = try Self.child(named: text, among: try ReplicaStore(db).beneficiaries(inClass: classID, on: from), className: try className(db))
            let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !reason.isEmpty else { throw ClientError.missingReason }
            guard from <= to else { throw ClientError.periodReversed(from: from, to: to) }
            try requireSchoolYear(db, from)
            try requireSchoolYear(db, to)
            let op = try OpRecorder.record(
                db, device: device,
                body: .absencePeriodRecorded(AbsencePeriod(beneficiaryId: child.id, classId: classID, fromDate: from, toDate: to, reason: reason)),
                businessDate: today, now: clock()
            )
            return (op, child.fullName)
        }
    }

    // MARK: The one-shot command

    /// What a one-shot command asks for: children as typed (codes or names), with a time where given.
    public struct Plan: Sendable {
        public var present: [String] = []
        public var absent: [String] = []
        public var late: [(child: String, time: LocalTime?)] = []
        public var earlyExit: [(child: String, time: LocalTime?)] = []
        /// Every child not named and not yet marked today is marked present.
        public var restPresent = false
        public var justification: (child: String, absence: LocalDate, reason: String)?

        public init() {}

        /// Whether the plan marks anyone (a justification alone does not).
        public var marks: Bool { !present.isEmpty || !absent.isEmpty || !late.isEmpty || !earlyExit.isEmpty || restPresent }
    }

    /// What a one-shot command did.
    public struct Outcome: Sendable {
        /// A named child's new mark, and the one it replaced (nil: none).
        public struct Change: Sendable, Equatable {
            public let beneficiaryId: String
            public let name: String
            public let mark: String
            public let before: String?
        }

        public var changes: [Change] = []
        /// Children marked present by `restPresent`.
        public var restMarkedPresent = 0
        /// Children `restPresent` left alone because they already had a mark today: name and mark.
        public var kept: [(name: String, mark: String)] = []
        /// Children of the class still without a mark.
        public var unmarked = 0
        /// The justified child's name and the day, when the plan had one.
        public var justified: (name: String, absence: LocalDate)?
    }

    /// Records a one-shot command as a whole, in one transaction: every child named is checked first, and an
    /// unknown or ambiguous name, a child named twice, a missing time or a day without school (unless allowed)
    /// leaves the register exactly as it was.
    public func record(_ plan: Plan) throws -> Outcome {
        try queue.recording { db in
            if plan.marks { try requireSchoolDay(db) }
            let children = try ReplicaStore(db).beneficiaries(inClass: classID, on: date)
            let name = try className(db)
            var named: [String: (child: ReplicaBeneficiary, option: String)] = [:]
            var wanted: [(child: ReplicaBeneficiary, status: AttendanceStatus, time: LocalTime?)] = []
            let requests: [(option: String, status: AttendanceStatus, items: [(child: String, time: LocalTime?)])] = [
                ("--present", .present, plan.present.map { ($0, nil) }), ("--absent", .absent, plan.absent.map { ($0, nil) }),
                ("--late", .lateEntry, plan.late), ("--early-exit", .earlyExit, plan.earlyExit),
            ]
            for request in requests {
                for item in request.items {
                    let child = try Self.child(named: item.child, among: children, className: name)
                    if let earlier = named[child.id] {
                        throw ClientError.namedTwice(child.fullName, options: earlier.option == request.option
                            ? request.option : "\(earlier.option) e \(request.option)")
                    }
                    named[child.id] = (child, request.option)
                    wanted.append((child, request.status, item.time))
                }
            }
            var outcome = Outcome()
            if let j = plan.justification {
                let child = try Self.child(named: j.child, among: children, className: name)
                _ = try justify(db, child, absence: j.absence, reason: j.reason)
                outcome.justified = (child.fullName, j.absence)
            }
            let facts = LocalFacts(db: db, deviceId: device.deviceId)
            for want in wanted {
                let before = try facts.attendance(beneficiary: want.child.id, date: date)
                let op = try record(db, want.child, want.status, time: want.time)
                guard case .attendanceMarked(let marked) = op.body else { continue }
                outcome.changes.append(.init(
                    beneficiaryId: want.child.id, name: want.child.fullName, mark: marked.status.italian(at: marked.time),
                    before: before.flatMap { $0.status?.italian(at: $0.time) }
                ))
            }
            for child in children where named[child.id] == nil {
                if let mark = try facts.attendance(beneficiary: child.id, date: date), let status = mark.status {
                    if plan.restPresent { outcome.kept.append((child.fullName, status.italian(at: mark.time))) }
                } else if plan.restPresent {
                    _ = try record(db, child, .present, time: nil)
                    outcome.restMarkedPresent += 1
                } else {
                    outcome.unmarked += 1
                }
            }
            return outcome
        }
    }

    /// The mark in force for a child on a day, in words ("assente", "entrata alle 09:15"), nil for none: what a
    /// void of a mark leaves behind.
    public static func markInForce(_ db: Database, device: EnrolledDevice, beneficiary: String, date: LocalDate) throws -> String? {
        guard let mark = try LocalFacts(db: db, deviceId: device.deviceId).attendance(beneficiary: beneficiary, date: date),
              let status = mark.status else { return nil }
        return status.italian(at: mark.time)
    }
}

extension AttendanceStatus {
    /// The mark with its time, as the register reads: "presente", "entrata alle 09:15", "uscita alle 11:30".
    public func italian(at time: LocalTime?) -> String {
        switch self {
        case .present, .absent: return italian
        case .lateEntry: return time.map { "entrata alle \($0)" } ?? italian
        case .earlyExit: return time.map { "uscita alle \($0)" } ?? italian
        }
    }
}
