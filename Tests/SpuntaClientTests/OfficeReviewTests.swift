import Foundation
import Testing
import SpuntaExchange
import SpuntaStore

/// What the push checks leave for the office, seen with the real programs: a ride of a child not on the bus's
/// list kept and flagged, a scan refused because the device's data were out of date — each findable with
/// `spunta-server conflicts`, `audit` and `devices`.
extension EndToEndTests {
    @Test("a child aboard who is not on the route's list: recorded on the bus, kept on the server, flagged for the office, who decides about billing")
    func rideNotEnrolledReachesTheOffice() async throws {
        do {
            let d = try Deployment()
            try d.startServer()
            let bus = try d.device("scuolabus", role: .bus, scopes: ["route:L1", "route:L2"])
            let stranger = try #require(try DatabaseQueue(path: d.db).read { db in
                try db.fetchOne("""
                    SELECT c.id, e.beneficiary_id FROM card c JOIN enrollment e ON e.beneficiary_id = c.beneficiary_id
                    WHERE e.route_id = 'L2' AND c.revoked_on IS NULL
                        AND e.beneficiary_id NOT IN (SELECT beneficiary_id FROM enrollment WHERE route_id = 'L1')
                    ORDER BY e.beneficiary_id
                    """).map { (payload: "SPUNTA1:" + (try $0[0] as String), child: try $0[1] as String) }
            })
            let scan = try d.spunta(bus, ["scan", "--service", "transport", "--route", "L1", "--stop", "L1-01", "--direction", "outbound",
                                          "--date", schoolDay, "--json"], input: stranger.payload + "\n")
            #expect(Self.json(scan.output.joined())["result"] as? String == "not_enrolled")
            #expect(try d.spunta(bus, ["sync"]).status == 0)
            let kept: String? = try d.query("SELECT boarding_op_id FROM ride WHERE beneficiary_id = ? AND route_id = 'L1'", [stranger.child])
            #expect(kept != nil, "whoever is aboard is on the server's list")

            let listed = try d.admin(["conflicts", "--db", d.db])
            #expect(listed.output.contains("sullo scuolabus senza iscrizione alla linea"))
            let conflicts = (try JSONSerialization.jsonObject(with: Data(try d.admin(["conflicts", "--db", d.db, "--json"]).output.utf8)) as? [[String: Any]]) ?? []
            let id = try #require(conflicts.first { $0["kind"] as? String == "ride_not_enrolled" }?["id"] as? Int)
            let audit = try d.admin(["audit", "--db", d.db])
            #expect(audit.output.contains("non iscritto alla linea quel giorno"))

            let resolved = try d.admin(["conflicts", "resolve", String(id), "--db", d.db, "--note", "salito per errore, la famiglia paga", "--bill"])
            #expect(resolved.status == 0, "\(resolved.errors)")
            let history = try d.admin(["conflicts", "--db", d.db, "--status", "resolved"])
            #expect(history.output.contains("corsa da addebitare"))
        }
    }

    @Test("a scan the door accepted from out-of-date data is refused by the server, and the office finds it in the audit and on the device's line")
    func refusalReachesTheOffice() async throws {
        do {
            let d = try Deployment()
            try d.startServer()
            let door = try d.device("mensa", role: .canteen, scope: "site:S01")
            let card = try #require(try d.canteenCards(site: "S01").first)
            // The office withdraws the child from the canteen; the door has not synced since.
            var comune = SampleComuneGenerator.generate()
            comune.enrollments.removeAll { $0.beneficiaryId == card.beneficiary && $0.siteId == "S01" }
            let file = d.folder.path("ritiro.xml")
            try Data(ExchangeXMLWriter.write(comune).utf8).write(to: URL(fileURLWithPath: file))
            let imported = try d.admin(["import", "--db", d.db, file])
            #expect(imported.status == 0, "\(imported.errors)")

            let scan = try d.spunta(door, ["scan", "--service", "canteen", "--date", schoolDay, "--json"], input: card.payload + "\n")
            #expect(Self.json(scan.output.first ?? "")["result"] as? String == "ok", "\(scan.output)")
            let sync = try d.spunta(door, ["sync"])
            #expect(sync.output.joined(separator: "\n").contains("1 rifiutate"))
            let meals: Int? = try d.query("SELECT COUNT(*) FROM meal WHERE beneficiary_id = ?", [card.beneficiary])
            #expect(meals == 0)

            let refused = try d.admin(["audit", "--db", d.db, "--rejected"])
            #expect(refused.output.contains(card.beneficiary))
            #expect(refused.output.contains("not_enrolled"))
            let devices = try d.admin(["devices", "--db", d.db])
            #expect(devices.output.contains("1 rifiutate"))
        }
    }
}
