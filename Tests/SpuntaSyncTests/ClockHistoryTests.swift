import Foundation
import Testing
import SpuntaDomain
import SpuntaProtocol
import SpuntaServerStore
import SpuntaStore
@testable import SpuntaSync

/// A device's clock over time on the server: measurements stored by the device's op number, ops judged against the
/// ones that bracket them, clock conflicts resolved through operator ops, and late entries whose times disagree.
@Suite("Device clocks over time")
struct ClockHistoryTests {
    static let hour = RomeTime.hour
    static let day = RomeTime.day
    /// Monday 5 October 2026, 11:00 in Rome: the sample Comune's canteens are open.
    static let morning = RomeTime.ms("2026-10-05", "11:00")

    static func date(_ ms: Int64) -> LocalDate { RomeTime.date(ms) }

    /// A meal scanned by `maker`'s device when its clock read `wallMs`, dated by that clock.
    static func meal(_ maker: OpMaker, _ child: (beneficiary: String, service: String), wallMs: Int64) -> Op {
        var op = maker.meal(child.beneficiary, service: child.service, site: "S01", at: wallMs)
        op.businessDate = date(wallMs)
        return op
    }

    static func lateEntry(_ maker: OpMaker, _ child: String, at time: String, wallMs: Int64) -> Op {
        maker.make(.attendanceMarked(AttendanceMarked(beneficiaryId: child, classId: "S01-1A", status: .lateEntry, time: LocalTime(time))), at: wallMs)
    }

    func record(_ f: SyncFixture, _ device: String, serverMs: Int64, offsetMs: Int64, seq: Int64) throws {
        try f.queue.write { db in
            try ClockHistory.record(db, device: device, reading: ClockReading(deviceMs: serverMs + offsetMs, serverMs: serverMs, deviceSeq: seq),
                                    knownSeq: 0)
        }
    }

    func clockConflicts(_ f: SyncFixture, status: String = "open") throws -> [(subject: String, details: [String: JSONValue])] {
        try f.queue.read { db in
            try db.fetchAll("SELECT subject, details FROM conflict WHERE kind = 'clock_skew' AND status = ? ORDER BY id", [status]).map { row in
                (try row[0] as String, try WireCoding.decode([String: JSONValue].self, from: Data((try row[1] as String).utf8)))
            }
        }
    }

    @Test("measurements at the same op number keep the earliest and the latest; an op is bracketed by the last before it and the first after")
    func brackets() throws {
        let f = try SyncFixture()
        let (door, _) = try f.device(.canteen, ["site:S01"])
        try record(f, door.deviceId, serverMs: 1_000, offsetMs: 10, seq: 0)
        try record(f, door.deviceId, serverMs: 3_000, offsetMs: 30, seq: 0)
        try record(f, door.deviceId, serverMs: 2_000, offsetMs: 20, seq: 0)
        try record(f, door.deviceId, serverMs: 5_000, offsetMs: 50, seq: 4)
        try record(f, door.deviceId, serverMs: 6_000, offsetMs: 60, seq: 4)
        let found = try f.queue.read { db in try ClockHistory.brackets(db, device: door.deviceId, seqs: [1, 4, 5]) }
        #expect(found[1]?.before == ClockJudgment.Measurement(serverMs: 3_000, offsetMs: 30))
        #expect(found[1]?.after == ClockJudgment.Measurement(serverMs: 5_000, offsetMs: 50))
        #expect(found[4]?.after == ClockJudgment.Measurement(serverMs: 5_000, offsetMs: 50))
        #expect(found[5]?.before == ClockJudgment.Measurement(serverMs: 6_000, offsetMs: 60))
        #expect(found[5]?.after == nil)
        let stored = try f.queue.read { db in try db.scalar("SELECT readings FROM device_clock WHERE device_id = ? AND seq = 0", [door.deviceId]) as Int? }
        #expect(stored == 3)
    }

    @Test("a door whose clock was a day ahead and was fixed before it synced: its meal is flagged with the likely day")
    func fixedBeforeSync() throws {
        let f = try SyncFixture()
        let (door, _) = try f.device(.canteen, ["site:S01"])
        let child = try #require(f.canteenChildren(site: "S01").first)
        try record(f, door.deviceId, serverMs: Self.morning - Self.hour, offsetMs: 0, seq: 0)
        let meal = Self.meal(OpMaker(device: door.deviceId), child, wallMs: Self.morning + Self.day)
        let reading = ClockReading(deviceMs: Self.morning + Self.hour, serverMs: Self.morning + Self.hour, deviceSeq: 1)
        _ = try f.push(door, [meal], clock: reading)
        let conflicts = try clockConflicts(f)
        try #require(conflicts.count == 1)
        #expect(conflicts[0].subject == meal.id)
        #expect(conflicts[0].details["recorded_date"]?.description == "2026-10-06")
        #expect(conflicts[0].details["likely_date"]?.description == "2026-10-05")
        #expect(conflicts[0].details["certain"] == .bool(true))
    }

    @Test("a device whose clock jumped a day back after recording: the earlier ops stand, the later ones are flagged")
    func jumpedBack() throws {
        let f = try SyncFixture()
        let (door, _) = try f.device(.canteen, ["site:S01"])
        let children = Array(f.canteenChildren(site: "S01").prefix(2))
        try #require(children.count == 2)
        try record(f, door.deviceId, serverMs: Self.morning, offsetMs: 0, seq: 0)
        let maker = OpMaker(device: door.deviceId)
        let right = Self.meal(maker, children[0], wallMs: Self.morning + 60_000)
        let wrong = Self.meal(maker, children[1], wallMs: Self.morning + 120_000 - Self.day)
        let reading = ClockReading(deviceMs: Self.morning + 180_000 - Self.day, serverMs: Self.morning + 180_000, deviceSeq: 2)
        _ = try f.push(door, [right, wrong], clock: reading)
        let conflicts = try clockConflicts(f)
        #expect(conflicts.map(\.subject) == [wrong.id])
        #expect(conflicts.first?.details["likely_date"]?.description == "2026-10-05")
    }

    @Test("a justification is not judged by the clock: the day that counts is the absence's, typed by the teacher")
    func justificationNotJudged() throws {
        let f = try SyncFixture()
        let (teacher, _) = try f.device(.teacher, ["class:S01-1A"])
        let child = try #require(f.children(ofClass: "S01-1A").first)
        try record(f, teacher.deviceId, serverMs: Self.morning - Self.hour, offsetMs: 0, seq: 0)
        var justified = OpMaker(device: teacher.deviceId).make(.absenceJustified(AbsenceJustified(
            beneficiaryId: child, classId: "S01-1A", absenceDate: LocalDate("2026-10-02")!, reason: "febbre")), at: Self.morning + Self.day)
        justified.businessDate = Self.date(Self.morning + Self.day)
        _ = try f.push(teacher, [justified], clock: ClockReading(deviceMs: Self.morning, serverMs: Self.morning, deviceSeq: 1))
        #expect(try clockConflicts(f).isEmpty)
    }

    @Test("a clock conflict goes away with its op when the device voids it")
    func voidSettles() throws {
        let f = try SyncFixture()
        let (door, _) = try f.device(.canteen, ["site:S01"])
        let child = try #require(f.canteenChildren(site: "S01").first)
        try record(f, door.deviceId, serverMs: Self.morning - Self.hour, offsetMs: 0, seq: 0)
        let maker = OpMaker(device: door.deviceId)
        let meal = Self.meal(maker, child, wallMs: Self.morning + Self.day)
        _ = try f.push(door, [meal], clock: ClockReading(deviceMs: Self.morning + Self.day, serverMs: Self.morning, deviceSeq: 1))
        #expect(try clockConflicts(f).count == 1)
        _ = try f.push(door, [maker.void(meal.id)], clock: ClockReading(deviceMs: Self.morning + Self.day, serverMs: Self.morning + 1000, deviceSeq: 2))
        #expect(try clockConflicts(f).isEmpty)
    }

    @Test("resolving a clock conflict with the likely day moves the meal there through operator ops: the other door's meal stays the one billed")
    func moveToLikelyDay() throws {
        let f = try SyncFixture()
        let (door1, _) = try f.device(.canteen, ["site:S01"])
        let (door2, _) = try f.device(.canteen, ["site:S01"])
        let child = try #require(f.canteenChildren(site: "S01").first)
        // Door 1 serves the child on the 5th; door 2, one day ahead, serves the child again and dates it the 6th.
        let served = Self.meal(OpMaker(device: door1.deviceId), child, wallMs: Self.morning)
        _ = try f.push(door1, [served])
        try record(f, door2.deviceId, serverMs: Self.morning - Self.hour, offsetMs: Self.day, seq: 0)
        let ahead = Self.meal(OpMaker(device: door2.deviceId), child, wallMs: Self.morning + Self.day + 60_000)
        _ = try f.push(door2, [ahead], clock: ClockReading(deviceMs: Self.morning + Self.day + Self.hour, serverMs: Self.morning + Self.hour, deviceSeq: 1))
        let id: Int64 = try #require(try f.queue.read { try $0.scalar("SELECT id FROM conflict WHERE kind = 'clock_skew' AND subject = ?", [ahead.id]) })
        #expect(try f.queue.read { try $0.scalar("SELECT COUNT(*) FROM meal WHERE beneficiary_id = ?", [child.beneficiary]) as Int? } == 2)

        // Without a day the operator is told both.
        #expect(throws: AdminQueries.ResolutionError.dateRequired(id: id, recorded: "2026-10-06", likely: "2026-10-05")) {
            try f.queue.write { db in try AdminQueries.resolve(db, id: id, note: "porta avanti", setStatus: nil, actor: "t", now: SyncFixture.now) }
        }
        try f.queue.write { db in
            try AdminQueries.resolve(db, id: id, note: "porta 2 avanti di un giorno", setStatus: nil, setDate: LocalDate("2026-10-05"),
                                     actor: "t", now: SyncFixture.now)
        }
        try f.queue.read { (db: Database) throws in
            #expect(try db.scalar("SELECT COUNT(*) FROM meal WHERE beneficiary_id = ?", [child.beneficiary]) as Int? == 1)
            #expect(try db.scalar("SELECT op_id FROM meal WHERE beneficiary_id = ?", [child.beneficiary]) as String? == served.id)
            #expect(try db.scalar("SELECT merge_status FROM op WHERE id = ?", [ahead.id]) as String? == "voided")
            let moved = try db.fetchOne("""
                SELECT merge_status, business_date, type FROM op WHERE device_id = ? AND type = 'meal_scanned'
                """, [OperatorOps.deviceID])
            #expect(try moved?[0] as String? == "duplicate")
            #expect(try moved?[1] as String? == "2026-10-05")
            // The doors and the child's teacher pull the void and the moved meal under the keys they pulled the
            // original under: the site's and the child's class's.
            let keys = try db.fetchAll("""
                SELECT DISTINCT s.scope_key FROM scope_log s JOIN op o ON o.log_seq = s.seq WHERE o.device_id = ? ORDER BY 1
                """, [OperatorOps.deviceID]).map { try $0[0] as String }
            let classID: String = try #require(try db.scalar("SELECT class_id FROM beneficiary WHERE id = ?", [child.beneficiary]))
            #expect(keys == [ScopeKey.forClass(classID), ScopeKey.site("S01")])
        }
        #expect(try clockConflicts(f, status: "resolved").map(\.subject) == [ahead.id])
        #expect(try clockConflicts(f).isEmpty)
    }

    @Test("resolving a clock conflict with the recorded day confirms it: nothing moves")
    func confirmRecordedDay() throws {
        let f = try SyncFixture()
        let (door, _) = try f.device(.canteen, ["site:S01"])
        let child = try #require(f.canteenChildren(site: "S01").first)
        try record(f, door.deviceId, serverMs: Self.morning - Self.hour, offsetMs: 0, seq: 0)
        let meal = Self.meal(OpMaker(device: door.deviceId), child, wallMs: Self.morning + Self.day)
        _ = try f.push(door, [meal], clock: ClockReading(deviceMs: Self.morning, serverMs: Self.morning, deviceSeq: 1))
        let id: Int64 = try #require(try f.queue.read { try $0.scalar("SELECT id FROM conflict WHERE kind = 'clock_skew'") })
        try f.queue.write { db in
            try AdminQueries.resolve(db, id: id, note: "gita, recupero del giorno dopo", setStatus: nil, setDate: LocalDate("2026-10-06"),
                                     actor: "t", now: SyncFixture.now)
        }
        try f.queue.read { (db: Database) throws in
            #expect(try db.scalar("SELECT business_date FROM meal WHERE beneficiary_id = ?", [child.beneficiary]) as String? == "2026-10-06")
            #expect(try db.scalar("SELECT COUNT(*) FROM op WHERE device_id = ?", [OperatorOps.deviceID]) as Int? == 0)
        }
        #expect(try clockConflicts(f, status: "resolved").count == 1)
    }

    @Test("co-teachers recording a late entry at 09:00 and 10:00 disagree; the resolution picks the time", arguments: [
        ("10:00", true), ("09:05", false), ("09:10", false), ("09:11", true),
    ])
    func lateEntryTimes(other: String, disagree: Bool) throws {
        let f = try SyncFixture()
        let (t1, _) = try f.device(.teacher, ["class:S01-1A"])
        let (t2, _) = try f.device(.teacher, ["class:S01-1A"])
        let child = try #require(f.children(ofClass: "S01-1A").first)
        _ = try f.push(t1, [Self.lateEntry(OpMaker(device: t1.deviceId), child, at: "09:00", wallMs: Self.morning - 2 * Self.hour)])
        // The second device's clock is ahead: its mark is the later one and wins by HLC.
        _ = try f.push(t2, [Self.lateEntry(OpMaker(device: t2.deviceId), child, at: other, wallMs: Self.morning - Self.hour)])
        let open: Int64? = try f.queue.read { db in
            try db.scalar("SELECT id FROM conflict WHERE kind = 'attendance_disagreement' AND status = 'open'")
        }
        #expect((open != nil) == disagree)
        guard let open else { return }
        try f.queue.write { db in
            try AdminQueries.resolve(db, id: open, note: "entrato alle 9", setStatus: .lateEntry, setTime: LocalTime("09:00"), actor: "t",
                                     now: SyncFixture.now)
        }
        try f.queue.read { (db: Database) throws in
            #expect(try db.scalar("SELECT time FROM attendance WHERE beneficiary_id = ?", [child]) as String? == "09:00")
            #expect(try db.scalar("SELECT status FROM conflict WHERE id = ?", [open]) as String? == "resolved")
        }
    }

    @Test("a time goes with a late entry or an early exit only; a day with a clock conflict only", arguments: [
        (AttendanceStatus?.some(.present), String?.some("09:00"), String?.none),
        (AttendanceStatus?.none, String?.some("09:00"), String?.none),
        (AttendanceStatus?.none, String?.none, String?.some("2026-10-05")),
    ])
    func misusedOptions(status: AttendanceStatus?, time: String?, date: String?) throws {
        let f = try SyncFixture()
        let (t1, _) = try f.device(.teacher, ["class:S01-1A"])
        let (t2, _) = try f.device(.teacher, ["class:S01-1A"])
        let child = try #require(f.children(ofClass: "S01-1A").first)
        _ = try f.push(t1, [OpMaker(device: t1.deviceId).mark(child, classID: "S01-1A", .absent)])
        _ = try f.push(t2, [OpMaker(device: t2.deviceId).mark(child, classID: "S01-1A", .present)])
        let id: Int64 = try #require(try f.queue.read { try $0.scalar("SELECT id FROM conflict WHERE status = 'open'") })
        #expect(throws: AdminQueries.ResolutionError.self) {
            try f.queue.write { db in
                try AdminQueries.resolve(db, id: id, note: "nota", setStatus: status, setTime: time.flatMap { LocalTime($0) },
                                         setDate: date.flatMap { LocalDate($0) }, actor: "t", now: SyncFixture.now)
            }
        }
        #expect(try f.queue.read { try $0.scalar("SELECT status FROM conflict WHERE id = ?", [id]) as String? } == "open")
    }
}
