import Foundation
import Testing
import SpuntaDomain
import SpuntaExchange
import SpuntaProtocol
import SpuntaServerStore
import SpuntaStore
@testable import SpuntaSync

@Suite("Merge")
struct MergeTests {
    @Test("two canteen devices scanning the same child make one billable meal and one flagged duplicate")
    func twoDoors() throws {
        let f = try SyncFixture()
        let (door1, _) = try f.device(.canteen, ["site:S01"])
        let (door2, _) = try f.device(.canteen, ["site:S01"])
        let child = try #require(f.canteenChildren(site: "S01").first)
        let a = OpMaker(device: door1.deviceId), b = OpMaker(device: door2.deviceId)
        let first = a.meal(child.beneficiary, service: child.service, site: "S01", at: 1_791_200_000_000)
        let second = b.meal(child.beneficiary, service: child.service, site: "S01", at: 1_791_200_005_000)
        // The later scan arrives first: the merge still bills the earlier one.
        guard case .accepted(let r2) = try f.push(door2, [second]), case .accepted(let r1) = try f.push(door1, [first]) else {
            Issue.record("push refused")
            return
        }
        #expect(r2[0].status == .applied)
        #expect(r1[0].status == .applied)
        try f.queue.read { (db: Database) throws in
            #expect(try db.scalar("SELECT COUNT(*) FROM meal WHERE beneficiary_id = ?", [child.beneficiary]) as Int? == 1)
            #expect(try db.scalar("SELECT op_id FROM meal WHERE beneficiary_id = ?", [child.beneficiary]) as String? == first.id)
            #expect(try db.scalar("SELECT scans FROM meal WHERE beneficiary_id = ?", [child.beneficiary]) as Int? == 2)
            #expect(try db.scalar("SELECT merge_status FROM op WHERE id = ?", [second.id]) as String? == "duplicate")
        }
    }

    @Test("co-teachers who disagree make one conflict; the later mark wins")
    func coTeachers() throws {
        let f = try SyncFixture()
        let (t1, _) = try f.device(.teacher, ["class:S01-1A"])
        let (t2, _) = try f.device(.teacher, ["class:S01-1A"])
        let child = try #require(f.children(ofClass: "S01-1A").first)
        let a = OpMaker(device: t1.deviceId), b = OpMaker(device: t2.deviceId)
        _ = try f.push(t1, [a.mark(child, classID: "S01-1A", .absent, at: 1_791_200_000_000)])
        _ = try f.push(t2, [b.mark(child, classID: "S01-1A", .present, at: 1_791_200_060_000)])
        try f.queue.read { (db: Database) throws in
            #expect(try db.scalar("SELECT status FROM attendance WHERE beneficiary_id = ?", [child]) as String? == "present")
            #expect(try db.scalar("SELECT COUNT(*) FROM conflict WHERE kind = 'attendance_disagreement' AND status = 'open'") as Int? == 1)
        }
        // The first teacher corrects her mark: the devices agree and the conflict closes by itself.
        _ = try f.push(t1, [a.mark(child, classID: "S01-1A", .present, at: 1_791_200_120_000)])
        try f.queue.read { (db: Database) throws in
            #expect(try db.scalar("SELECT COUNT(*) FROM conflict WHERE status = 'open'") as Int? == 0)
        }
    }

    @Test("absent in the register but a meal recorded is a conflict for review")
    func absentButAte() throws {
        let f = try SyncFixture()
        _ = try f.absentChildWhoAte()
        try f.queue.read { (db: Database) throws in
            #expect(try db.scalar("SELECT COUNT(*) FROM conflict WHERE kind = 'absent_but_ate' AND status = 'open'") as Int? == 1)
        }
    }

    /// With other conflicts open, more than the push asks about, the merge looks its own up one by one instead of
    /// reading every open conflict: it must close the conflict either way.
    @Test("absent but ate opens when the absence arrives after the meal, and closes when the register is corrected",
          arguments: [0, 3])
    func absentButAteFollowsTheRegister(otherOpenConflicts: Int) throws {
        let f = try SyncFixture()
        try f.queue.write { db in
            for index in 0..<otherOpenConflicts {
                try ConflictStore.raise(db, kind: .clockSkew, subject: "altro-\(index)", beneficiary: nil, date: nil, details: [:],
                                        at: SyncFixture.now)
            }
        }
        let (teacher, _) = try f.device(.teacher, ["class:S01-1A"])
        let (door, _) = try f.device(.canteen, ["site:S01"])
        let klass = Set(f.children(ofClass: "S01-1A"))
        let child = try #require(f.canteenChildren(site: "S01").first { klass.contains($0.beneficiary) })
        let t = OpMaker(device: teacher.deviceId)
        let open = "SELECT COUNT(*) FROM conflict WHERE kind = 'absent_but_ate' AND status = 'open'"
        _ = try f.push(door, [OpMaker(device: door.deviceId).meal(child.beneficiary, service: child.service, site: "S01")])
        #expect(try f.scalar(open) as Int? == 0)
        // The mark's own push finds the meal: the register it has just written is the one checked.
        _ = try f.push(teacher, [t.mark(child.beneficiary, classID: "S01-1A", .absent, at: 1_791_200_000_000)])
        #expect(try f.scalar(open) as Int? == 1)
        _ = try f.push(teacher, [t.mark(child.beneficiary, classID: "S01-1A", .present, at: 1_791_200_060_000)])
        #expect(try f.scalar(open) as Int? == 0)
        #expect(try f.scalar("SELECT status FROM attendance WHERE beneficiary_id = ?", [child.beneficiary]) as String? == "present")
        #expect(try f.scalar("SELECT COUNT(*) FROM conflict WHERE status = 'open'") as Int? == otherOpenConflicts)
    }

    @Test("one push of more meals than one statement writes holds one meal per child, service and day, and the absent child's meal is seen by the cross-check")
    func manyMealsInOnePush() throws {
        let f = try SyncFixture()
        let (teacher, _) = try f.device(.teacher, ["class:S01-1A"])
        let (door, _) = try f.device(.canteen, ["site:S01"])
        let children = f.canteenChildren(site: "S01")
        let klass = Set(f.children(ofClass: "S01-1A"))
        let child = try #require(children.first { klass.contains($0.beneficiary) }).beneficiary
        // Marked absent before any meal: only the meals' push can find that she ate.
        _ = try f.push(teacher, [OpMaker(device: teacher.deviceId).mark(child, classID: "S01-1A", .absent)])
        let m = OpMaker(device: door.deviceId)
        // Three school days of every child of the door, each child scanned twice on the first day: more than 64 meals.
        var ops: [Op] = []
        for day in [5, 6, 7] {
            let date = try #require(LocalDate(year: 2026, month: 10, day: day))
            for c in children {
                let body = OpBody.mealScanned(Meal(beneficiaryId: c.beneficiary, serviceId: c.service, siteId: "S01", cardId: nil, reason: nil))
                ops.append(m.make(body, on: date))
                if day == 5 { ops.append(m.make(body, on: date)) }
            }
        }
        #expect(3 * Set(children.map { "\($0.beneficiary) \($0.service)" }).count > 64)
        guard case .accepted = try f.push(door, ops) else {
            Issue.record("push refused")
            return
        }
        try f.queue.read { (db: Database) throws in
            for c in children {
                for (day, scans) in [("2026-10-05", 2), ("2026-10-06", 1), ("2026-10-07", 1)] {
                    let row = try #require(try db.fetchOne(
                        "SELECT scans, site_id FROM meal WHERE beneficiary_id = ? AND service_id = ? AND business_date = ?",
                        [c.beneficiary, c.service, day]))
                    #expect(try row[0] as Int == scans)
                    #expect(try row[1] as String == "S01")
                }
            }
            // The first scan of each is the one billed, whichever of its push's rows it came in.
            #expect(try db.scalar("""
                SELECT COUNT(*) FROM meal m JOIN op o ON o.id = m.op_id
                WHERE o.merge_status != 'applied' OR EXISTS (SELECT 1 FROM op e WHERE e.beneficiary_id = m.beneficiary_id
                    AND e.service_id = m.service_id AND e.business_date = m.business_date AND e.hlc < o.hlc)
                """) as Int? == 0)
            #expect(try db.scalar("SELECT COUNT(*) FROM conflict WHERE kind = 'absent_but_ate' AND status = 'open' AND beneficiary_id = ?",
                                  [child]) as Int? == 1)
        }
    }

    @Test("a void cancels its target even when it arrives first")
    func voidBeforeTarget() throws {
        let f = try SyncFixture()
        let (door, _) = try f.device(.canteen, ["site:S01"])
        let child = try #require(f.canteenChildren(site: "S01").first)
        let m = OpMaker(device: door.deviceId)
        let meal = m.meal(child.beneficiary, service: child.service, site: "S01")
        let void = m.void(meal.id)
        try f.queue.write { db in
            let incoming = try [void, meal].map {
                MergeEngine.Incoming(op: $0, json: String(decoding: try WireCoding.encode($0), as: UTF8.self), keys: [])
            }
            _ = try MergeEngine.merge(db, [incoming[0]], receivedMs: 0, now: SyncFixture.now)
            _ = try MergeEngine.merge(db, [incoming[1]], receivedMs: 0, now: SyncFixture.now)
        }
        try f.queue.read { (db: Database) throws in
            #expect(try db.scalar("SELECT COUNT(*) FROM meal") as Int? == 0)
            #expect(try db.scalar("SELECT merge_status FROM op WHERE id = ?", [meal.id]) as String? == "voided")
        }
    }

    @Test("a merge that takes the ops it has just inserted as they are decides what reading every op back decides")
    func freshOpsAsReadBack() throws {
        let f = try SyncFixture()
        let (door1, _) = try f.device(.canteen, ["site:S01"])
        let (door2, _) = try f.device(.canteen, ["site:S01"])
        let (teacher, _) = try f.device(.teacher, ["class:S01-1A"])
        let klass = Set(f.children(ofClass: "S01-1A"))
        let diners = f.canteenChildren(site: "S01").filter { klass.contains($0.beneficiary) }
        try #require(diners.count >= 4)
        let (a, b, c, d) = (diners[0], diners[1], diners[2], diners[3])
        let m1 = OpMaker(device: door1.deviceId), m2 = OpMaker(device: door2.deviceId, startMillis: 1_791_200_000_500)
        let t = OpMaker(device: teacher.deviceId)
        // Stored before: the first scan of a, and b marked absent.
        _ = try f.push(door1, [m1.meal(a.beneficiary, service: a.service, site: "S01")])
        _ = try f.push(teacher, [t.mark(b.beneficiary, classID: "S01-1A", .absent)])
        // One merge: a scanned again (a duplicate of a stored op), c scanned and voided, d scanned twice (the later
        // scan first) and absent for a period from the next day (the period is stored on the day of d's meals, which
        // is not one of the days it marks), b marked present.
        let cMeal = m2.meal(c.beneficiary, service: c.service, site: "S01")
        let period = t.make(.absencePeriodRecorded(AbsencePeriod(
            beneficiaryId: d.beneficiary, classId: "S01-1A", fromDate: try #require(LocalDate(year: 2026, month: 10, day: 6)),
            toDate: try #require(LocalDate(year: 2026, month: 10, day: 8)), reason: "malattia")))
        let ops = [
            m2.meal(a.beneficiary, service: a.service, site: "S01"), cMeal, m2.void(cMeal.id),
            m2.meal(d.beneficiary, service: d.service, site: "S01"), m1.meal(d.beneficiary, service: d.service, site: "S01", at: 1_791_200_090_000),
            t.mark(b.beneficiary, classID: "S01-1A", .present), period,
        ]
        let merged = try f.queue.write { db in
            let incoming = try ops.map {
                MergeEngine.Incoming(op: $0, json: String(decoding: try WireCoding.encode($0), as: UTF8.self), keys: [])
            }
            let statuses = try MergeEngine.merge(db, incoming, receivedMs: 0, now: SyncFixture.now)
            let state = try Self.state(db)
            // The same facts decided again from the stored rows alone change nothing.
            try MergeEngine.recompute(db, keys: Set(ops.flatMap(MergeKey.keys(of:))), now: SyncFixture.now, MergeEngine.StatusWrites())
            #expect(Self.difference(state, try Self.state(db)) == "")
            return statuses
        }
        #expect(merged[ops[0].id] == .duplicate)
        #expect(merged[cMeal.id] == .voided)
        #expect(merged[ops[4].id] == .duplicate)
        try f.queue.read { (db: Database) throws in
            #expect(try db.scalar("SELECT COUNT(*) FROM meal WHERE beneficiary_id = ?", [c.beneficiary]) as Int? == 0)
            #expect(try db.scalar("SELECT scans FROM meal WHERE beneficiary_id = ?", [a.beneficiary]) as Int? == 2)
            #expect(try db.scalar("SELECT op_id FROM meal WHERE beneficiary_id = ?", [d.beneficiary]) as String? == ops[3].id)
            #expect(try db.scalar("SELECT status FROM attendance WHERE beneficiary_id = ? AND business_date = '2026-10-05'",
                                  [b.beneficiary]) as String? == "present")
            #expect(try db.scalar("SELECT COUNT(*) FROM attendance WHERE beneficiary_id = ? AND status = 'absent'",
                                  [d.beneficiary]) as Int? == 3)
        }
    }

    /// The lines only one of two states has, for a readable failure.
    static func difference(_ a: [String], _ b: [String]) -> String {
        let onlyA = Set(a).subtracting(b).sorted().prefix(4), onlyB = Set(b).subtracting(a).sorted().prefix(4)
        if onlyA.isEmpty && onlyB.isEmpty { return "" }
        return "first run only: \(Array(onlyA)); this run only: \(Array(onlyB))"
    }

    /// The merged state as comparable text: derived tables, op statuses, open conflicts.
    static func state(_ db: Database) throws -> [String] {
        var lines: [String] = []
        for (table, order) in [("attendance", "beneficiary_id, business_date"), ("meal", "beneficiary_id, service_id, business_date"),
                               ("ride", "beneficiary_id, route_id, business_date, direction"), ("justification", "beneficiary_id, absence_date")] {
            for row in try db.fetchAll("SELECT * FROM \(table) ORDER BY \(order)") {
                lines.append(table + ": " + row.values.map { "\($0)" }.joined(separator: "|"))
            }
        }
        for row in try db.fetchAll("SELECT id, merge_status FROM op ORDER BY id") {
            lines.append("op: \(try row[0] as String) \(try row[1] as String)")
        }
        for row in try db.fetchAll("SELECT kind, subject, status, details FROM conflict ORDER BY kind, subject") {
            lines.append("conflict: " + row.values.map { "\($0)" }.joined(separator: "|"))
        }
        return lines
    }

    @Test("the merged state is the same whatever the order of arrival, batches replayed included", arguments: [UInt64(1), 2, 3, 42, 2026])
    func determinism(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let reference = try SyncFixture()
        let teachers = [try reference.device(.teacher, ["class:S01-1A"]).scope, try reference.device(.teacher, ["class:S01-1A"]).scope]
        let doors = [try reference.device(.canteen, ["site:S01"]).scope, try reference.device(.canteen, ["site:S01"]).scope]
        let classChildren = reference.children(ofClass: "S01-1A")
        let canteen = reference.canteenChildren(site: "S01").filter { classChildren.contains($0.beneficiary) }
        // Each device's ops, in its own order; clocks interleave so that marks cross.
        var perDevice: [String: [Op]] = [:]
        for (i, t) in teachers.enumerated() {
            let maker = OpMaker(device: t.deviceId, startMillis: 1_791_200_000_000 + Int64(i) * 500)
            var ops: [Op] = []
            for child in classChildren.prefix(12) {
                let status = [AttendanceStatus.present, .absent, .lateEntry][Int.random(in: 0..<3, using: &rng)]
                ops.append(maker.mark(child, classID: "S01-1A", status))
            }
            if let last = ops.last, Bool.random(using: &rng) { ops.append(maker.void(last.id)) }
            perDevice[t.deviceId] = ops
        }
        for (i, d) in doors.enumerated() {
            let maker = OpMaker(device: d.deviceId, startMillis: 1_791_200_000_000 + Int64(i) * 700)
            var ops: [Op] = []
            for child in canteen.prefix(10) where Int.random(in: 0..<3, using: &rng) > 0 {
                ops.append(maker.meal(child.beneficiary, service: child.service, site: "S01"))
            }
            if let first = ops.first, Bool.random(using: &rng) { ops.append(maker.void(first.id)) }
            perDevice[d.deviceId] = ops
        }
        let scopes = Dictionary(uniqueKeysWithValues: (teachers + doors).map { ($0.deviceId, $0) })

        var states: [[String]] = []
        for run in 0..<4 {
            let f = run == 0 ? reference : try SyncFixture()
            if run > 0 {
                // Same devices, same ids, in a fresh database.
                for scope in teachers + doors {
                    try f.queue.write { db in
                        try db.run("INSERT INTO device (id, name, role, scope, created_at, token_hash) VALUES (?, ?, ?, ?, '', ?)",
                                   [scope.deviceId, scope.deviceId, scope.role.rawValue,
                                    String(decoding: try WireCoding.encode(scope.items.map(\.description)), as: UTF8.self), UUID().uuidString])
                    }
                }
            }
            // Interleave devices at random, in random batch sizes, replaying some batches.
            var cursors = Dictionary(uniqueKeysWithValues: perDevice.keys.map { ($0, 0) })
            while cursors.contains(where: { $0.value < (perDevice[$0.key]?.count ?? 0) }) {
                let open = cursors.filter { $0.value < (perDevice[$0.key]?.count ?? 0) }.keys.sorted()
                let device = open[Int.random(in: 0..<open.count, using: &rng)]
                let ops = perDevice[device] ?? []
                let start = cursors[device] ?? 0
                let end = min(ops.count, start + Int.random(in: 1...4, using: &rng))
                let batch = Array(ops[start..<end])
                guard let scope = scopes[device] else { continue }
                guard case .accepted = try f.push(scope, batch) else {
                    Issue.record("seed \(seed): push refused")
                    return
                }
                if Int.random(in: 0..<3, using: &rng) == 0 {
                    guard case .accepted(let replay) = try f.push(scope, batch) else {
                        Issue.record("seed \(seed): replay refused")
                        return
                    }
                    #expect(replay.allSatisfy { $0.status == .duplicate })
                }
                cursors[device] = end
            }
            states.append(try f.queue.read { try Self.state($0) })
        }
        for state in states.dropFirst() {
            let difference = Self.difference(states[0], state)
            #expect(difference.isEmpty, "seed \(seed): merged state depends on arrival order: \(difference)")
        }
    }

    @Test("merging the same ops directly in fully random orders gives the same state", arguments: [UInt64(7), 99, 12345])
    func mergeOrderIndependence(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let base = try SyncFixture()
        let children = base.children(ofClass: "S01-1A")
        let canteen = base.canteenChildren(site: "S01")
        var ops: [Op] = []
        for device in ["A", "B", "C"] {
            let maker = OpMaker(device: device, startMillis: 1_791_200_000_000 + Int64.random(in: 0..<5_000, using: &rng))
            for child in children.prefix(8) {
                ops.append(maker.mark(child, classID: "S01-1A", Bool.random(using: &rng) ? .present : .absent))
            }
            for child in canteen.prefix(8) where Bool.random(using: &rng) {
                ops.append(maker.meal(child.beneficiary, service: child.service, site: "S01"))
            }
            if let target = ops.randomElement(using: &rng) { ops.append(maker.void(target.id)) }
        }
        var states: [[String]] = []
        for run in 0..<5 {
            let f = run == 0 ? base : try SyncFixture()
            let order = ops.shuffled(using: &rng)
            try f.queue.write { db in
                // The devices may touch the class and the canteen both, so that their voids of each other's ops
                // count (a void is checked against the voider's scope, whichever arrives first).
                for device in ["A", "B", "C"] {
                    try db.run("INSERT INTO device (id, name, role, scope, created_at, token_hash) VALUES (?, ?, 'teacher', ?, '', ?)",
                               [device, device, #"["class:S01-1A","site:S01"]"#, UUID().uuidString])
                }
                var index = 0
                while index < order.count {
                    let size = Int.random(in: 1...5, using: &rng)
                    let chunk = order[index..<min(order.count, index + size)].map {
                        MergeEngine.Incoming(op: $0, json: String(decoding: (try? WireCoding.encode($0)) ?? Data(), as: UTF8.self), keys: [])
                    }
                    // The statuses the merge answers are those it left in the op table (it answers without reading them back).
                    let answered = try MergeEngine.merge(db, chunk, receivedMs: 0, now: SyncFixture.now)
                    let stored = try MergeEngine.statuses(db, ids: chunk.map(\.op.id))
                    #expect(answered == stored, "seed \(seed), run \(run): answered \(answered), stored \(stored)")
                    index += size
                }
            }
            states.append(try f.queue.read { try Self.state($0) })
        }
        for state in states.dropFirst() {
            let difference = Self.difference(states[0], state)
            #expect(difference.isEmpty, "seed \(seed): \(difference)")
        }
    }
}
