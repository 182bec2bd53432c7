import Foundation
import SpuntaDomain
import SpuntaProtocol
import SpuntaServerStore
import SpuntaStore

/// The merge (fusione): stores ops and derives the register, meals and rides from them.
///
/// Everything derived is a function of the set of ops, never of their arrival order: for each fact touched by
/// new ops, the state is recomputed from all the ops of that fact. Register marks are last-writer-wins by
/// (HLC, device id) and a disagreement between devices opens a conflict; meals and rides are append-only
/// with dedup: the first scan by (HLC, device id) is billed, the others are kept and flagged `duplicate`.
public enum MergeEngine {
    /// An op accepted for merging, with its JSON as received.
    public struct Incoming: Sendable {
        public let op: Op
        public let json: String
        /// Scope keys of the change-log entry that lets devices of the same scope pull the op (a void is published
        /// under its target's keys instead, once checked against it).
        public let keys: Set<String>
        /// What the push checks noted on an op they kept (a ride of a child not enrolled on the route).
        public let flag: OpFlag?

        public init(op: Op, json: String, keys: Set<String>, flag: OpFlag? = nil) {
            self.op = op
            self.json = json
            self.keys = keys
            self.flag = flag
        }
    }

    /// Inserts `ops` (whose ids are new) and re-derives every fact they touch. Runs in the caller's transaction.
    /// Returns the merge status of each op by id.
    ///
    /// A void is stored `held` and counts for nothing until its target is stored too; then the void is checked
    /// against the target (`VoidRule`) and becomes `applied` (published under the target's keys, the target's fact
    /// recomputed) or `rejected` — the same answer whichever of the two arrives first. `refused` are the ids of
    /// the ops of the same batch that validation refused (stored with `recordRejected`): a held void may name one.
    public static func merge(
        _ db: Database, _ ops: [Incoming], refused: [String] = [], receivedMs: Int64, now: Date
    ) throws -> [String: MergeStatus] {
        var keys: Set<MergeKey> = []
        var candidates = refused
        for incoming in ops {
            try insert(db, incoming, receivedMs: receivedMs, now: now)
            keys.formUnion(MergeKey.keys(of: incoming.op))
            if case .void(let v) = incoming.op.body {
                candidates.append(v.targetOpId)
            } else {
                candidates.append(incoming.op.id)
            }
        }
        keys.formUnion(try releaseHeldVoids(db, targets: candidates, now: now))
        try recompute(db, keys: keys, now: now)
        for incoming in ops {
            if case .rideClosed(let closed) = incoming.op.body {
                try alertLeftAboard(db, closed, op: incoming.op, now: now)
            }
        }
        // A voided op's day no longer matters: a doubt about its device's clock goes with it.
        for incoming in ops {
            if case .void(let v) = incoming.op.body,
               try db.scalar("SELECT merge_status FROM op WHERE id = ?", [v.targetOpId]) as String? == MergeStatus.voided.rawValue {
                try ConflictStore.settle(db, kind: .clockSkew, subject: v.targetOpId, at: now)
            }
        }
        // The statuses as the recomputation left them.
        let ids = ops.map(\.op.id)
        var statuses = try self.statuses(db, ids: ids)
        for id in ids where statuses[id] == nil { statuses[id] = .applied }
        return statuses
    }

    /// The merge status of those of `ids` that are stored, read a few hundred ids per query.
    static func statuses(_ db: Database, ids: [String]) throws -> [String: MergeStatus] {
        var statuses: [String: MergeStatus] = [:]
        for start in stride(from: 0, to: ids.count, by: 500) {
            let (list, args) = ReplicaProjector.inList(Array(ids[start..<min(ids.count, start + 500)]))
            for row in try db.fetchAll("SELECT id, merge_status FROM op WHERE id IN \(list)", args) {
                let id: String = try row[0]
                guard let status = MergeStatus(rawValue: try row[1]) else { throw CorruptOp(id: id) }
                statuses[id] = status
            }
        }
        return statuses
    }

    /// A ride closed with children aboard: the office is alerted at once for each child, in this push's
    /// transaction (once per child, ride and day, whoever noticed first: this op or the end-of-route check).
    private static func alertLeftAboard(_ db: Database, _ closed: RideClosed, op: Op, now: Date) throws {
        let closedAt = Date(timeIntervalSince1970: Double(op.wallTimeMs) / 1000)
        for child in Array(Set(closed.aboard)).sorted() {
            let ride = try db.fetchOne("""
                SELECT boarding_op_id, boarding_stop_id FROM ride
                WHERE beneficiary_id = ? AND route_id = ? AND business_date = ? AND direction = ?
                """, [child, closed.routeId, op.businessDate.description, closed.direction.rawValue])
            let aboard = OfficeAlerts.ChildAboard(
                beneficiaryId: child, routeId: closed.routeId, date: op.businessDate, direction: closed.direction,
                boardingOpId: try ride?[0], boardingStopId: try ride?[1], closedBy: (op.deviceId, closedAt)
            )
            try OfficeAlerts.childLeftAboard(db, aboard, now: now)
        }
    }

    /// Stores an op refused by validation, so that nothing a device recorded is lost from the audit trail.
    public static func recordRejected(_ db: Database, _ incoming: Incoming, code: String, message: String, receivedMs: Int64) throws {
        try insertRow(db, incoming, receivedMs: receivedMs, status: .rejected, logSeq: nil)
        try db.run("UPDATE op SET reject_code = ?, reject_message = ? WHERE id = ?", [code, message, incoming.op.id])
    }

    private static func insert(_ db: Database, _ incoming: Incoming, receivedMs: Int64, now: Date) throws {
        if case .void = incoming.op.body {
            // Published only once checked against its target (`releaseHeldVoids`).
            try insertRow(db, incoming, receivedMs: receivedMs, status: .held, logSeq: nil)
            return
        }
        let seq = try ChangeLog.record(db, entity: "op", id: incoming.op.id, action: .upsert, keys: incoming.keys, at: now)
        try insertRow(db, incoming, receivedMs: receivedMs, status: .applied, logSeq: seq)
    }

    /// Checks the held voids whose target is among `targets` and is stored now: each becomes `applied` or
    /// `rejected` (with its code, for the audit trail). Returns the facts of the targets voided.
    private static func releaseHeldVoids(_ db: Database, targets: [String], now: Date) throws -> Set<MergeKey> {
        // Almost every merge has no held void at all: one look at the (tiny) index of held voids settles it.
        guard !targets.isEmpty, try db.scalar("SELECT 1 FROM op WHERE merge_status = 'held' LIMIT 1") as Int? != nil else { return [] }
        var held: [(void: String, target: String, device: String)] = []
        let unique = Array(Set(targets)).sorted()
        for start in stride(from: 0, to: unique.count, by: 500) {
            let (list, args) = ReplicaProjector.inList(Array(unique[start..<min(unique.count, start + 500)]))
            for row in try db.fetchAll("""
                SELECT id, target_op_id, device_id FROM op WHERE merge_status = 'held' AND target_op_id IN \(list)
                """, args) {
                held.append((try row[0], try row[1], try row[2]))
            }
        }
        var keys: Set<MergeKey> = []
        var scopes: [String: DeviceScope?] = [:]
        for void in held.sorted(by: { $0.void < $1.void }) {
            guard let target = try load(db, id: void.target) else { continue }
            if scopes[void.device] == nil {
                scopes[void.device] = .some(try DeviceRegistry.load(db, id: void.device)?.deviceScope)
            }
            if let problem = VoidRule.problem(voider: void.device, scope: scopes[void.device] ?? nil, target: target) {
                try db.run("UPDATE op SET merge_status = 'rejected', reject_code = ?, reject_message = ? WHERE id = ?",
                           [problem.code, problem.message, void.void])
                try db.run("UPDATE device SET ops_rejected = ops_rejected + 1 WHERE id = ?", [void.device])
                continue
            }
            // Devices pull the void wherever they pulled its target.
            var published: Set<String> = []
            for row in try db.fetchAll("""
                SELECT s.scope_key FROM op o JOIN scope_log s ON s.seq = o.log_seq WHERE o.id = ?
                """, [target.id]) {
                published.insert(try row[0])
            }
            let seq = try ChangeLog.record(db, entity: "op", id: void.void, action: .upsert, keys: published, at: now)
            try db.run("UPDATE op SET merge_status = 'applied', log_seq = ? WHERE id = ?", [seq, void.void])
            keys.formUnion(MergeKey.keys(of: target))
        }
        return keys
    }

    private static func insertRow(_ db: Database, _ incoming: Incoming, receivedMs: Int64, status: MergeStatus, logSeq: Int64?) throws {
        let op = incoming.op
        var b: String?, service: String?, site: String?, cls: String?, route: String?, stop: String?, dir: String?
        var attendance: String?, time: String?, absence: String?, absenceTo: String?, card: String?, target: String?
        switch op.body {
        case .attendanceMarked(let a):
            b = a.beneficiaryId; cls = a.classId; attendance = a.status.rawValue; time = a.time?.description
        case .absenceJustified(let a):
            b = a.beneficiaryId; cls = a.classId; absence = a.absenceDate.description
        case .absencePeriodRecorded(let p):
            b = p.beneficiaryId; cls = p.classId; absence = p.fromDate.description; absenceTo = p.toDate.description
        case .mealScanned(let m), .mealRecorded(let m):
            b = m.beneficiaryId; service = m.serviceId; site = m.siteId; card = m.cardId
        case .boarding(let r), .alighting(let r):
            b = r.beneficiaryId; route = r.routeId; stop = r.stopId; dir = r.direction.rawValue; card = r.cardId
        case .void(let v):
            target = v.targetOpId
        case .rideClosed(let r):
            route = r.routeId; dir = r.direction.rawValue
        }
        try db.run("""
            INSERT INTO op (id, device_id, instance, seq, hlc, wall_time_ms, business_date, type, beneficiary_id, service_id,
                site_id, class_id, route_id, stop_id, direction, status, time, absence_date, card_id, target_op_id, body,
                received_ms, merge_status, log_seq, scope_flag, absence_to)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [
                op.id, op.deviceId, op.instance, op.seq, op.hlc.rawValue, op.wallTimeMs, op.businessDate.description,
                op.type.rawValue, b, service, site, cls, route, stop, dir, attendance, time, absence, card, target,
                incoming.json, receivedMs, status.rawValue, logSeq, incoming.flag?.rawValue, absenceTo,
            ])
    }

    static func load(_ db: Database, id: String) throws -> StoredOp? {
        try db.fetchOne("SELECT \(StoredOp.columns) FROM op WHERE id = ?", [id]).map(StoredOp.init(row:))
    }

    // MARK: Recomputing facts

    /// Re-derives the given facts and the cross-checks of their children and days, in a fixed order.
    static func recompute(_ db: Database, keys: Set<MergeKey>, now: Date) throws {
        var days: Set<ChildDay> = []
        for key in keys.sorted() {
            switch key {
            case .attendance(let day):
                try recomputeAttendance(db, day, now: now)
                days.insert(day)
            case .justification(let absence):
                try recomputeJustification(db, absence)
            case .meal(let b, let s, let d):
                try recomputeMeal(db, beneficiary: b, service: s, date: d)
                days.insert(ChildDay(beneficiaryId: b, date: d))
            case .ride(let b, let r, let d, let dir):
                try recomputeRide(db, beneficiary: b, route: r, date: d, direction: dir, now: now)
            }
        }
        for day in days.sorted() {
            try crossCheckAbsentButAte(db, day, now: now)
        }
    }

    /// The live ops of one child and day (by business date) that `include` keeps, voids excluded; those an accepted
    /// void targets are marked voided. Whether each is voided comes with it, in the same query: the merge runs this
    /// for every op it receives.
    private static func liveOps(
        _ db: Database, beneficiary: String, date: LocalDate, _ include: (StoredOp) -> Bool
    ) throws -> [StoredOp] {
        var result: [StoredOp] = []
        for row in try db.fetchAll("""
            SELECT \(StoredOp.columns),
                EXISTS (SELECT 1 FROM op v WHERE v.target_op_id = op.id AND v.type = 'void' AND v.merge_status = 'applied')
            FROM op WHERE beneficiary_id = ? AND business_date = ? AND merge_status != 'rejected'
            """, [beneficiary, date.description]) {
            let op = try StoredOp(row: row)
            guard include(op) else { continue }
            if try row[StoredOp.columnCount] as Bool {
                try setStatus(db, op, .voided)
            } else {
                result.append(op)
            }
        }
        return result
    }

    /// Whether a void checked against the op and accepted (`applied`: neither held nor refused) targets it.
    private static func isVoided(_ db: Database, _ id: String) throws -> Bool {
        try db.scalar(
            "SELECT 1 FROM op WHERE target_op_id = ? AND type = 'void' AND merge_status = 'applied' LIMIT 1", [id]
        ) ?? false
    }

    /// Splits ops into live and voided, marking the voided ones.
    private static func live(_ db: Database, _ ops: [StoredOp]) throws -> [StoredOp] {
        var result: [StoredOp] = []
        for op in ops {
            if try isVoided(db, op.id) {
                try setStatus(db, op, .voided)
            } else {
                result.append(op)
            }
        }
        return result
    }

    private static func setStatus(_ db: Database, _ op: StoredOp, _ status: MergeStatus) throws {
        guard op.mergeStatus != status else { return }
        try db.run("UPDATE op SET merge_status = ? WHERE id = ?", [status.rawValue, op.id])
    }

    /// Stores what the rules decided for each op (an op the decision does not name keeps its status).
    private static func setStatuses(_ db: Database, _ ops: [StoredOp], _ statuses: [String: MergeStatus]) throws {
        for op in ops {
            if let status = statuses[op.id] { try setStatus(db, op, status) }
        }
    }

    static func recomputeAttendance(_ db: Database, _ day: ChildDay, now: Date) throws {
        let marks = try liveOps(db, beneficiary: day.beneficiaryId, date: day.date) { $0.type == .attendanceMarked }
        let register = MergeRules.register(marks.map(\.fact))
        guard let winner = register.winner, let status = winner.status, let classID = winner.classId else {
            if let period = try absencePeriod(db, beneficiary: day.beneficiaryId, date: day.date), let classID = period.classId {
                // Pre-marked absent: the period stands in for a mark until someone marks the day.
                try db.run("""
                    INSERT INTO attendance (beneficiary_id, business_date, class_id, status, time, op_id) VALUES (?, ?, ?, 'absent', NULL, ?)
                    ON CONFLICT (beneficiary_id, business_date) DO UPDATE SET class_id = excluded.class_id, status = excluded.status,
                        time = excluded.time, op_id = excluded.op_id
                    """, [day.beneficiaryId, day.date.description, classID, period.id])
            } else {
                try db.run("DELETE FROM attendance WHERE beneficiary_id = ? AND business_date = ?", [day.beneficiaryId, day.date.description])
            }
            try ConflictStore.settle(db, kind: .attendanceDisagreement, subject: day.subject, at: now)
            return
        }
        try db.run("""
            INSERT INTO attendance (beneficiary_id, business_date, class_id, status, time, op_id) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (beneficiary_id, business_date) DO UPDATE SET class_id = excluded.class_id, status = excluded.status,
                time = excluded.time, op_id = excluded.op_id
            """, [day.beneficiaryId, day.date.description, classID, status.rawValue, winner.time?.description, winner.id])
        // Devices that disagree (each by its latest mark, operator corrections excluded) make a conflict.
        var open = false
        if register.disagreement {
            let marksDetail = register.latestByDevice.map { m -> [String: any Sendable] in
                var detail: [String: any Sendable] = ["device_id": m.deviceId, "status": m.status?.rawValue ?? "", "op_id": m.id, "hlc": m.hlc]
                if let time = m.time { detail["time"] = time.description }
                return detail
            }
            var details: [String: any Sendable] = ["marks": marksDetail, "winner_op_id": winner.id, "winner_status": status.rawValue]
            if let time = winner.time { details["winner_time"] = time.description }
            open = try ConflictStore.raise(
                db, kind: .attendanceDisagreement, subject: day.subject, beneficiary: day.beneficiaryId, date: day.date,
                details: details, at: now
            )
        } else {
            try ConflictStore.settle(db, kind: .attendanceDisagreement, subject: day.subject, at: now)
        }
        try setStatuses(db, marks, register.statuses(conflictOpen: open))
    }

    /// The absence period in force for a child on a day: of the live (not voided) periods covering it, the last
    /// recorded by (HLC, device id). Marks the voided ones on the way.
    static func absencePeriod(_ db: Database, beneficiary: String, date: LocalDate) throws -> StoredOp? {
        let rows = try db.fetchAll("""
            SELECT \(StoredOp.columns) FROM op
            WHERE beneficiary_id = ? AND type = 'absence_period_recorded' AND absence_date <= ? AND absence_to >= ?
                AND merge_status != 'rejected'
            """, [beneficiary, date.description, date.description]).map(StoredOp.init(row:))
        return try live(db, rows).max(by: StoredOp.lwwOrder)
    }

    static func recomputeJustification(_ db: Database, _ absence: ChildDay) throws {
        let rows = try db.fetchAll("""
            SELECT \(StoredOp.columns) FROM op
            WHERE beneficiary_id = ? AND type = 'absence_justified' AND absence_date = ? AND merge_status != 'rejected'
            """, [absence.beneficiaryId, absence.date.description]).map(StoredOp.init(row:))
        let marks = try live(db, rows)
        let decision = MergeRules.justification(marks.map(\.fact))
        // Without a justification of the day, an absence period covering it justifies it.
        guard let winnerID = try decision.kept?.id ?? absencePeriod(db, beneficiary: absence.beneficiaryId, date: absence.date)?.id else {
            try db.run("DELETE FROM justification WHERE beneficiary_id = ? AND absence_date = ?",
                       [absence.beneficiaryId, absence.date.description])
            return
        }
        let reason: String = try db.scalar("SELECT json_extract(body, '$.reason') FROM op WHERE id = ?", [winnerID]) ?? ""
        try db.run("""
            INSERT INTO justification (beneficiary_id, absence_date, reason, op_id) VALUES (?, ?, ?, ?)
            ON CONFLICT (beneficiary_id, absence_date) DO UPDATE SET reason = excluded.reason, op_id = excluded.op_id
            """, [absence.beneficiaryId, absence.date.description, reason, winnerID])
        try setStatuses(db, marks, decision.statuses)
    }

    static func recomputeMeal(_ db: Database, beneficiary: String, service: String, date: LocalDate) throws {
        let scans = try liveOps(db, beneficiary: beneficiary, date: date) { $0.isMeal && $0.serviceId == service }
        let decision = MergeRules.meal(scans.map(\.fact), service: service)
        guard let billed = decision.kept, let site = billed.siteId else {
            try db.run("DELETE FROM meal WHERE beneficiary_id = ? AND service_id = ? AND business_date = ?",
                       [beneficiary, service, date.description])
            return
        }
        try db.run("""
            INSERT INTO meal (beneficiary_id, service_id, business_date, site_id, op_id, scans) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (beneficiary_id, service_id, business_date) DO UPDATE SET site_id = excluded.site_id,
                op_id = excluded.op_id, scans = excluded.scans
            """, [beneficiary, service, date.description, site, billed.id, scans.count])
        try setStatuses(db, scans, decision.statuses)
    }

    static func recomputeRide(
        _ db: Database, beneficiary: String, route: String, date: LocalDate, direction: Direction, now: Date
    ) throws {
        let all = try liveOps(db, beneficiary: beneficiary, date: date) {
            ($0.type == .boarding || $0.type == .alighting) && $0.routeId == route && $0.direction == direction
        }
        let ride = MergeRules.ride(all.map(\.fact), route: route, direction: direction)
        let boarding = ride.boarding.kept
        let alighting = ride.alighting.kept
        if boarding == nil && alighting == nil {
            try db.run("DELETE FROM ride WHERE beneficiary_id = ? AND route_id = ? AND business_date = ? AND direction = ?",
                       [beneficiary, route, date.description, direction.rawValue])
        } else {
            try db.run("""
                INSERT INTO ride (beneficiary_id, route_id, business_date, direction, boarding_op_id, boarding_stop_id,
                    alighting_op_id, alighting_stop_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (beneficiary_id, route_id, business_date, direction) DO UPDATE SET
                    boarding_op_id = excluded.boarding_op_id, boarding_stop_id = excluded.boarding_stop_id,
                    alighting_op_id = excluded.alighting_op_id, alighting_stop_id = excluded.alighting_stop_id
                """, [beneficiary, route, date.description, direction.rawValue, boarding?.id, boarding?.stopId,
                      alighting?.id, alighting?.stopId])
        }
        try setStatuses(db, all, ride.boarding.statuses.merging(ride.alighting.statuses) { first, _ in first })
        let subject = RideChecks.subject(beneficiary, route, date, direction)
        if alighting != nil {
            try ConflictStore.settle(db, kind: .boardedNotAlighted, subject: subject, at: now)
        }
        // A child aboard who is not on the route's list that day: kept, for the office to decide (and to bill or not).
        if all.contains(where: { $0.scopeFlag == .notEnrolled }) {
            try ConflictStore.raise(
                db, kind: .rideNotEnrolled, subject: subject, beneficiary: beneficiary, date: date,
                details: ["route_id": route, "direction": direction.rawValue], at: now
            )
        } else {
            try ConflictStore.settle(db, kind: .rideNotEnrolled, subject: subject, at: now)
        }
    }

    /// Absent in the register but a meal was recorded the same day: a person must decide which is true.
    static func crossCheckAbsentButAte(_ db: Database, _ day: ChildDay, now: Date) throws {
        // The day's mark and whether a conflict is open, in one query: almost always no absence, no conflict, nothing to write.
        let state = try db.fetchOne("""
            SELECT (SELECT status FROM attendance WHERE beneficiary_id = ? AND business_date = ?),
                (SELECT op_id FROM attendance WHERE beneficiary_id = ? AND business_date = ?),
                EXISTS (SELECT 1 FROM conflict WHERE kind = ? AND subject = ? AND status = 'open')
            """, [day.beneficiaryId, day.date.description, day.beneficiaryId, day.date.description,
                  ConflictStore.Kind.absentButAte.rawValue, day.subject])
        let register = try (state?[0] as String?).flatMap { AttendanceStatus(rawValue: $0) }
        let markOp: String? = try state?[1]
        let open: Bool = try state?[2] ?? false
        // Only a child marked absent can have eaten in contradiction: the meal is looked up for those alone.
        let meal: String? = register != .absent ? nil : try db.scalar(
            "SELECT op_id FROM meal WHERE beneficiary_id = ? AND business_date = ? ORDER BY service_id LIMIT 1",
            [day.beneficiaryId, day.date.description]
        )
        if let markOp, let meal, MergeRules.absentButAte(register: register, ate: true) {
            try ConflictStore.raise(
                db, kind: .absentButAte, subject: day.subject, beneficiary: day.beneficiaryId, date: day.date,
                details: ["attendance_op_id": markOp, "meal_op_id": meal], at: now
            )
        } else if open {
            try ConflictStore.settle(db, kind: .absentButAte, subject: day.subject, at: now)
        }
    }
}
