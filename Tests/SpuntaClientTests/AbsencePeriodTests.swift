import Foundation
import SpuntaTestSupport
import Testing
import SpuntaProtocol

/// Absence periods from the classroom to the kitchen, with real processes: a teacher's device records one while
/// the server is away, and after the sync the caterer's count and the canteen door know it.
@Suite("Absence periods end to end", .serialized)
struct AbsencePeriodTests {
    static func json(_ text: String) -> Any? {
        try? JSONSerialization.jsonObject(with: Data(text.utf8))
    }

    /// The children counted in at S01 on the school day, as `spunta-server meals --json` prints them.
    static func counted(_ d: Deployment) throws -> (children: [String], classLine: [String: Any]) {
        let printed = try d.admin(["meals", "--db", d.db, "--date", schoolDay, "--site", "S01", "--json"])
        let sites = try #require(json(printed.output) as? [[String: Any]], "\(printed.errors)")
        let count = try #require(sites.first?["count"] as? [String: Any])
        let children = (count["children"] as? [[String: Any]] ?? []).compactMap { $0["beneficiary_id"] as? String }
        let line = (count["classes"] as? [[String: Any]] ?? []).first { $0["class_id"] as? String == "S01-1A" } ?? [:]
        return (children, line)
    }

    @Test("an absence period entered offline on a teacher's device reaches the caterer's count after sync, and the door warns when the child is scanned")
    func offlinePeriodReachesTheCount() async throws {
        let d = try Deployment()
        try d.startServer()
        let teacher = try d.device("maestra", role: .teacher, scope: "class:S01-1A")
        let door = try d.device("mensa", role: .canteen, scope: "site:S01")
        let child: String = try #require(try d.query("""
            SELECT e.beneficiary_id FROM enrollment e JOIN beneficiary b ON b.id = e.beneficiary_id
            WHERE b.class_id = 'S01-1A' AND e.site_id = 'S01' AND e.service_id = 'MENSA-RODARI' ORDER BY e.beneficiary_id LIMIT 1
            """))
        let before = try Self.counted(d)
        #expect(before.children.contains(child))
        let port = d.port
        d.stopServer()

        // Offline: recorded on the device, told at once, whole on 40 columns.
        let recorded = try d.spunta(teacher, ["absence", "--child", child, "--from", schoolDay, "--to", "2026-10-07", "--reason", "influenza"])
        #expect(recorded.status == 0, "\(recorded.errors)")
        #expect(!recorded.output.isEmpty && recorded.output.allSatisfy { $0.count <= 40 }, "\(recorded.output)")
        let register = try d.spunta(teacher, ["roll-call", "--date", schoolDay, "--list", "--json"])
        let entries = try #require(Self.json(register.output.joined()) as? [[String: Any]], "\(register.errors)")
        let entry = try #require(entries.first { $0["beneficiary_id"] as? String == child })
        #expect(entry["status"] as? String == "absent")
        #expect((entry["absence_period"] as? String)?.contains("influenza") == true)
        #expect(try Self.counted(d).children.contains(child))

        try d.startServer(port: port)
        #expect(try d.spunta(teacher, ["sync"]).status == 0)
        let after = try Self.counted(d)
        #expect(!after.children.contains(child))
        #expect(after.children.count == before.children.count - 1)
        #expect(after.classLine["absence_periods"] as? Int == 1)

        // The count queued at the cut-off leaves the child out, and names the child to nobody.
        let send = try ChildProcess("spunta-server", ["meals", "send", "--db", d.db], environment: ["SPUNTA_NOW": "\(schoolDay)T09:31:00+02:00"])
        #expect(send.wait() == 0, "\(send.errors)")
        let body: String = try #require(try d.query("SELECT body FROM outbox_message WHERE kind = 'caterer_count' AND dedup_key LIKE 'caterer|S01|%'"))
        #expect(body.contains("Pasti da preparare: \(after.children.count)"))

        // The canteen door pulls the period: the child's card is served, recorded, and flagged.
        #expect(try d.spunta(door, ["sync"]).status == 0)
        let card = try #require(try d.canteenCards(site: "S01").first { $0.beneficiary == child })
        let scan = try d.spunta(door, ["scan", "--service", "canteen", "--date", schoolDay, "--json"], input: card.payload + "\n")
        let answer = try #require(Self.json(scan.output.first ?? "") as? [String: Any], "\(scan.output)")
        #expect(answer["result"] as? String == "ok" && answer["recorded"] as? Bool == true)
        let warnings = answer["warnings"] as? [[String: Any]] ?? []
        #expect(warnings.contains { $0["code"] as? String == "absence_period" }, "\(answer)")
        let screen = try d.spunta(door, ["scan", "--service", "canteen", "--date", schoolDay], input: card.payload + "\n")
        #expect(screen.output.allSatisfy { $0.count <= 40 }, "\(screen.output)")
    }
}
