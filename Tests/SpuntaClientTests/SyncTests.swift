import Foundation
import SpuntaClient
import SpuntaHTTP
import SpuntaProtocol
import SpuntaStore
import SpuntaTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `spunta sync` and `spunta enroll` when things go wrong: a server that dies mid-sync, a revoked device, a bad
/// code, no server at all, a server of another protocol version.
@Suite("Sync when things go wrong", .serialized)
struct SyncTests {
    static let wideScope = ["site:S01", "site:S02", "site:S03"]

    static func status(_ d: Deployment, _ home: String) throws -> [String: Any] {
        JSON.object(try d.spunta(home, ["status", "--json"]).output.joined())
    }

    @Test("the server killed in the middle of a device's first download: the next sync resumes it and the replica is complete")
    func firstSyncInterrupted() async throws {
        let d = try Deployment()
        try d.startServer()
        let relay = try ServerKiller(upstreamPort: d.port)
        // The scope needs several pages; the server dies before it can answer the second.
        relay.arm("GET /v1/pull", occurrence: 2, .beforeForwarding) {
            d.server?.signal(SIGKILL)
            d.server?.wait()
        }
        let code = try d.enrollmentCode("grande", role: .canteen, scopes: Self.wideScope)
        let home = d.folder.path("device-grande")
        let enroll = try d.spunta(home, ["enroll", "--server", relay.url, "--code", code])
        #expect(relay.fired)
        #expect(enroll.status == 0, "\(enroll.errors)")
        #expect(enroll.errors.contains("Registrato, ma i dati non sono ancora scaricati"), "\(enroll.errors)")
        let partial = try Self.status(d, home)
        #expect((partial["cursor"] as? String)?.hasPrefix("s:") == true, "one page of the snapshot is kept")
        #expect(partial["healthy"] as? Bool == false)

        d.server?.wait()
        try d.startServer()
        relay.setUpstream(d.port)
        let resumed = try d.spunta(home, ["sync", "--json"])
        #expect(resumed.status == 0, "\(resumed.errors)")
        let report = JSON.object(resumed.output.joined())
        #expect(report["snapshot"] as? Bool == false, "the download went on from its cursor, not from scratch")

        // The same scope downloaded without interruption, and the server's own count.
        let control = try d.device("controllo", role: .canteen, scopes: Self.wideScope)
        let complete = try Self.status(d, home)
        #expect(complete["replica"] as? [String: Int] == (try Self.status(d, control))["replica"] as? [String: Int])
        let children: Int? = try d.query("""
            SELECT COUNT(*) FROM (SELECT beneficiary_id FROM enrollment WHERE site_id IN ('S01', 'S02', 'S03') AND deleted = 0
                UNION SELECT b.id FROM beneficiary b JOIN school_class c ON c.id = b.class_id WHERE c.site_id IN ('S01', 'S02', 'S03'))
            """)
        #expect((complete["replica"] as? [String: Int])?["beneficiaries"] == children)
        #expect(complete["healthy"] as? Bool == true)
        #expect(try d.spunta(home, ["status"]).status == 0)
    }

    @Test("the server killed after storing a batch but before answering: the next sync puts every op on the server exactly once")
    func pushInterrupted() async throws {
        let d = try Deployment()
        try d.startServer()
        let relay = try ServerKiller(upstreamPort: d.port)
        let code = try d.enrollmentCode("porta", role: .canteen, scopes: Self.wideScope)
        let home = d.folder.path("device-porta")
        #expect(try d.spunta(home, ["enroll", "--server", relay.url, "--code", code]).status == 0)
        // Three school days of meals, offline: more than two batches of 500.
        let cards = try FieldDeviceCards.all(home)
        for day in ["2026-10-05", "2026-10-06", "2026-10-07"] {
            let scans = try d.spunta(home, ["scan", "--service", "canteen", "--date", day, "--json"],
                                     input: cards.map { $0 + "\n" }.joined())
            #expect(scans.status == 0)
        }
        let total = try #require(JSON.object(try d.spunta(home, ["status", "--json"]).output.joined())["pending_ops"] as? Int)
        try #require(total > 1_000)

        relay.arm("POST /v1/push", occurrence: 2, .afterServerAnswered) {
            d.server?.signal(SIGKILL)
            d.server?.wait()
        }
        let interrupted = try d.spunta(home, ["sync"])
        #expect(relay.fired)
        #expect(interrupted.status == 1)
        #expect(interrupted.errors.contains("Si continua offline"), "\(interrupted.errors)")
        d.server?.wait()
        let onServer: Int? = try d.query("SELECT COUNT(*) FROM op")
        #expect(onServer == 1_000, "two batches stored, the second never acknowledged")
        #expect(try Self.status(d, home)["pending_ops"] as? Int == total - 500)

        try d.startServer()
        relay.setUpstream(d.port)
        let resumed = try d.spunta(home, ["sync", "--json"])
        #expect(resumed.status == 0, "\(resumed.errors)")
        let report = JSON.object(resumed.output.joined())
        #expect(report["pushed"] as? Int == total - 500)
        #expect(report["duplicates"] as? Int == 500, "the unacknowledged batch is answered duplicate")
        let ops: Int? = try d.query("SELECT COUNT(*) FROM op")
        let distinct: Int? = try d.query("SELECT COUNT(DISTINCT id) FROM op")
        let meals: Int? = try d.query("SELECT COUNT(*) FROM meal")
        #expect(ops == total)
        #expect(distinct == total)
        #expect(meals == total)
        let device = try DatabaseQueue(path: home + "/spunta.sqlite")
        let acked: Int? = try device.read { try $0.scalar("SELECT COUNT(*) FROM outbox WHERE state = 'acked'") }
        #expect(acked == total)
        #expect(JSON.object(try d.spunta(home, ["sync", "--json"]).output.joined())["pushed"] as? Int == 0)
    }

    @Test("the sync's report is wrapped between words at 40 columns, never cut inside a word")
    func reportWrapped() async throws {
        let d = try Deployment()
        try d.startServer()
        let home = try d.device("mensa", role: .canteen, scopes: ["site:S01"])
        let card = try #require(try d.canteenCards(site: "S01").first)
        #expect(try d.spunta(home, ["scan", "--service", "canteen", "--date", schoolDay], input: card.payload + "\n").status == 0)
        let sync = try d.spunta(home, ["sync"])
        #expect(sync.status == 0, "\(sync.errors)")
        #expect(sync.output.count > 1, "a report longer than a line: \(sync.output)")
        #expect(sync.output.allSatisfy { $0.count <= 40 }, "\(sync.output)")
        // Joined back with a space, the lines are the sentence: every break fell between two words.
        let sentence = sync.output.map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        #expect(sentence.wholeMatch(of: /Sincronizzato: inviate 1 registrazioni, (ricevute \d+ modifiche e \d+ registrazioni di altri|nessuna novità)\./) != nil,
                "\(sync.output)")
    }

    @Test("a revoked device: an Italian message at sync, which exits 4 (also under --watch), status 3, and scans still recorded offline")
    func revoked() async throws {
        let d = try Deployment()
        try d.startServer()
        let home = try d.device("mensa", role: .canteen, scopes: ["site:S01"])
        let healthy = try d.spunta(home, ["status", "--json"])
        #expect(healthy.status == 0, "healthy right after the enrollment's sync")
        let id = try #require(JSON.object(healthy.output.joined())["device_id"] as? String)
        #expect(try d.admin(["device", "revoke", "--db", d.db, id]).status == 0)

        let sync = try d.spunta(home, ["sync"])
        #expect(sync.status == 4, "revoked: a distinct status, so that a service manager does not restart it")
        #expect(sync.errors.contains("Questo dispositivo è stato revocato: non sincronizza più."), "\(sync.errors)")
        // The long-running form stops by itself with the same status, as the handheld's user unit expects.
        let watch = try d.spunta(home, ["sync", "--watch"])
        #expect(watch.status == 4, "\(watch.errors)")
        #expect(watch.errors.contains("revocato"))
        let card = try #require(try d.canteenCards(site: "S01").first)
        let scan = try d.spunta(home, ["scan", "--service", "canteen", "--date", schoolDay, "--json"], input: card.payload + "\n")
        // The door says first that the device is revoked, then serves and records.
        #expect(scan.output.map { JSON.object($0)["result"] as? String }.prefix(2) == ["device_revoked", "ok"])
        #expect(JSON.object(scan.output.dropFirst().first ?? "")["recorded"] as? Bool == true)
        let status = try d.spunta(home, ["status", "--json"])
        #expect(status.status == 3)
        let fields = JSON.object(status.output.joined())
        #expect(fields["revoked"] as? Bool == true)
        #expect(fields["pending_ops"] as? Int == 1)
        #expect((fields["problems"] as? [String])?.contains("dispositivo revocato") == true)
        #expect((fields["last_error"] as? String)?.contains("revocato") == true)
        // Again at the next attempt, and nothing reached the server.
        #expect(try d.spunta(home, ["sync"]).errors.contains("revocato"))
        let ops: Int? = try d.query("SELECT COUNT(*) FROM op")
        #expect(ops == 0)
    }

    @Test("an expired, a used and a mistyped enrollment code each get a clear Italian message and enroll nothing")
    func badCodes() async throws {
        let d = try Deployment()
        try d.startServer()
        let expired = try d.enrollmentCode("scaduto", role: .teacher, scopes: ["class:S01-1A"])
        try DatabaseQueue(path: d.db).write { db in
            try db.run("UPDATE device SET code_expires_at = '2026-01-01T00:00:00Z' WHERE name = 'scaduto'")
        }
        let used = try d.enrollmentCode("usato", role: .teacher, scopes: ["class:S01-1A"])
        #expect(try d.spunta(d.folder.path("first"), ["enroll", "--server", d.url, "--code", used]).status == 0)
        for (code, message) in [
            (expired, "Codice di registrazione scaduto"), (used, "Codice di registrazione non valido o già usato"),
            ("ABCD-EFGH-JKLM", "Codice di registrazione non valido o già usato"),
        ] {
            let home = d.folder.path("home-\(code)")
            let enroll = try d.spunta(home, ["enroll", "--server", d.url, "--code", code])
            #expect(enroll.status == 1)
            #expect(enroll.errors.contains(message), "\(enroll.errors)")
            #expect(enroll.errors.contains("chiederne uno nuovo all'amministratore"))
            let status = try d.spunta(home, ["status", "--json"])
            #expect(status.status == 3)
            #expect(JSON.object(status.output.joined())["enrolled"] as? Bool == false)
        }
    }

    @Test("no server listening: sync says so in Italian and exits 1; scans go on offline")
    func unreachable() throws {
        let door = try FieldDevice(.canteenS01)
        let cards = try door.canteenCards()
        #expect(try door.json(ScanTests.canteen, input: cards[0].payload + "\n").first?["result"] as? String == "ok")
        let sync = try door.spunta(["sync"])
        #expect(sync.status == 1)
        #expect(sync.errors.contains("Server non raggiungibile"), "\(sync.errors)")
        #expect(sync.errors.contains("Si continua offline"))
        #expect(try door.json(ScanTests.canteen, input: cards[1].payload + "\n").first?["result"] as? String == "ok")
        let status = JSON.object(try door.spunta(["status", "--json"]).output.joined())
        #expect(status["pending_ops"] as? Int == 2)
        #expect((status["last_error"] as? String)?.contains("non raggiungibile") == true)
    }

    @Test("a server the device cannot talk to: no protocol header, a 426 naming the side to upgrade, another version's answer")
    func incompatibleServer() async throws {
        let pull = try String(decoding: WireCoding.encode(PullResponse(
            epoch: "nuova", cursor: "c:99", hasMore: false, reset: true, changes: [], ops: [], serverTimeMs: 0)), as: UTF8.self)
        let newer = "Il server parla la versione 2 del protocollo: aggiornare Spunta su questo dispositivo."
        let cases: [(HTTPResponse, String)] = [
            (.text("Benvenuti nel sito del Comune\n"), "non parla il protocollo di Spunta"),
            (HTTPResponse(status: .upgradeRequired, headers: [ProtocolVersion.header: "2", "Content-Type": "application/json"],
                          body: Data(#"{"error":{"code":"protocol_version_unsupported","message":"\#(newer)"}}"#.utf8)), newer),
            (HTTPResponse(status: .ok, headers: [ProtocolVersion.header: "2", "Content-Type": "application/json"], body: Data(pull.utf8)),
             "aggiornare Spunta su questo dispositivo"),
        ]
        for (answer, message) in cases {
            let server = HTTPServer(configuration: .init(host: "127.0.0.1", port: 0), handler: FixedAnswer(answer: answer))
            let port = try server.start()
            defer { server.shutdown() }
            let door = try FieldDevice(.canteenS01, server: "http://127.0.0.1:\(port)")
            let before = try door.queue().read { try EnrolledDevice.require($0) }
            let sync = try door.spunta(["sync"])
            #expect(sync.status == 1)
            #expect(sync.errors.contains(message), "\(sync.errors)")
            let after = try door.queue().read { try EnrolledDevice.require($0) }
            #expect(after.cursor == before.cursor, "nothing of the answer was applied")
            #expect(after.epoch == before.epoch)
            #expect(try door.scalar("SELECT COUNT(*) FROM beneficiary") as Int? ?? 0 > 0)
            // Scanning is not affected.
            let card = try #require(try door.canteenCards().first)
            #expect(try door.json(ScanTests.canteen, input: card.payload + "\n").first?["result"] as? String == "ok")
        }
    }

    @Test("a teacher's absence reaches the canteen through the server and the kitchen's count drops by one; its void brings it back")
    func absenceReachesKitchen() async throws {
        let d = try Deployment()
        try d.startServer()
        let teacher = try d.device("maestra", role: .teacher, scopes: ["class:S01-1A"])
        let door = try d.device("mensa", role: .canteen, scopes: ["site:S01"])
        let child: String = try #require(try d.query("""
            SELECT b.id FROM beneficiary b JOIN enrollment e ON e.beneficiary_id = b.id
            WHERE b.class_id = 'S01-1A' AND e.service_id = 'MENSA-RODARI' ORDER BY b.id LIMIT 1
            """))
        let expected = { () throws -> Int in
            JSON.array(try d.spunta(door, ["meals", "--date", schoolDay, "--json"]).output.joined())
                .filter { $0["class"] as? String == "1A" }.reduce(0) { $0 + ($1["expected"] as? Int ?? 0) }
        }
        let before = try expected()
        #expect(try d.spunta(teacher, ["roll-call", "--class", "S01-1A", "--date", schoolDay, "--absent", child]).status == 0)
        #expect(try d.spunta(teacher, ["sync"]).status == 0)
        #expect(try d.spunta(door, ["sync"]).status == 0)
        #expect(try expected() == before - 1)
        // The teacher cancels the mark: the void reaches the canteen too, and the child is booked again.
        #expect(try d.spunta(teacher, ["recent"]).status == 0)
        #expect(try d.spunta(teacher, ["void", "1", "--reason", "era presente"]).status == 0)
        #expect(try d.spunta(teacher, ["sync"]).status == 0)
        #expect(try d.spunta(door, ["sync"]).status == 0)
        #expect(try expected() == before)
    }
}

/// Answers every request with the same response (a server of another kind or version).
struct FixedAnswer: HTTPHandler {
    let answer: HTTPResponse
    func handle(_ request: HTTPRequest) async throws -> HTTPResponse { answer }
}

enum FieldDeviceCards {
    /// Every active card payload of a device's replica.
    static func all(_ home: String) throws -> [String] {
        try DatabaseQueue(path: home + "/spunta.sqlite").read { db in
            try db.fetchAll("SELECT id FROM card WHERE revoked_on IS NULL ORDER BY id").map { "SPUNTA1:" + (try $0[0] as String) }
        }
    }
}
