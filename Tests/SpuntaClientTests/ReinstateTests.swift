import Foundation
import SpuntaClient
import SpuntaHTTP
import SpuntaStore
import SpuntaSync
import SpuntaTestSupport
import Testing

/// A handheld revoked by mistake, or lost and found: the office lets it back with `spunta-server device reinstate`
/// and a new code, and the handheld enrolls again in place as the same device, so that what it recorded meanwhile
/// (a child left aboard, the meals of a morning) reaches the server.
@Suite("A revoked device let back in", .serialized)
struct ReinstateTests {
    @Test("reinstated with a new code, the handheld enrolls again in place as the same device: its ops reach the server once and its old credential stays refused")
    func reinstatedInPlace() async throws {
        let d = try Deployment()
        try d.startServer()
        let home = try d.device("mensa", role: .canteen, scopes: ["site:S01"])
        let id = try #require(JSON.object(try d.spunta(home, ["status", "--json"]).output.joined())["device_id"] as? String)
        let cards = try d.canteenCards(site: "S01").prefix(3).map(\.payload)
        try #require(cards.count == 3)
        #expect(try d.spunta(home, ["scan", "--service", "canteen", "--date", "2026-10-05"], input: cards[0] + "\n").status == 0)
        #expect(try d.spunta(home, ["sync"]).status == 0)
        let oldToken = try #require(try EnrollmentTests.token(home))

        #expect(try d.admin(["device", "revoke", "--db", d.db, id]).status == 0)
        // Recorded before the handheld hears of the revocation, then refused at its sync.
        #expect(try d.spunta(home, ["scan", "--service", "canteen", "--date", "2026-10-06"], input: cards[1] + "\n" + cards[2] + "\n").status == 0)
        #expect(try d.spunta(home, ["sync"]).status == 4)
        // A revoked device stays revoked: a new device's code does not take it back.
        let other = try d.enrollmentCode("mensa nuova", role: .canteen, scopes: ["site:S01"])
        let refused = try d.spunta(home, ["enroll", "--code", other])
        #expect(refused.status == 4, "\(refused.errors)")

        let reinstated = try d.admin(["device", "reinstate", "--db", d.db, id, "--reason", "ritrovato", "--json"])
        #expect(reinstated.status == 0, "\(reinstated.errors)")
        let code = try #require(JSON.object(reinstated.output)["code"] as? String)
        let again = try d.spunta(home, ["enroll", "--code", code])
        #expect(again.status == 0, "\(again.errors)")
        #expect(again.output.allSatisfy { $0.count <= 40 }, "\(again.output)")
        #expect(!again.output.joined(separator: " ").contains("prima \(id)"), "the same identity: \(again.output)")

        let status = try d.spunta(home, ["status", "--json"])
        #expect(status.status == 0, "\(status.output)")
        let fields = JSON.object(status.output.joined())
        #expect(fields["device_id"] as? String == id)
        #expect(fields["revoked"] as? Bool == false)
        #expect(fields["pending_ops"] as? Int == 0)
        let ops: Int? = try d.query("SELECT COUNT(*) FROM op")
        let distinct: Int? = try d.query("SELECT COUNT(DISTINCT id) FROM op")
        let applied: Int? = try d.query("SELECT COUNT(*) FROM op WHERE device_id = ? AND merge_status != 'rejected'", [id])
        let meals: Int? = try d.query("SELECT COUNT(*) FROM meal")
        #expect(ops == 3)
        #expect(distinct == 3)
        #expect(applied == 3)
        #expect(meals == 3)

        // The credential the handheld had when it was revoked opens nothing.
        let client = try HTTPClient(baseURL: d.url)
        let old = try client.send(method: "GET", path: "/v1/device", headers: ["Spunta-Protocol": "1", "Authorization": "Bearer \(oldToken)"])
        #expect(old.status == 401)
        // The office's decisions are in the audit trail, with the reason.
        let actions = try d.strings("SELECT action FROM audit_log WHERE subject = ? ORDER BY id", [id])
        #expect(actions.suffix(3) == ["device_revoke", "device_reinstate", "device_enroll"], "\(actions)")
        let reason: String? = try d.query("SELECT json_extract(details, '$.reason') FROM audit_log WHERE action = 'device_reinstate'")
        #expect(reason == "ritrovato")
        #expect(try d.admin(["audit", "--db", d.db]).output.contains("dispositivo riammesso dopo la revoca"))
        // The code works once: from another folder it reads as a wrong code.
        let stolen = try d.spunta(d.folder.path("altra"), ["enroll", "--server", d.url, "--code", code])
        #expect(stolen.status == 1)
        #expect(stolen.errors.contains("Codice di registrazione non valido o già usato"), "\(stolen.errors)")
    }

    @Test("a revoked device's backlog reads unknown until it reports after its revocation, then what its refused sync reported")
    func revokedBacklog() async throws {
        let d = try Deployment()
        try d.startServer()
        let home = try d.device("mensa", role: .canteen, scopes: ["site:S01"])
        let id = try #require(JSON.object(try d.spunta(home, ["status", "--json"]).output.joined())["device_id"] as? String)
        func row() throws -> String {
            try d.admin(["devices", "--db", d.db]).output.split(separator: "\n").map(String.init).first { $0.hasPrefix(id + " ") } ?? ""
        }
        #expect(try d.admin(["device", "revoke", "--db", d.db, id]).status == 0)
        // What it said before the revocation is not what it holds now.
        let unknown = try row()
        #expect(unknown.contains("sconosciuto"), "\(unknown)")

        let cards = try d.canteenCards(site: "S01").prefix(2).map(\.payload)
        #expect(try d.spunta(home, ["scan", "--service", "canteen", "--date", schoolDay], input: cards.map { $0 + "\n" }.joined()).status == 0)
        #expect(try d.spunta(home, ["sync"]).status == 4)
        let listed = JSON.array(try d.admin(["devices", "--db", d.db, "--json"]).output).first { $0["id"] as? String == id }
        let backlog = listed?["backlog"] as? [String: Any]
        #expect(backlog?["pending_ops"] as? Int == 2, "\(String(describing: listed))")
        let line = try row()
        #expect(line.contains(" 2 (attesa"), "\(line)")
        #expect(!line.contains("sconosciuto"), "\(line)")
    }
}

