import Foundation
import Testing
import SpuntaClient
import SpuntaDomain
import SpuntaStore
import SpuntaTestSupport

/// What waits on a handheld reaches the admin with every request, even when the server refuses its pushes.
@Suite("The device's backlog seen by the admin")
struct BacklogTests {
    @Test("a device restored from a copy is blocked; the scans it records while its pushes are refused show in devices --json")
    func refusedPushes() throws {
        let d = try Deployment()
        try d.startServer()
        let home = try d.device("Mensa Rodari 1", role: .canteen, scope: "site:S01")
        let cards = try d.canteenCards(site: "S01")
        try #require(cards.count >= 8)
        func scan(_ range: Range<Int>) throws {
            let input = cards[range].map { $0.payload + "\n" }.joined()
            let result = try d.spunta(home, ["scan", "--service", "canteen", "--date", schoolDay, "--json"], input: input)
            #expect(result.status == 0, "\(result.errors)")
        }
        try scan(0..<2)
        #expect(try d.spunta(home, ["sync"]).status == 0)
        // A copy of the handheld's database, taken now; one more scan reaches the server.
        let copy = d.folder.path("copia.sqlite")
        try Database(path: DeviceHome(path: home).databasePath).backup(to: copy)
        try scan(2..<3)
        #expect(try d.spunta(home, ["sync"]).status == 0)
        // The copy is put back: its numbering goes back, and the server refuses it from now on.
        try Database(path: copy).backup(to: DeviceHome(path: home).databasePath)
        try scan(3..<6)
        let refused = try d.spunta(home, ["sync"])
        #expect(refused.status == 1, "blocked: its service keeps trying until it is enrolled again")
        #expect(refused.errors.contains("bloccato"))
        try scan(6..<8)
        #expect(try d.spunta(home, ["sync"]).status == 1)

        let listed = try d.admin(["devices", "--db", d.db, "--json"])
        #expect(listed.status == 3)
        let device = try #require(JSON.array(listed.output).first { $0["name"] as? String == "Mensa Rodari 1" })
        #expect(device["state"] as? String == "check")
        #expect((device["reasons"] as? [[String: Any]])?.map { $0["code"] as? String } == ["blocked"])
        let backlog = try #require(device["backlog"] as? [String: Any])
        #expect(backlog["pending_ops"] as? Int == 5, "the five scans recorded since the copy was put back")
        #expect((backlog["oldest_pending_age_s"] as? Int).map { $0 >= 0 } == true)
        #expect((backlog["last_error"] as? String)?.contains("Il server ha bloccato il dispositivo") == true, "\(backlog)")
        #expect(backlog["last_error_code"] as? String == "device_blocked")
        #expect((backlog["reported_at"] as? String)?.hasSuffix("Z") == true)

        let table = try d.admin(["devices", "--db", d.db])
        #expect(table.status == 3)
        #expect(table.output.contains("da controllare"))
        #expect(table.output.contains("5 (attesa "), "\(table.output)")
        #expect(!table.output.contains("…"), "nothing cut")
        #expect(table.output.contains("errore sul dispositivo: Il server ha bloccato il dispositivo"))
        #expect(table.errors.contains("Da controllare: "))
    }

    @Test("a device that pushes and pulls normally reports an empty queue; the server shows 0 waiting")
    func emptyQueue() throws {
        let d = try Deployment()
        try d.startServer()
        let home = try d.device("Mensa Rodari 2", role: .canteen, scope: "site:S01")
        let card = try #require(try d.canteenCards(site: "S01").first)
        _ = try d.spunta(home, ["scan", "--service", "canteen", "--date", schoolDay], input: card.payload + "\n")
        #expect(try d.spunta(home, ["sync"]).status == 0)
        let device = try #require(JSON.array(try d.admin(["devices", "--db", d.db, "--json"]).output).first { $0["name"] as? String == "Mensa Rodari 2" })
        let backlog = try #require(device["backlog"] as? [String: Any])
        #expect(backlog["pending_ops"] as? Int == 0)
        #expect(backlog["oldest_pending_age_s"] == nil)
        #expect(backlog["last_error"] == nil)
    }

    @Test("a failed sync keeps its instant to the millisecond, so the error it reports is never dated before the sync that preceded it")
    func attemptToTheMillisecond() throws {
        let d = try Deployment()
        try d.startServer()
        let home = try d.device("Mensa Rodari 3", role: .canteen, scope: "site:S01")
        #expect(try d.spunta(home, ["sync"]).status == 0)
        d.stopServer()
        // 950 ms into a second: stored to the second, the attempt would read 0.95 s earlier than it was, and the error's
        // age reported at the next request a second too long.
        let failedAt = Date(timeIntervalSince1970: 1_796_112_000.95)
        let queue = try DeviceHome(path: home).openExisting()
        #expect(throws: ClientError.self) { try SyncEngine(queue: queue, clock: { failedAt }).sync() }
        let stored: String? = try queue.read { try $0.scalar("SELECT last_attempt_at FROM sync_state WHERE id = 1") }
        #expect(stored == UTCTime.string(failedAt, fractional: true))
        #expect(stored.flatMap { UTCTime.date($0) }.map { abs($0.timeIntervalSince(failedAt)) < 0.001 } == true, "\(stored ?? "nil")")
    }
}
