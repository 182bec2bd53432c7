import Foundation
import SpuntaClient
import SpuntaStore
import SpuntaSync
import SpuntaTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `spunta enroll` when the answer is lost, and again in place after the server was restored from a backup that
/// predates the device: one device, holding the token the server knows, and every op on the server exactly once.
@Suite("Enrollment lost and repeated", .serialized)
struct EnrollmentTests {
    static func status(_ d: Deployment, _ home: String) throws -> [String: Any] {
        JSON.object(try d.spunta(home, ["status", "--json"]).output.joined())
    }

    /// The token stored in a device folder.
    static func token(_ home: String) throws -> String? {
        try DatabaseQueue(path: DeviceHome(path: home).databasePath).read { try $0.scalar("SELECT token FROM device WHERE id = 1") }
    }

    @Test("the enrollment answer is cut after the server committed: the same command again yields one device holding the server's token")
    func answerLost() async throws {
        let d = try Deployment()
        try d.startServer()
        let relay = try ServerKiller(upstreamPort: d.port)
        // The server answers; the relay drops the device's connection instead of passing the answer on.
        relay.arm("POST /v1/enroll", occurrence: 1, .afterServerAnswered) {}
        let code = try d.enrollmentCode("porta", role: .canteen, scopes: ["site:S01"])
        let home = d.folder.path("device-porta")
        let lost = try d.spunta(home, ["enroll", "--server", relay.url, "--code", code])
        #expect(relay.fired)
        #expect(lost.status == 1)
        #expect(lost.errors.contains("offline"), "\(lost.errors)")
        let enrolledOnServer: Int? = try d.query("SELECT COUNT(*) FROM device WHERE name = 'porta' AND enrolled_at IS NOT NULL")
        #expect(enrolledOnServer == 1, "the server committed the enrollment")
        #expect(try Self.status(d, home)["enrolled"] as? Bool == false)

        // Another folder with the same code is refused as for a wrong code.
        let other = try d.spunta(d.folder.path("altra"), ["enroll", "--server", d.url, "--code", code])
        #expect(other.status == 1)
        #expect(other.errors.contains("Codice di registrazione non valido o già usato"), "\(other.errors)")

        // The same command again, from the same folder.
        let again = try d.spunta(home, ["enroll", "--server", relay.url, "--code", code])
        #expect(again.status == 0, "\(again.errors)")
        #expect(again.output.first?.hasPrefix("Registrato: porta") == true, "\(again.output)")
        let devices: Int? = try d.query("SELECT COUNT(*) FROM device WHERE name = 'porta'")
        #expect(devices == 1)
        let token = try #require(try Self.token(home))
        let stored: String? = try d.query("SELECT token_hash FROM device WHERE name = 'porta'")
        #expect(stored == TokenHash.of(token), "the device holds the token the server knows")
        let attempts: Int? = try DatabaseQueue(path: DeviceHome(path: home).databasePath).read {
            try $0.scalar("SELECT COUNT(*) FROM enrollment_attempt")
        }
        #expect(attempts == 0)

        // And it works: a scan reaches the server.
        let card = try #require(try d.canteenCards(site: "S01").first)
        #expect(try d.spunta(home, ["scan", "--service", "canteen", "--date", schoolDay], input: card.payload + "\n").status == 0)
        let sync = try d.spunta(home, ["sync"])
        #expect(sync.status == 0, "\(sync.errors)")
        let ops: Int? = try d.query("SELECT COUNT(*) FROM op WHERE merge_status != 'rejected'")
        #expect(ops == 1)
        #expect(try d.spunta(home, ["status"]).status == 0)
    }

    @Test("a device in good standing refuses a new code, which stays unused for the device it was meant for")
    func healthyDeviceKeepsItsIdentity() async throws {
        let d = try Deployment()
        try d.startServer()
        let home = try d.device("maestra", role: .teacher, scopes: ["class:S01-1A"])
        let code = try d.enrollmentCode("bus", role: .bus, scopes: ["route:L1"])
        let refused = try d.spunta(home, ["enroll", "--code", code])
        #expect(refused.status == 1)
        #expect(refused.errors.contains("già registrato come D-0001 e il server lo riconosce"), "\(refused.errors)")
        #expect(try Self.status(d, home)["role"] as? String == "teacher")
        let bus = try d.spunta(d.folder.path("bus"), ["enroll", "--server", d.url, "--code", code])
        #expect(bus.status == 0, "\(bus.errors)")
    }

    @Test("after a restore that forgot the device: status exits 3 and says why, the device enrolls again in place and pushes every op once")
    func reenrollAfterRestore() async throws {
        let d = try Deployment()
        try d.startServer()
        let port = d.port
        let backup = d.folder.path("copia.sqlite")
        #expect(try d.admin(["backup", "--db", d.db, "--to", backup]).status == 0)

        // Enrolled after the backup: three meals pushed, two more recorded offline.
        let home = try d.device("porta", role: .canteen, scopes: ["site:S01"])
        let before = try #require(try Self.status(d, home)["device_id"] as? String)
        let cards = try d.canteenCards(site: "S01").prefix(5).map(\.payload)
        try #require(cards.count == 5)
        #expect(try d.spunta(home, ["scan", "--service", "canteen", "--date", "2026-10-05"], input: cards.prefix(3).map { $0 + "\n" }.joined()).status == 0)
        #expect(try d.spunta(home, ["sync"]).status == 0)
        #expect(try d.spunta(home, ["scan", "--service", "canteen", "--date", "2026-10-06"], input: cards.suffix(2).map { $0 + "\n" }.joined()).status == 0)

        d.stopServer()
        #expect(try d.admin(["restore", "--db", d.db, "--from", backup]).status == 0)
        try d.startServer(port: port)
        let lostOps: Int? = try d.query("SELECT COUNT(*) FROM op")
        #expect(lostOps == 0, "the backup predates the device and its ops")

        let refused = try d.spunta(home, ["sync"])
        #expect(refused.status == 1)
        #expect(refused.errors.contains("Il server non riconosce più questo dispositivo"), "\(refused.errors)")
        let status = try d.spunta(home, ["status"])
        #expect(status.status == 3)
        #expect(status.output.allSatisfy { $0.count <= 40 }, "\(status.output)")
        // Wrapped lines read back as one text: a continuation line's indent folded into the space it replaces.
        let text = status.output.map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        #expect(text.contains("il server non riconosce più il dispositivo"), "\(text)")
        #expect(text.contains("spunta enroll --code"), "\(text)")
        let fields = try Self.status(d, home)
        #expect(fields["unknown_to_server"] as? Bool == true)
        #expect(fields["pending_ops"] as? Int == 2)

        // Another device takes the next number first, so the device comes back under another identity.
        _ = try d.enrollmentCode("altro", role: .teacher, scopes: ["class:S01-1A"])
        let code = try d.enrollmentCode("porta di nuovo", role: .canteen, scopes: ["site:S01"])
        let again = try d.spunta(home, ["enroll", "--code", code])
        #expect(again.status == 0, "\(again.errors)")
        #expect(again.output.allSatisfy { $0.count <= 40 }, "\(again.output)")
        #expect(again.output.joined(separator: " ").contains("prima \(before)"), "\(again.output)")
        let after = try #require(try Self.status(d, home)["device_id"] as? String)
        #expect(after != before)

        let ops: Int? = try d.query("SELECT COUNT(*) FROM op")
        let distinct: Int? = try d.query("SELECT COUNT(DISTINCT id) FROM op")
        let applied: Int? = try d.query("SELECT COUNT(*) FROM op WHERE device_id = ? AND merge_status != 'rejected'", [after])
        let meals: Int? = try d.query("SELECT COUNT(*) FROM meal")
        #expect(ops == 5)
        #expect(distinct == 5)
        #expect(applied == 5)
        #expect(meals == 5)
        let resync = JSON.object(try d.spunta(home, ["sync", "--json"]).output.joined())
        #expect(resync["pushed"] as? Int == 0)
        let stillFive: Int? = try d.query("SELECT COUNT(*) FROM op")
        #expect(stillFive == 5)
        let healthy = try d.spunta(home, ["status"])
        #expect(healthy.status == 0, "\(healthy.output)")
    }

    @Test("a device restored from its own backup is blocked, enrolls again in place, and its new ops reach the server once")
    func reenrollWhenBlocked() async throws {
        let d = try Deployment()
        try d.startServer()
        let home = try d.device("porta", role: .canteen, scopes: ["site:S01"])
        let before = try #require(try Self.status(d, home)["device_id"] as? String)
        let cards = try d.canteenCards(site: "S01").prefix(5).map(\.payload)
        try #require(cards.count == 5)
        let database = DeviceHome(path: home).databasePath
        let copy = d.folder.path("copia-del-palmare.sqlite")
        #expect(try d.spunta(home, ["scan", "--service", "canteen", "--date", "2026-10-05"], input: cards[0] + "\n" + cards[1] + "\n").status == 0)
        #expect(try d.spunta(home, ["sync"]).status == 0)
        try Database(path: database).backup(to: copy)
        #expect(try d.spunta(home, ["scan", "--service", "canteen", "--date", "2026-10-05"], input: cards[2] + "\n" + cards[3] + "\n").status == 0)
        #expect(try d.spunta(home, ["sync"]).status == 0)
        // The handheld is put back as it was after the first two meals, and records one more.
        try Database(path: copy).backup(to: database)
        #expect(try d.spunta(home, ["scan", "--service", "canteen", "--date", "2026-10-06"], input: cards[4] + "\n").status == 0)
        let blocked = try d.spunta(home, ["sync"])
        #expect(blocked.status == 1)
        #expect(blocked.errors.contains("Il server ha bloccato il dispositivo"), "\(blocked.errors)")
        let status = try d.spunta(home, ["status"])
        #expect(status.status == 3)
        #expect(status.output.joined(separator: " ").contains("dispositivo bloccato dal server"), "\(status.output)")

        let code = try d.enrollmentCode("porta di nuovo", role: .canteen, scopes: ["site:S01"])
        let again = try d.spunta(home, ["enroll", "--code", code])
        #expect(again.status == 0, "\(again.errors)")
        let after = try #require(try Self.status(d, home)["device_id"] as? String)
        #expect(after != before)
        let ops: Int? = try d.query("SELECT COUNT(*) FROM op")
        let distinct: Int? = try d.query("SELECT COUNT(DISTINCT id) FROM op")
        let fromNew: Int? = try d.query("SELECT COUNT(*) FROM op WHERE device_id = ? AND merge_status != 'rejected'", [after])
        let meals: Int? = try d.query("SELECT COUNT(*) FROM meal")
        #expect(ops == 5, "four from before the copy was put back, one recorded after")
        #expect(distinct == 5)
        #expect(fromNew == 1)
        #expect(meals == 5)
        #expect(try d.spunta(home, ["status"]).status == 0)
    }
}
