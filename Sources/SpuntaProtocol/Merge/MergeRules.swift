import SpuntaDomain

/// The merge rules (regole di fusione): facts in, decisions out, no storage. The server applies them to every
/// fact a push touches (`MergeEngine`, which keeps the SQL); a device applies the same ones to what it knows to
/// answer a scan offline ("già servito", "già salito") and to show the register, so the two cannot disagree.
///
/// Register-like facts (a child's mark of the day, a justification) are last-writer-wins by (HLC, device id);
/// consumption facts (a meal, a boarding, an alighting) keep the first by the same order and flag the others
/// `duplicate`. Voided ops are left out before the rules run.
public enum MergeRules {
    /// The device id of the ops the office makes through the server (a register correction, a fact moved to its
    /// day): they never count as a device in a disagreement.
    public static let operatorDeviceID = "operatore"

    /// Late entries (or early exits) of the same child and day whose times differ by more than this many minutes
    /// disagree, like marks of different statuses: a clock an hour ahead must not silently win.
    public static let timeToleranceMinutes = 10

    /// Which op of a fact counts, and what each of the others is.
    public struct Decision: Sendable, Equatable {
        /// The op that is the fact; nil when there is none.
        public let kept: OpFact?
        /// The status of every op given, by id.
        public let statuses: [String: MergeStatus]

        public func status(of id: String) -> MergeStatus? { statuses[id] }
    }

    /// The register of one child on one day, decided.
    public struct Register: Sendable, Equatable {
        /// The mark that stands: the latest by (HLC, device); nil without marks.
        public let winner: OpFact?
        /// The latest mark of each device (the office's excluded), in last-writer order: what a conflict shows.
        public let latestByDevice: [OpFact]
        /// Whether devices disagree (different statuses, or times too far apart): a conflict for a person.
        public let disagreement: Bool
        /// Every mark decided on, winner included.
        public let marks: [OpFact]

        /// `conflict` for every mark while the conflict is open; else the winner `applied`, the others `superseded`.
        /// A disagreement the office has resolved is not open: the winner stands.
        public func statuses(conflictOpen: Bool) -> [String: MergeStatus] {
            var statuses: [String: MergeStatus] = [:]
            for mark in marks {
                statuses[mark.id] = conflictOpen ? .conflict : (mark.id == winner?.id ? .applied : .superseded)
            }
            return statuses
        }

        /// The statuses while no one has reviewed the disagreement (if any).
        public var statuses: [String: MergeStatus] { statuses(conflictOpen: disagreement) }
    }

    // MARK: Register-like facts

    /// The register of a child and day from its live marks (`attendance_marked` ops, voided ones left out).
    public static func register(_ marks: [OpFact]) -> Register {
        let marks = marks.filter { $0.type == .attendanceMarked }
        guard let winner = marks.max(by: OpFact.lwwOrder) else {
            return Register(winner: nil, latestByDevice: [], disagreement: false, marks: [])
        }
        var latest: [String: OpFact] = [:]
        for mark in marks where mark.deviceId != operatorDeviceID {
            if let current = latest[mark.deviceId], !OpFact.lwwOrder(current, mark) { continue }
            latest[mark.deviceId] = mark
        }
        let byDevice = latest.values.sorted(by: OpFact.lwwOrder)
        let disagreement = Set(byDevice.compactMap(\.status)).count > 1 || timesDisagree(byDevice)
        return Register(winner: winner, latestByDevice: byDevice, disagreement: disagreement, marks: marks)
    }

    /// Whether the times of these marks (a late entry or an early exit each, of different devices) are further apart
    /// than the tolerance. Marks without a time do not count.
    public static func timesDisagree(_ marks: some Collection<OpFact>) -> Bool {
        let minutes = marks.compactMap { $0.time?.minutes }
        guard let earliest = minutes.min(), let latest = minutes.max() else { return false }
        return latest - earliest > timeToleranceMinutes
    }

    /// The justification of one absence from its live justifications: the latest stands, the others are superseded.
    public static func justification(_ justifications: [OpFact]) -> Decision {
        latestWins(justifications.filter { $0.type == .absenceJustified })
    }

    /// Last-writer-wins: the latest by (HLC, device) `applied`, every other `superseded`.
    static func latestWins(_ facts: [OpFact]) -> Decision {
        let kept = facts.max(by: OpFact.lwwOrder)
        var statuses: [String: MergeStatus] = [:]
        for fact in facts { statuses[fact.id] = fact.id == kept?.id ? .applied : .superseded }
        return Decision(kept: kept, statuses: statuses)
    }

    // MARK: Consumption facts

    /// The meal of a child in `service` on a day, from the child's live ops of the day: the first scan (or
    /// recording by name) by (HLC, device) is billed, every other is a duplicate.
    public static func meal(_ day: [OpFact], service: String) -> Decision {
        firstWins(day.filter { $0.isMeal && $0.serviceId == service })
    }

    /// One ride of a child (route, direction) from the child's live ops of the day: the first boarding and the first
    /// alighting by (HLC, device) are the ride, every other scan is a duplicate.
    public static func ride(_ day: [OpFact], route: String, direction: Direction) -> (boarding: Decision, alighting: Decision) {
        let ops = day.filter { $0.routeId == route && $0.direction == direction }
        return (firstWins(ops.filter { $0.type == .boarding }), firstWins(ops.filter { $0.type == .alighting }))
    }

    /// First-wins with dedup: the first by (HLC, device) `applied`, every other `duplicate`.
    static func firstWins(_ facts: [OpFact]) -> Decision {
        let kept = facts.min(by: OpFact.lwwOrder)
        var statuses: [String: MergeStatus] = [:]
        for fact in facts { statuses[fact.id] = fact.id == kept?.id ? .applied : .duplicate }
        return Decision(kept: kept, statuses: statuses)
    }

    // MARK: The meal booked by the register

    /// Whether the register books a child's meal on a day: `status` and `time` are the mark that stands (nil status
    /// when unmarked), `cutoff` the meal service's cut-off (nil: a time never cancels the meal). Absent is never
    /// booked; an early exit at or before the cut-off is not; a late entry after it is not for billing, but is for
    /// the kitchen (see `MealPurpose`). A late entry or an early exit without a time is not known to be on the wrong
    /// side of the cut-off, so it books the meal, for both purposes: a child wrongly counted out is a child without
    /// lunch, and billing charges it.
    public static func mealBooking(
        register status: AttendanceStatus?, time: LocalTime?, cutoff: LocalTime?, for purpose: MealPurpose
    ) -> MealBooking {
        switch status {
        case .absent?:
            return .absent
        case .earlyExit?:
            if let cutoff, let time, time <= cutoff { return .leftBy(time) }
        case .lateEntry?:
            if purpose == .billing, let cutoff, let time, time > cutoff { return .cameAfter(time) }
        case .present?, nil:
            break
        }
        return .booked
    }

    // MARK: Cross-checks

    /// Absent in the register but a meal was recorded the same day: a conflict for a person to decide which is true.
    public static func absentButAte(register: AttendanceStatus?, ate: Bool) -> Bool {
        register == .absent && ate
    }

    // MARK: The device's answers

    /// What a device answers to one more scan (a meal, a boarding, an alighting), from what it knows.
    public enum ScanAnswer: Sendable, Equatable {
        /// Record it: the merge will keep it as the fact.
        case record
        /// Already recorded (here or at another device): the merge keeps `of`, so a new scan would only be a
        /// duplicate; the device records nothing.
        case duplicate(of: OpFact)
    }

    /// The answer to a meal scan of `service` for a child whose live ops of the day the device knows (`day`). A new
    /// op of the device is stamped after every op it knows, so it is first only when there is no meal yet.
    public static func mealScan(_ day: [OpFact], service: String) -> ScanAnswer {
        meal(day, service: service).kept.map { .duplicate(of: $0) } ?? .record
    }

    /// The answer to a boarding (or alighting) scan on `route` in `direction`, from the child's live ops of the day.
    public static func rideScan(_ day: [OpFact], route: String, direction: Direction, boarding: Bool) -> ScanAnswer {
        let ride = ride(day, route: route, direction: direction)
        return (boarding ? ride.boarding : ride.alighting).kept.map { .duplicate(of: $0) } ?? .record
    }

    /// Whether serving a meal now opens the server's absent-but-ate conflict: the register (as the device knows it)
    /// says absent. The door serves the child all the same and warns the worker.
    public static func mealContradictsRegister(_ day: [OpFact]) -> Bool {
        absentButAte(register: register(day).winner?.status, ate: true)
    }
}
