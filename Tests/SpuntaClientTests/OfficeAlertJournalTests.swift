import Foundation
import SpuntaStore
import SpuntaTestSupport
import Testing

/// The server's journal (its standard error, under systemd) tells the admin every alert the office is sent, whoever
/// raised it: here the push of a ride closed with a child aboard, through the real `spunta-server serve` and `spunta`.
@Suite("Office alerts in the server's journal")
struct OfficeAlertJournalTests {
    @Test("a ride closed with a child aboard: the alert its push raises is written to the journal of serve, one line as the periodic checks write it, once")
    func pushedAlertInJournal() throws {
        let d = try Deployment()
        defer { d.stopServer() }
        // No periodic checks: whatever reaches the journal comes from the push.
        try d.startServer(arguments: ["--alert-interval", "0"])
        #expect(try d.admin(["alerts", "add-recipient", "--db", d.db, "--email", "ufficio.scuola@comune.example.it"]).status == 0)
        let bus = try d.device("Scuolabus Sud", role: .bus, scope: "route:L2")
        let (child, card, stop, name): (String, String, String, String) = try DatabaseQueue(path: d.db).read { db in
            let row = try #require(try db.fetchOne("""
                SELECT b.id, c.id, e.outbound_stop_id, b.surname || ' ' || b.given_name FROM enrollment e
                JOIN beneficiary b ON b.id = e.beneficiary_id JOIN card c ON c.beneficiary_id = b.id AND c.revoked_on IS NULL
                JOIN stop s ON s.id = e.outbound_stop_id WHERE e.route_id = 'L2' AND e.deleted = 0 ORDER BY s.position, b.id LIMIT 1
                """))
            return (try row[0], "SPUNTA1:" + (try row[1] as String), try row[2], try row[3])
        }
        let ride = try d.spunta(bus, ["ride", "--route", "L2", "--date", schoolDay, "--direction", "outbound", "--json"],
                                input: "@\(stop)\n\(card)\nq\ns\n")
        #expect(ride.status == 0, "\(ride.errors)")
        #expect(try d.spunta(bus, ["sync"]).status == 0)
        let server = try #require(d.server)
        let line = "(bambino rimasto a bordo): URGENTE: \(name) risulta ancora a bordo (linea L2) — 1 messaggio in coda"
        #expect(server.waitForError(containing: line), "\(server.errors)")
        let id: Int? = try d.query("SELECT id FROM office_alert WHERE kind = 'child_left_aboard' AND subject = ?", [child])
        #expect(server.errors.contains("avviso all'ufficio #\(try #require(id)) \(line)\n"), "\(server.errors)")

        // A second sync raises nothing and writes nothing more; the journal holds no codice fiscale.
        #expect(try d.spunta(bus, ["sync"]).status == 0)
        d.stopServer()
        #expect(server.errors.components(separatedBy: "avviso all'ufficio #").count == 2, "\(server.errors)")
        let fiscalCode: String? = try d.query("SELECT fiscal_code FROM beneficiary WHERE id = ?", [child])
        #expect(!server.errors.contains(try #require(fiscalCode)))
    }
}
