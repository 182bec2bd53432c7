import Foundation
import SpuntaTestSupport
import Testing
import SpuntaProtocol
import SpuntaStore

/// Handhelds with wrong clocks (the battery died, the clock was set by hand), with the real server and real
/// devices: each process gets its own clock through `TestClock`.
@Suite("Wrong device clocks", .serialized, .enabled(if: TestClock.honoured, "release builds ignore SPUNTA_TEST_CLOCK_SHIFT_MS: no fake clock"))
struct WrongClockTests {
    static func conflicts(_ d: Deployment, status: String = "open") throws -> [[String: Any]] {
        let listed = try d.admin(["conflicts", "list", "--db", d.db, "--status", status, "--json"])
        return JSON.array(listed.output)
    }

    static func details(_ conflict: [String: Any]) -> [String: Any] { conflict["details"] as? [String: Any] ?? [:] }

    /// Scans one card at a door and returns the op recorded.
    static func scan(_ d: Deployment, _ door: String, _ card: String, _ env: [String: String]) throws -> String {
        let run = try d.spunta(door, ["scan", "--service", "canteen", "--json"], input: card + "\n", environment: env)
        let answer = JSON.object(run.output.first ?? "")
        #expect(answer["result"] as? String == "ok", "\(run.output) \(run.errors)")
        return answer["op_id"] as? String ?? ""
    }

    @Test("a canteen door one day ahead serves a child who ate at the other door: flagged, the payer's statement is held until the meal is moved to its day, and billed once")
    func doorOneDayAhead() async throws {
        let clock = try #require(TestClock("2026-11-30", "12:00"))
        let d = try Deployment()
        try d.startServer(environment: clock.environment())
        let door1 = try d.device("porta1", role: .canteen, scope: "site:S02", environment: clock.environment())
        let door2 = try d.device("porta2", role: .canteen, scope: "site:S02", environment: clock.environment())
        let (card, child) = try #require(try d.canteenCards(site: "S02").first)
        let payer: String = try #require(try d.query(
            "SELECT payer_id FROM beneficiary_payer WHERE beneficiary_id = ? ORDER BY is_primary DESC, position LIMIT 1", [child]))

        // Door 1 serves the child on Monday 30/11 and syncs. Door 2's clock has jumped to Tuesday: it serves the child
        // again, dates the meal 01/12, and syncs with its clock still a day ahead.
        _ = try Self.scan(d, door1, card, clock.environment())
        #expect(try d.spunta(door1, ["sync"], environment: clock.environment()).status == 0)
        let ahead = clock.environment(errorMs: TestClock.day)
        let late = try Self.scan(d, door2, card, ahead)
        #expect(try d.spunta(door2, ["sync"], environment: ahead).status == 0)
        // The device learns how far off it is, for its screens.
        let offset = try #require(JSON.object(try d.spunta(door2, ["status", "--json"], environment: ahead).output.joined())["clock_offset_ms"] as? Int)
        #expect(abs(offset - Int(TestClock.day)) < Int(DeviceClock.toleranceMs))

        let open = try Self.conflicts(d).filter { $0["kind"] as? String == "clock_skew" }
        try #require(open.count == 1)
        #expect(Self.details(open[0])["op_id"] as? String == late)
        #expect(Self.details(open[0])["recorded_date"] as? String == "2026-12-01")
        #expect(Self.details(open[0])["likely_date"] as? String == "2026-11-30")
        let conflictID = try #require(open[0]["id"] as? Int)

        // November is billed; the payer's statement waits, every other one is issued. The run says which command
        // lists what to decide, on a line of its own that runs as printed.
        let billed = try d.admin(["billing", "run", "--db", d.db, "--period", "2026-11"])
        #expect(billed.status == 0, "\(billed.errors)")
        let listing = try #require(CopiedCommand.all("spunta-server", in: billed.output).first, "\(billed.output)")
        #expect(listing == "spunta-server conflicts --db \(d.db)", "\(billed.output)")
        #expect(try CopiedCommand.run(listing, in: d.folder.url).status == 0)
        let issue = try d.admin(["billing", "issue", "--db", d.db, "--period", "2026-11", "--json"])
        #expect(issue.status == 0, "\(issue.errors)")
        let outcome = JSON.object(issue.output)
        let issued = (outcome["issued"] as? [[String: Any]] ?? []).compactMap { $0["payer_id"] as? String }
        let held = outcome["held"] as? [[String: Any]] ?? []
        #expect(!issued.isEmpty)
        #expect(!issued.contains(payer))
        #expect(held.map { $0["payer_id"] as? String } == [payer])
        let reason = held.first?["reason"] as? String ?? ""
        #expect(reason.contains("orologio sbagliato") && reason.contains("30/11/2026") && reason.contains("01/12/2026"))
        #expect(reason.contains("conflicts resolve \(conflictID)"))
        // Issuing again finds only the held statement: refused, saying why, nothing issued.
        let again = try d.admin(["billing", "issue", "--db", d.db, "--period", "2026-11"])
        #expect(again.status == 1)
        #expect(again.errors.contains("trattenuti"), "\(again.errors)")
        let printed = CopiedCommand.all("spunta-server", in: again.errors)
        let move = try #require(printed.first { $0.contains("--set-date 2026-11-30") }, "\(again.errors)")
        #expect(move == "spunta-server conflicts resolve --db \(d.db) \(conflictID) --set-date 2026-11-30 --note MOTIVO", "\(again.errors)")
        #expect(printed.contains("spunta-server billing issue --db \(d.db) --period 2026-11"), "\(again.errors)")
        let draft: String? = try d.query("SELECT status FROM statement WHERE payer_id = ? AND period = '2026-11'", [payer])
        #expect(draft == "draft")

        // The operator moves door 2's meal to the day it was really served, with the command as printed and a note:
        // it becomes the duplicate of door 1's.
        let resolve = try CopiedCommand.run(move.replacingOccurrences(of: "MOTIVO", with: "'porta 2 avanti di un giorno'"), in: d.folder.url)
        #expect(resolve.status == 0, "\(resolve.error)")
        #expect(try Self.conflicts(d).filter { $0["kind"] as? String == "clock_skew" }.isEmpty)
        #expect(try Self.conflicts(d, status: "resolved").contains { $0["id"] as? Int == conflictID })
        #expect(try d.admin(["billing", "run", "--db", d.db, "--period", "2026-11"]).status == 0)
        let final = JSON.object(try d.admin(["billing", "issue", "--db", d.db, "--period", "2026-11", "--json"]).output)
        #expect((final["issued"] as? [[String: Any]] ?? []).compactMap { $0["payer_id"] as? String } == [payer])
        #expect((final["held"] as? [[String: Any]] ?? []).isEmpty)

        let meals: [String] = try d.strings("SELECT business_date FROM meal WHERE beneficiary_id = ?", [child])
        #expect(meals == ["2026-11-30"])
        let billedMeals: Int? = try d.query("""
            SELECT COUNT(*) FROM statement_line l JOIN statement s ON s.id = l.statement_id
            WHERE s.payer_id = ? AND l.charge_key LIKE ?
            """, [payer, "meal|\(child)|%"])
        #expect(billedMeals == 1)
        let voided: String? = try d.query("SELECT merge_status FROM op WHERE id = ?", [late])
        #expect(voided == "voided")
    }

    @Test("a door a day ahead whose clock was fixed before it synced: its meal is still flagged, with the likely day")
    func fixedBeforeSync() async throws {
        let clock = try #require(TestClock("2026-11-30", "12:00"))
        let d = try Deployment()
        try d.startServer(environment: clock.environment())
        let door = try d.device("porta", role: .canteen, scope: "site:S02", environment: clock.environment())
        let (card, _) = try #require(try d.canteenCards(site: "S02").first)
        let op = try Self.scan(d, door, card, clock.environment(errorMs: TestClock.day))
        // Someone sets the clock right; then the door syncs.
        #expect(try d.spunta(door, ["sync"], environment: clock.environment()).status == 0)
        let open = try Self.conflicts(d).filter { $0["kind"] as? String == "clock_skew" }
        try #require(open.count == 1)
        #expect(Self.details(open[0])["op_id"] as? String == op)
        #expect(Self.details(open[0])["recorded_date"] as? String == "2026-12-01")
        #expect(Self.details(open[0])["likely_date"] as? String == "2026-11-30")
        #expect(Self.details(open[0])["certain"] as? Bool == true)
    }

    @Test("a door whose clock jumped a day back after serving: the meals served before stand, the ones after are flagged")
    func jumpedBack() async throws {
        let clock = try #require(TestClock("2026-12-01", "12:00"))
        let d = try Deployment()
        try d.startServer(environment: clock.environment())
        let door = try d.device("porta", role: .canteen, scope: "site:S02", environment: clock.environment())
        let cards = try d.canteenCards(site: "S02").prefix(2)
        try #require(cards.count == 2)
        let right = try Self.scan(d, door, cards[cards.startIndex].payload, clock.environment())
        let behind = clock.environment(errorMs: -TestClock.day)
        let wrong = try Self.scan(d, door, cards[cards.startIndex + 1].payload, behind)
        #expect(try d.spunta(door, ["sync"], environment: behind).status == 0)
        let open = try Self.conflicts(d).filter { $0["kind"] as? String == "clock_skew" }
        #expect(open.map { Self.details($0)["op_id"] as? String } == [wrong])
        #expect(!open.contains { Self.details($0)["op_id"] as? String == right })
        #expect(open.first.map { Self.details($0)["likely_date"] as? String } == "2026-12-01")
        #expect(open.first.map { Self.details($0)["recorded_date"] as? String } == "2026-11-30")
    }

    @Test("co-teachers recording a late entry at 09:00 and 10:00 (one clock an hour ahead): a conflict, and the resolution picks the time")
    func coTeachersHourApart() async throws {
        let clock = try #require(TestClock("2026-11-30", "09:00"))
        let d = try Deployment()
        try d.startServer(environment: clock.environment())
        let ahead = clock.environment(errorMs: TestClock.hour)
        let t1 = try d.device("maestra1", role: .teacher, scope: "class:S01-1A", environment: clock.environment())
        let t2 = try d.device("maestra2", role: .teacher, scope: "class:S01-1A", environment: ahead)
        // Neither types a time: each device takes its own clock's.
        #expect(try d.spunta(t1, ["roll-call", "--class", "S01-1A", "--late", "B0002"], environment: clock.environment()).status == 0)
        #expect(try d.spunta(t2, ["roll-call", "--class", "S01-1A", "--late", "B0002"], environment: ahead).status == 0)
        #expect(try d.spunta(t1, ["sync"], environment: clock.environment()).status == 0)
        #expect(try d.spunta(t2, ["sync"], environment: ahead).status == 0)

        let open = try Self.conflicts(d)
        #expect(!open.contains { $0["kind"] as? String == "clock_skew" }, "same day either way")
        let disagreement = try #require(open.first { $0["kind"] as? String == "attendance_disagreement" && $0["beneficiary_id"] as? String == "B0002" })
        let times = (Self.details(disagreement)["marks"] as? [[String: Any]] ?? []).compactMap { $0["time"] as? String }
        #expect(times.map { $0.prefix(3) }.sorted() == ["09:", "10:"])
        let id = try #require(disagreement["id"] as? Int)
        let resolve = try d.admin(["conflicts", "resolve", String(id), "--db", d.db, "--note", "entrato alle 9, orologio avanti",
                                   "--set-status", "late_entry", "--set-time", "09:00"])
        #expect(resolve.status == 0, "\(resolve.errors)")
        let time: String? = try d.query("SELECT time FROM attendance WHERE beneficiary_id = 'B0002' AND business_date = '2026-11-30'")
        #expect(time == "09:00")
        let status: String? = try d.query("SELECT status FROM conflict WHERE id = ?", [id])
        #expect(status == "resolved")
    }
}
