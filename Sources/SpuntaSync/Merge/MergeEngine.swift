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
        /// under its target's keys instead, once checked against it), in ascending order, each once.
        public let keys: [String]
        /// What the push checks noted on an op they kept (a ride of a child not enrolled on the route).
        public let flag: OpFlag?

        public init(op: Op, json: String, keys: [String], flag: OpFlag? = nil) {
            self.op = op
            self.json = json
            self.keys = keys
            self.flag = flag
        }

        /// A void is stored held, with no change-log entry, until checked against its target.
        var isVoid: Bool {
            if case .void = op.body { return true }
            return false
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
        var keys = Set<MergeKey>(minimumCapacity: ops.count)
        var candidates = refused
        let written = StatusWrites()
        // Every row this merge inserts comes after this one (rowids only grow while the largest is below 2^63 - 1).
        let storedBefore: Int64 = try db.scalar("SELECT COALESCE(MAX(rowid), 0) FROM op") ?? 0
        try insert(db, ops, receivedMs: receivedMs, now: now)
        // The ops are reached by index in the loops of the merge: iterating them would copy each op, with its JSON and
        // keys, for every loop.
        for index in ops.indices {
            for key in MergeKey.keys(of: ops[index].op) { keys.insert(key) }
            if case .void(let v) = ops[index].op.body {
                candidates.append(v.targetOpId)
            } else {
                candidates.append(ops[index].op.id)
            }
        }
        let released = try releaseHeldVoids(db, targets: candidates, now: now, written)
        keys.formUnion(released.keys)
        try recompute(db, keys: keys, now: now, written, fresh: FreshOps(ops, storedAfter: storedBefore, voided: released.targets))
        for index in ops.indices {
            if case .rideClosed(let closed) = ops[index].op.body {
                try alertLeftAboard(db, closed, op: ops[index].op, now: now)
            }
        }
        // A voided op's day no longer matters: a doubt about its device's clock goes with it.
        for index in ops.indices {
            if case .void(let v) = ops[index].op.body,
               try db.scalar("SELECT merge_status FROM op WHERE id = ?", [v.targetOpId]) as String? == MergeStatus.voided.rawValue {
                try ConflictStore.settle(db, kind: .clockSkew, subject: v.targetOpId, at: now)
            }
        }
        // The statuses as the recomputation left them: each op's as inserted, unless the merge wrote another since.
        var statuses = [String: MergeStatus](minimumCapacity: ops.count)
        for index in ops.indices {
            let id = ops[index].op.id
            statuses[id] = written.statuses[id] ?? (ops[index].isVoid ? .held : .applied)
        }
        return statuses
    }

    /// The merge status of those of `ids` that are stored, read a few hundred ids per query (a push asks it of all its
    /// ops: the ids are bound typed, into one of a few statement shapes padded with NULLs, which match no id).
    static func statuses(_ db: Database, ids: [String]) throws -> [String: MergeStatus] {
        var statuses: [String: MergeStatus] = [:]
        for start in stride(from: 0, to: ids.count, by: 500) {
            let chunk = ids[start..<min(ids.count, start + 500)]
            let length = statusLengths.first { $0 >= chunk.count } ?? chunk.count
            let sql = statusSQLs[length] ?? statusSQL(length)
            try db.forEach(sql, binding: { row in
                for id in chunk { row.add(id) }
                for _ in chunk.count..<length { row.addNull() }
            }) { row in
                guard let id = row.text(at: 0) else { return }
                guard let status = row.text(at: 1).flatMap(MergeStatus.init(rawValue:)) else { throw CorruptOp(id: id) }
                statuses[id] = status
            }
        }
        return statuses
    }

    /// The lengths a list of ids is padded to, and the query of each, built once.
    private static let statusLengths = [1, 2, 4, 8, 16, 32, 64, 128, 256, 500]
    private static let statusSQLs = Dictionary(uniqueKeysWithValues: statusLengths.map { ($0, statusSQL($0)) })

    private static func statusSQL(_ length: Int) -> String {
        "SELECT id, merge_status FROM op WHERE id IN (" + Array(repeating: "?", count: length).joined(separator: ", ") + ")"
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
        try insertRows(db, [incoming], receivedMs: receivedMs) { _ in (.rejected, nil) }
        try db.run("UPDATE op SET reject_code = ?, reject_message = ? WHERE id = ?", [code, message, incoming.op.id])
    }

    /// Stores new ops: a void `held` (published only once checked against its target, `releaseHeldVoids`), any other
    /// `applied` with its change-log entry.
    private static func insert(_ db: Database, _ ops: [Incoming], receivedMs: Int64, now: Date) throws {
        var entries: [ChangeLog.Entry] = []
        entries.reserveCapacity(ops.count)
        for index in ops.indices where !ops[index].isVoid {
            entries.append(ChangeLog.Entry(entity: "op", id: ops[index].op.id, keys: ops[index].keys))
        }
        let seqs = try ChangeLog.record(db, entries, at: now)
        // The entries' numbers in the order of the ops they log (their ids are distinct: the push keeps one of each).
        var logSeqs: [Int64?] = []
        logSeqs.reserveCapacity(ops.count)
        var next = seqs.makeIterator()
        for index in ops.indices { logSeqs.append(ops[index].isVoid ? nil : next.next()) }
        try insertRows(db, ops, receivedMs: receivedMs) { index in
            logSeqs[index].map { (.applied, $0) } ?? (.held, nil)
        }
    }

    /// Checks the held voids whose target is among `targets` and is stored now: each becomes `applied` or
    /// `rejected` (with its code, for the audit trail). Returns the facts of the targets voided and the targets' ids.
    private static func releaseHeldVoids(
        _ db: Database, targets: [String], now: Date, _ written: StatusWrites
    ) throws -> (keys: Set<MergeKey>, targets: Set<String>) {
        // Almost every merge has no held void at all: one look at the (tiny) index of held voids settles it.
        guard !targets.isEmpty, try db.scalar("SELECT 1 FROM op WHERE merge_status = 'held' LIMIT 1") as Int? != nil else { return ([], []) }
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
        var voided: Set<String> = []
        var scopes: [String: DeviceScope?] = [:]
        for void in held.sorted(by: { $0.void < $1.void }) {
            guard let target = try load(db, id: void.target) else { continue }
            if scopes[void.device] == nil {
                scopes[void.device] = .some(try DeviceRegistry.load(db, id: void.device)?.deviceScope)
            }
            if let problem = VoidRule.problem(voider: void.device, scope: scopes[void.device] ?? nil, target: target) {
                try db.run("UPDATE op SET merge_status = 'rejected', reject_code = ?, reject_message = ? WHERE id = ?",
                           [problem.code, problem.message, void.void])
                written.statuses[void.void] = .rejected
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
            written.statuses[void.void] = .applied
            voided.insert(target.id)
            keys.formUnion(MergeKey.keys(of: target))
        }
        return (keys, voided)
    }

    /// How many values an op row has.
    private static let opRowWidth = 26

    /// The insert of `n` op rows, for each `n` a chunk can have (built once: the merge inserts every op it receives).
    private static let insertSQL: [String] = (0...64).map { count in
        """
        INSERT INTO op (id, device_id, instance, seq, hlc, wall_time_ms, business_date, type, beneficiary_id, service_id,
            site_id, class_id, route_id, stop_id, direction, status, time, absence_date, card_id, target_op_id, body,
            received_ms, merge_status, log_seq, scope_flag, absence_to)
        VALUES
        """ + ChangeLog.rows(count, "(" + Array(repeating: "?", count: opRowWidth).joined(separator: ", ") + ")")
    }

    /// Inserts the rows of `ops`, up to 64 per statement, each with the status and change-log entry `stored` gives for
    /// its index; the values are bound typed (a row has 26).
    private static func insertRows(
        _ db: Database, _ ops: [Incoming], receivedMs: Int64, _ stored: (Int) -> (status: MergeStatus, logSeq: Int64?)
    ) throws {
        for chunk in ChangeLog.chunks(ops.count) {
            try db.run(insertSQL[chunk.count]) { row in
                for index in chunk {
                    let (status, logSeq) = stored(index)
                    bindValues(&row, ops[index], receivedMs: receivedMs, status: status, logSeq: logSeq)
                }
            }
        }
    }

    /// Binds the values of an op's row, in the order `insertRows` names its columns.
    private static func bindValues(
        _ row: inout StatementBindings, _ incoming: Incoming, receivedMs: Int64, status: MergeStatus, logSeq: Int64?
    ) {
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
        row.add(op.id); row.add(op.deviceId); row.add(op.instance); row.add(op.seq); row.add(op.hlc.rawValue)
        row.add(op.wallTimeMs); row.add(op.businessDate.description); row.add(op.type.rawValue); row.add(b); row.add(service)
        row.add(site); row.add(cls); row.add(route); row.add(stop); row.add(dir); row.add(attendance); row.add(time)
        row.add(absence); row.add(card); row.add(target); row.add(incoming.json); row.add(receivedMs); row.add(status.rawValue)
        row.add(logSeq); row.add(incoming.flag?.rawValue); row.add(absenceTo)
    }

    static func load(_ db: Database, id: String) throws -> StoredOp? {
        try db.fetchOne("SELECT \(StoredOp.columns) FROM op WHERE id = ?", [id]).map(StoredOp.init(row:))
    }

    // MARK: Recomputing facts

    /// Re-derives the given facts and the cross-checks of their children and days, in a fixed order.
    ///
    /// The ops of every child and day the facts concern are read first, a few hundred days per query, instead of
    /// one query per fact: each op belongs to one fact, and only that fact's recomputation changes its status, so
    /// what was read stays true until the op's own fact is recomputed.
    ///
    /// `fresh`: the ops the caller's merge has just inserted, which need not be read back.
    static func recompute(_ db: Database, keys: Set<MergeKey>, now: Date, _ written: StatusWrites, fresh: FreshOps? = nil) throws {
        // The facts by kind, each kind sorted on its own fields: the order `MergeKey.<` gives (kind first, then the same
        // fields compared the same way), without copying two keys of the enum for every comparison of a sort.
        var marks: [ChildDay] = [], justifications: [ChildDay] = []
        var meals: [(b: String, s: String, d: LocalDate)] = [], rides: [(b: String, r: String, d: LocalDate, dir: Direction)] = []
        for key in keys {
            switch key {
            case .attendance(let day): marks.append(day)
            case .justification(let absence): justifications.append(absence)
            case .meal(let b, let s, let d): meals.append((b, s, d))
            case .ride(let b, let r, let d, let dir): rides.append((b, r, d, dir))
            }
        }
        marks.sort()
        justifications.sort()
        meals.sort { ($0.b, $0.s, $0.d) < ($1.b, $1.s, $1.d) }
        rides.sort { ($0.b, $0.r, $0.d, $0.dir.rawValue) < ($1.b, $1.r, $1.d, $1.dir.rawValue) }
        // The days of the registers and meals recomputed: the cross-check's, which also settles an open "absent but
        // ate" of each (looked up with the other conflicts).
        var crossChecked = Set<ChildDay>(marks)
        for meal in meals { crossChecked.insert(ChildDay(beneficiaryId: meal.b, date: meal.d)) }
        var read = crossChecked
        for ride in rides { read.insert(ChildDay(beneficiaryId: ride.b, date: ride.d)) }
        var dayOps = try DayOps(db, days: read, written: written, fresh: fresh)
        var kinds: [ConflictStore.Kind] = []
        if !marks.isEmpty { kinds.append(.attendanceDisagreement) }
        if !rides.isEmpty { kinds += [.boardedNotAlighted, .rideNotEnrolled] }
        if !crossChecked.isEmpty { kinds.append(.absentButAte) }
        try dayOps.readOpenConflicts(db, kinds: kinds, count: marks.count + 2 * rides.count + crossChecked.count) {
            var subjects: [(ConflictStore.Kind, String)] = []
            subjects.reserveCapacity(marks.count + 2 * rides.count + crossChecked.count)
            for day in marks { subjects.append((.attendanceDisagreement, day.subject)) }
            for ride in rides {
                let subject = RideChecks.subject(ride.b, ride.r, ride.d, ride.dir)
                subjects += [(.boardedNotAlighted, subject), (.rideNotEnrolled, subject)]
            }
            for day in crossChecked { subjects.append((.absentButAte, day.subject)) }
            return subjects
        }
        // The register rows this recomputation writes, so that the cross-check need not read them back.
        var register: [ChildDay: RegisterRow?] = [:]
        var registerWrites = RegisterWrites()
        var mealRows = MealRows()
        for day in marks {
            register[day] = .some(try recomputeAttendance(db, day, dayOps, now: now, &registerWrites))
        }
        for absence in justifications {
            try recomputeJustification(db, absence, written)
        }
        for meal in meals {
            try recomputeMeal(db, beneficiary: meal.b, service: meal.s, date: meal.d, dayOps, into: &mealRows)
        }
        for ride in rides {
            try recomputeRide(db, beneficiary: ride.b, route: ride.r, date: ride.d, direction: ride.dir, dayOps, now: now)
        }
        try registerWrites.flush(db)
        // Nothing above reads the meals; the cross-check does.
        try mealRows.write(db)
        try crossCheckAbsentButAte(db, days: ascending(crossChecked), register: register, dayOps, now: now)
    }

    /// The billed meals a recomputation decided, written together once every fact is recomputed: a push of meals
    /// upserts one row per meal, and up to 64 rows in one statement cost one statement's run instead of 64. Each fact
    /// is recomputed once per merge, so no two rows share a key, and the order of the rows changes nothing stored.
    struct MealRows {
        private var rows: [(beneficiary: String, service: String, date: String, site: String, opId: String, scans: Int)] = []

        mutating func append(beneficiary: String, service: String, date: LocalDate, site: String, opId: String, scans: Int) {
            rows.append((beneficiary, service, date.description, site, opId, scans))
        }

        func write(_ db: Database) throws {
            try ChangeLog.write(db, rows, Self.upsertSQL) { row, meal in
                row.add(meal.beneficiary); row.add(meal.service); row.add(meal.date); row.add(meal.site)
                row.add(meal.opId); row.add(meal.scans)
            }
        }

        /// The upsert of `n` meals, for each `n` a chunk can have (built once).
        private static let upsertSQL = ChangeLog.statements(
            "INSERT INTO meal (beneficiary_id, service_id, business_date, site_id, op_id, scans) VALUES ", row: "(?, ?, ?, ?, ?, ?)",
            tail: " ON CONFLICT (beneficiary_id, service_id, business_date) DO UPDATE SET site_id = excluded.site_id,"
                + " op_id = excluded.op_id, scans = excluded.scans")
    }

    /// `values` in ascending order, as `sorted()` gives them, but sorted by their indices: moving an index costs
    /// nothing, moving a key copies its strings (a push's days, hundreds of them, are sorted on every merge).
    static func ascending<T: Comparable>(_ values: some Collection<T>) -> [T] {
        let list = Array(values)
        return list.indices.sorted { list[$0] < list[$1] }.map { list[$0] }
    }

    /// The merge statuses one merge writes to the `op` table, by op id, the last one written for each: with the status
    /// each op was inserted with, they are the statuses the merge answers, without reading every op back (a push's
    /// ops almost all stay as inserted). Every write of `op.merge_status` during a merge goes through `setStatus` or
    /// `releaseHeldVoids`, which note it here.
    final class StatusWrites {
        var statuses: [String: MergeStatus] = [:]
    }

    /// A child's row of the register for a day (`attendance`): the status that stands and the op it comes from.
    struct RegisterRow {
        let status: AttendanceStatus?
        let opId: String
    }

    /// The ops one merge has just inserted, by child and day, as reading their rows back would give them: a push's
    /// ops are almost all of days nothing else was recorded on, and reading back what was just written (a table row
    /// looked up and decoded for each, and whether a void targets it) was a seventh of the merge's time.
    struct FreshOps {
        /// The largest rowid of `op` before the merge inserted its rows: the ops stored before are those up to it.
        let storedUpTo: Int64
        let byDay: [ChildDay: [(op: StoredOp, voided: Bool)]]

        /// `voided`: the ids of the ops an accepted void targets since this merge (`releaseHeldVoids`). No void was
        /// accepted against an op before the op was stored: a void waits `held` for its target.
        init(_ ops: [Incoming], storedAfter storedUpTo: Int64, voided: Set<String>) {
            self.storedUpTo = storedUpTo
            var byDay: [ChildDay: [(op: StoredOp, voided: Bool)]] = [:]
            // In the order they were inserted, which is the order of their rowids, as a read of the day returns them.
            for index in ops.indices where !ops[index].isVoid {
                let op = StoredOp(inserted: ops[index].op, flag: ops[index].flag, status: .applied)
                guard let child = op.beneficiaryId else { continue }
                byDay[ChildDay(beneficiaryId: child, date: op.businessDate), default: []].append((op, voided.contains(op.id)))
            }
            self.byDay = byDay
        }
    }

    /// The ops of some children's days that are not refused, each with whether an accepted void targets it.
    struct DayOps {
        private var byDay: [ChildDay: [(op: StoredOp, voided: Bool)]] = [:]
        /// The statuses the merge writes while it recomputes the days.
        let written: StatusWrites

        /// `fresh`: ops just inserted, taken as they are instead of read back; only the rows stored before them are read.
        init(_ db: Database, days: Set<ChildDay>, written: StatusWrites, fresh: FreshOps? = nil) throws {
            self.written = written
            let storedUpTo = fresh?.storedUpTo ?? Int64.max
            // Each day is read whole by one query, whatever the chunk it falls in: no order is needed.
            let all = Array(days)
            for start in stride(from: 0, to: all.count, by: 400) {
                let chunk = all[start..<min(all.count, start + 400)]
                let (values, bindDays) = MergeEngine.values(of: chunk)
                // Each (child, day) pair is looked up in `op_subject`, as one query per day would (a join from the
                // list: `(a, b) IN (VALUES …)` would scan the table). The rowid is in the index: a row inserted by this
                // merge is passed over there, before its table row is looked up.
                try db.forEach("""
                    SELECT \(StoredOp.opColumns),
                        EXISTS (SELECT 1 FROM op v WHERE v.target_op_id = op.id AND v.type = 'void' AND v.merge_status = 'applied')
                    FROM \(values) AS d CROSS JOIN op ON op.beneficiary_id = d.column1 AND op.business_date = d.column2
                    WHERE op.rowid <= ? AND op.merge_status != 'rejected'
                    """, binding: { row in
                        bindDays(&row)
                        row.add(storedUpTo)
                    }) { row in
                    let op = try StoredOp(columns: row)
                    guard let child = op.beneficiaryId else { return }
                    byDay[ChildDay(beneficiaryId: child, date: op.businessDate), default: []].append((op, try row[StoredOp.columnCount]))
                }
                for day in chunk where byDay[day] == nil { byDay[day] = [] }
            }
            guard let fresh else { return }
            // After the older rows of their day, as their rowids place them.
            for (day, ops) in fresh.byDay where days.contains(day) {
                byDay[day, default: []] += ops
            }
        }

        /// The conflicts looked up beforehand, and those of them open, by kind (kept apart rather than joined into
        /// one string: the merge looks up the conflicts of every fact it recomputes).
        private var looked: [ConflictStore.Kind: Set<String>] = [:]
        private var open: [ConflictStore.Kind: Set<String>] = [:]
        /// The kinds whose open conflicts were all read, whatever their subject: a subject not in `open` is not open.
        private var allRead: [ConflictStore.Kind] = []

        /// Reads which of the `count` conflicts of `kinds` that `conflicts` lists (worked out only if needed) are open:
        /// the merge settles the conflicts of every fact it recomputes, and almost none is open. When the open
        /// conflicts, of any kind, are no more than the conflicts asked about, they are all read at once through the
        /// index of open conflicts (usually a few rows, often none); else each conflict is looked up by kind and subject.
        mutating func readOpenConflicts(
            _ db: Database, kinds: [ConflictStore.Kind], count: Int, _ conflicts: () -> [(ConflictStore.Kind, String)]
        ) throws {
            guard !kinds.isEmpty else { return }
            var rows = 0
            var found: [(kind: ConflictStore.Kind, subject: String)] = []
            try db.forEach("SELECT kind, subject FROM conflict WHERE status = 'open' LIMIT ?", [count + 1]) { row in
                rows += 1
                guard let kind = row.text(at: 0).flatMap(ConflictStore.Kind.init(rawValue:)), kinds.contains(kind),
                      let subject = row.text(at: 1) else { return }
                found.append((kind, subject))
            }
            guard rows > count else {
                allRead += kinds
                for conflict in found { open[conflict.kind, default: []].insert(conflict.subject) }
                return
            }
            try readOpenConflicts(db, conflicts())
        }

        /// Reads which of these conflicts are open, looked up by kind and subject (`+status`: not through the index of
        /// open conflicts, which would read them all).
        private mutating func readOpenConflicts(_ db: Database, _ conflicts: [(ConflictStore.Kind, String)]) throws {
            // Any order: each subject's rows come back whatever the chunk it falls in. A subject looked up under
            // several kinds (a child's day: a disagreement of the register, "absent but ate") is sent once.
            // The subjects by kind, grouped in a short list (the caller lists each kind's subjects together): each
            // subject is hashed once for its kind, and once more only if several kinds are looked up.
            var byKind: [(kind: ConflictStore.Kind, subjects: Set<String>)] = []
            for (kind, subject) in conflicts {
                if let last = byKind.indices.last, byKind[last].kind == kind {
                    byKind[last].subjects.insert(subject)
                } else if let index = byKind.firstIndex(where: { $0.kind == kind }) {
                    byKind[index].subjects.insert(subject)
                } else {
                    byKind.append((kind, [subject]))
                }
            }
            var subjects: [String]
            if byKind.count == 1 {
                subjects = Array(byKind[0].subjects)
            } else {
                subjects = []
                subjects.reserveCapacity(conflicts.count)
                var seen = Set<String>(minimumCapacity: conflicts.count)
                for group in byKind {
                    for subject in group.subjects where seen.insert(subject).inserted { subjects.append(subject) }
                }
            }
            for group in byKind {
                if looked[group.kind] == nil {
                    looked[group.kind] = group.subjects
                } else {
                    looked[group.kind]?.formUnion(group.subjects)
                }
            }
            let kindNames = byKind.map(\.kind.rawValue).sorted()
            for start in stride(from: 0, to: subjects.count, by: 400) {
                let chunk = subjects[start..<min(subjects.count, start + 400)]
                let length = Self.subjectLengths.first { $0 >= chunk.count } ?? chunk.count
                // Only the key of each open conflict, not a `ConflictRecord`: the merge tests a set of keys for a batch
                // of ops, and reading whole rows would copy every conflict's details for nothing. A kind that was not
                // looked up for a subject may come back too: it only says "may be open" of a pair nobody asks about.
                try db.forEach(Self.openConflictsSQL(kinds: kindNames.count, subjects: length), binding: { row in
                    for kind in kindNames { row.add(kind) }
                    for subject in chunk { row.add(subject) }
                    for _ in chunk.count..<length { row.addNull() }
                }) { row in
                    guard let kind = row.text(at: 0).flatMap(ConflictStore.Kind.init(rawValue:)), let subject = row.text(at: 1) else { return }
                    open[kind, default: []].insert(subject)
                }
            }
        }

        /// The lengths a list of subjects is padded to (with NULLs, which match nothing): a few statement shapes,
        /// each prepared once per connection, and never more than twice the subjects a merge looks up.
        private static let subjectLengths = [1, 2, 4, 8, 16, 32, 64, 128, 256, 400]

        /// The lookup of open conflicts by up to four kinds and each padded length of subjects, built once (the merge
        /// asks on every push).
        private static let openConflictsSQLs: [[String]] = (0...4).map { kinds in
            subjectLengths.map { openConflictsSQL(kinds: kinds, subjectCount: $0) }
        }

        private static func openConflictsSQL(kinds: Int, subjects length: Int) -> String {
            if kinds < openConflictsSQLs.count, let index = subjectLengths.firstIndex(of: length) {
                return openConflictsSQLs[kinds][index]
            }
            return openConflictsSQL(kinds: kinds, subjectCount: length)
        }

        private static func openConflictsSQL(kinds: Int, subjectCount: Int) -> String {
            """
            SELECT kind, subject FROM conflict WHERE +status = 'open'
                AND kind IN (\(Array(repeating: "?", count: kinds).joined(separator: ", ")))
                AND subject IN (\(Array(repeating: "?", count: subjectCount).joined(separator: ", ")))
            """
        }

        /// Whether the conflict may be open: it was, or it was not looked up. The subject is formatted only when it
        /// must be looked for (most merges find no open conflict of the kind at all).
        func mayBeOpen(_ kind: ConflictStore.Kind, _ subject: @autoclosure () -> String) -> Bool {
            if allRead.contains(kind) {
                guard let subjects = open[kind] else { return false }
                return subjects.contains(subject())
            }
            let subject = subject()
            return open[kind]?.contains(subject) == true || looked[kind]?.contains(subject) != true
        }

        /// The ops of a day read beforehand, or nil if the day was not among those read.
        subscript(_ day: ChildDay) -> [(op: StoredOp, voided: Bool)]? { byDay[day] }
    }

    /// The live ops of one child and day (by business date) that `include` keeps, voids excluded; those an accepted
    /// void targets are marked voided. Whether each is voided comes with it, in the same query.
    private static func liveOps(
        _ db: Database, beneficiary: String, date: LocalDate, _ dayOps: DayOps, _ include: (StoredOp) -> Bool
    ) throws -> [StoredOp] {
        let day = ChildDay(beneficiaryId: beneficiary, date: date)
        let ops = try dayOps[day] ?? DayOps(db, days: [day], written: dayOps.written)[day] ?? []
        var result: [StoredOp] = []
        for (op, voided) in ops where include(op) {
            if voided {
                try setStatus(db, op, .voided, dayOps.written)
            } else {
                result.append(op)
            }
        }
        return result
    }

    /// Settles a conflict of a fact being recomputed, unless it was read beforehand as not open (nothing to delete).
    private static func settle(
        _ db: Database, _ kind: ConflictStore.Kind, _ subject: @autoclosure () -> String, _ dayOps: DayOps, now: Date
    ) throws {
        guard dayOps.mayBeOpen(kind, subject()) else { return }
        try ConflictStore.settle(db, kind: kind, subject: subject(), at: now)
    }

    /// Whether a void checked against the op and accepted (`applied`: neither held nor refused) targets it.
    private static func isVoided(_ db: Database, _ id: String) throws -> Bool {
        try db.scalar(
            "SELECT 1 FROM op WHERE target_op_id = ? AND type = 'void' AND merge_status = 'applied' LIMIT 1", [id]
        ) ?? false
    }

    /// Splits ops into live and voided, marking the voided ones.
    private static func live(_ db: Database, _ ops: [StoredOp], _ written: StatusWrites) throws -> [StoredOp] {
        var result: [StoredOp] = []
        for op in ops {
            if try isVoided(db, op.id) {
                try setStatus(db, op, .voided, written)
            } else {
                result.append(op)
            }
        }
        return result
    }

    private static func setStatus(_ db: Database, _ op: StoredOp, _ status: MergeStatus, _ written: StatusWrites) throws {
        guard op.mergeStatus != status else { return }
        try db.run("UPDATE op SET merge_status = ? WHERE id = ?") { $0.add(status.rawValue); $0.add(op.id) }
        written.statuses[op.id] = status
    }

    /// Stores what the rules decided for each op (an op the decision does not name keeps its status).
    private static func setStatuses(_ db: Database, _ ops: [StoredOp], _ statuses: [String: MergeStatus], _ written: StatusWrites) throws {
        for op in ops {
            if let status = statuses[op.id] { try setStatus(db, op, status, written) }
        }
    }

    /// Returns the register row written for the day, nil when the day has none.
    /// The row is not written at once but noted in `writes`, which the caller writes (`RegisterWrites.flush`) before
    /// anything reads the register again.
    @discardableResult
    static func recomputeAttendance(
        _ db: Database, _ day: ChildDay, _ dayOps: DayOps, now: Date, _ writes: inout RegisterWrites
    ) throws -> RegisterRow? {
        let marks = try liveOps(db, beneficiary: day.beneficiaryId, date: day.date, dayOps) { $0.type == .attendanceMarked }
        let register = MergeRules.register(marks.map(\.fact))
        guard let winner = register.winner, let status = winner.status, let classID = winner.classId else {
            if let period = try absencePeriod(db, beneficiary: day.beneficiaryId, date: day.date, dayOps.written), let classID = period.classId {
                // Pre-marked absent: the period stands in for a mark until someone marks the day.
                writes.upserts.append(RegisterWrites.Upsert(day: day, classID: classID, status: .absent, time: nil, opID: period.id))
                try settle(db, .attendanceDisagreement, day.subject, dayOps, now: now)
                return RegisterRow(status: .absent, opId: period.id)
            }
            writes.deletes.append(day)
            try settle(db, .attendanceDisagreement, day.subject, dayOps, now: now)
            return nil
        }
        writes.upserts.append(RegisterWrites.Upsert(day: day, classID: classID, status: status, time: winner.time, opID: winner.id))
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
            try settle(db, .attendanceDisagreement, day.subject, dayOps, now: now)
        }
        try setStatuses(db, marks, register.statuses(conflictOpen: open), dayOps.written)
        return RegisterRow(status: status, opId: winner.id)
    }

    /// The register rows (`attendance`) a recomputation decided, written together once its days are decided: up to 64
    /// rows per statement instead of one statement per child and day (a class's roll call is one push). Each day is
    /// decided once per recomputation, so the rows are distinct and their order does not matter (the table is keyed by
    /// child and day, without rowid).
    struct RegisterWrites {
        struct Upsert {
            let day: ChildDay
            let classID: String
            let status: AttendanceStatus
            let time: LocalTime?
            let opID: String
        }
        var upserts: [Upsert] = []
        var deletes: [ChildDay] = []

        mutating func flush(_ db: Database) throws {
            for day in deletes {
                try db.run("DELETE FROM attendance WHERE beneficiary_id = ? AND business_date = ?") {
                    $0.add(day.beneficiaryId); $0.add(day.date.description)
                }
            }
            try ChangeLog.write(db, upserts, Self.upsertSQL) { row, upsert in
                row.add(upsert.day.beneficiaryId); row.add(upsert.day.date.description); row.add(upsert.classID)
                row.add(upsert.status.rawValue); row.add(upsert.time?.description); row.add(upsert.opID)
            }
            upserts = []
            deletes = []
        }

        /// The upsert of `n` rows, for each `n` a chunk can have (built once: every roll call writes the register).
        private static let upsertSQL = ChangeLog.statements(
            "INSERT INTO attendance (beneficiary_id, business_date, class_id, status, time, op_id) VALUES ", row: "(?, ?, ?, ?, ?, ?)",
            tail: " ON CONFLICT (beneficiary_id, business_date) DO UPDATE SET class_id = excluded.class_id, status = excluded.status,"
                + " time = excluded.time, op_id = excluded.op_id")
    }

    /// The absence period in force for a child on a day: of the live (not voided) periods covering it, the last
    /// recorded by (HLC, device id). Marks the voided ones on the way.
    static func absencePeriod(_ db: Database, beneficiary: String, date: LocalDate, _ written: StatusWrites) throws -> StoredOp? {
        let rows = try db.fetchAll("""
            SELECT \(StoredOp.columns) FROM op
            WHERE beneficiary_id = ? AND type = 'absence_period_recorded' AND absence_date <= ? AND absence_to >= ?
                AND merge_status != 'rejected'
            """, [beneficiary, date.description, date.description]).map(StoredOp.init(row:))
        return try live(db, rows, written).max(by: StoredOp.lwwOrder)
    }

    static func recomputeJustification(_ db: Database, _ absence: ChildDay, _ written: StatusWrites) throws {
        let rows = try db.fetchAll("""
            SELECT \(StoredOp.columns) FROM op
            WHERE beneficiary_id = ? AND type = 'absence_justified' AND absence_date = ? AND merge_status != 'rejected'
            """, [absence.beneficiaryId, absence.date.description]).map(StoredOp.init(row:))
        let marks = try live(db, rows, written)
        let decision = MergeRules.justification(marks.map(\.fact))
        // Without a justification of the day, an absence period covering it justifies it.
        guard let winnerID = try decision.kept?.id ?? absencePeriod(db, beneficiary: absence.beneficiaryId, date: absence.date, written)?.id else {
            try db.run("DELETE FROM justification WHERE beneficiary_id = ? AND absence_date = ?",
                       [absence.beneficiaryId, absence.date.description])
            return
        }
        let reason: String = try db.scalar("SELECT json_extract(body, '$.reason') FROM op WHERE id = ?", [winnerID]) ?? ""
        try db.run("""
            INSERT INTO justification (beneficiary_id, absence_date, reason, op_id) VALUES (?, ?, ?, ?)
            ON CONFLICT (beneficiary_id, absence_date) DO UPDATE SET reason = excluded.reason, op_id = excluded.op_id
            """, [absence.beneficiaryId, absence.date.description, reason, winnerID])
        try setStatuses(db, marks, decision.statuses, written)
    }

    /// Deletes the meal of a fact with no billed scan left at once; a billed meal goes into `meals`, which the caller writes.
    static func recomputeMeal(
        _ db: Database, beneficiary: String, service: String, date: LocalDate, _ dayOps: DayOps, into meals: inout MealRows
    ) throws {
        let scans = try liveOps(db, beneficiary: beneficiary, date: date, dayOps) { $0.isMeal && $0.serviceId == service }
        let decision = MergeRules.meal(scans.map(\.fact), service: service)
        guard let billed = decision.kept, let site = billed.siteId else {
            try db.run("DELETE FROM meal WHERE beneficiary_id = ? AND service_id = ? AND business_date = ?") {
                $0.add(beneficiary); $0.add(service); $0.add(date.description)
            }
            return
        }
        meals.append(beneficiary: beneficiary, service: service, date: date, site: site, opId: billed.id, scans: scans.count)
        try setStatuses(db, scans, decision.statuses, dayOps.written)
    }

    static func recomputeRide(
        _ db: Database, beneficiary: String, route: String, date: LocalDate, direction: Direction, _ dayOps: DayOps, now: Date
    ) throws {
        let all = try liveOps(db, beneficiary: beneficiary, date: date, dayOps) {
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
        try setStatuses(db, all, ride.boarding.statuses.merging(ride.alighting.statuses) { first, _ in first }, dayOps.written)
        let subject = RideChecks.subject(beneficiary, route, date, direction)
        if alighting != nil {
            try settle(db, .boardedNotAlighted, subject, dayOps, now: now)
        }
        // A child aboard who is not on the route's list that day: kept, for the office to decide (and to bill or not).
        if all.contains(where: { $0.scopeFlag == .notEnrolled }) {
            try ConflictStore.raise(
                db, kind: .rideNotEnrolled, subject: subject, beneficiary: beneficiary, date: date,
                details: ["route_id": route, "direction": direction.rawValue], at: now
            )
        } else {
            try settle(db, .rideNotEnrolled, subject, dayOps, now: now)
        }
    }

    /// `(VALUES (?, ?), …)` of the children and days, and how to bind them; padded with pairs of NULLs (which match
    /// nothing) to one of a few lengths, so that the connection keeps a few statements prepared rather than one per length.
    /// Bound typed, one by one (`StatementBindings`): the merge binds two values for every child and day it reads.
    static func values(of days: ArraySlice<ChildDay>) -> (sql: String, bind: (inout StatementBindings) -> Void) {
        let length = [1, 8, 64, 400].first { $0 >= days.count } ?? days.count
        return (valuesSQL[length] ?? valuesSQL(length), { row in
            for day in days {
                row.add(day.beneficiaryId)
                row.add(day.date.description)
            }
            for _ in days.count..<length {
                row.addNull()
                row.addNull()
            }
        })
    }

    /// The `(VALUES …)` of each padded length, built once (the merge reads its days with one on every push).
    private static let valuesSQL = Dictionary(uniqueKeysWithValues: [1, 8, 64, 400].map { ($0, valuesSQL($0)) })

    private static func valuesSQL(_ length: Int) -> String {
        "(VALUES " + Array(repeating: "(?, ?)", count: length).joined(separator: ", ") + ")"
    }

    /// Absent in the register but a meal was recorded the same day: a person must decide which is true.
    ///
    /// `register`: the rows of the days whose register was just recomputed (nil: no row); the other days' rows are
    /// read a few hundred days per query. Whether each day's conflict is open was read with `dayOps`. Almost always
    /// no absence, no conflict, nothing to write.
    static func crossCheckAbsentButAte(
        _ db: Database, days: [ChildDay], register: [ChildDay: RegisterRow?], _ dayOps: DayOps, now: Date
    ) throws {
        var marks: [ChildDay: RegisterRow] = [:]
        for (day, row) in register { if let row { marks[day] = row } }
        let unread = days.filter { register[$0] == nil }
        for start in stride(from: 0, to: unread.count, by: 400) {
            let (values, bindDays) = values(of: unread[start..<min(unread.count, start + 400)])
            try db.forEach("""
                SELECT a.beneficiary_id, a.business_date, a.status, a.op_id
                FROM \(values) AS d CROSS JOIN attendance a ON a.beneficiary_id = d.column1 AND a.business_date = d.column2
                """, binding: bindDays) { row in
                guard let date = LocalDate(try row[1] as String) else { return }
                marks[ChildDay(beneficiaryId: try row[0], date: date)] = RegisterRow(status: AttendanceStatus(rawValue: try row[2]), opId: try row[3])
            }
        }
        for day in days {
            let mark = marks[day]
            // Only a child marked absent can have eaten in contradiction: the meal is looked up for those alone.
            let meal: String? = mark?.status != .absent ? nil : try db.scalar(
                "SELECT op_id FROM meal WHERE beneficiary_id = ? AND business_date = ? ORDER BY service_id LIMIT 1",
                [day.beneficiaryId, day.date.description]
            )
            if let markOp = mark?.opId, let meal, MergeRules.absentButAte(register: mark?.status, ate: true) {
                try ConflictStore.raise(
                    db, kind: .absentButAte, subject: day.subject, beneficiary: day.beneficiaryId, date: day.date,
                    details: ["attendance_op_id": markOp, "meal_op_id": meal], at: now
                )
            } else if dayOps.mayBeOpen(.absentButAte, day.subject) {
                try ConflictStore.settle(db, kind: .absentButAte, subject: day.subject, at: now)
            }
        }
    }
}
