import Foundation
import SpuntaClient
import SpuntaStore
import SpuntaTestSupport
import Testing

/// `spunta sync` against a server that answers its pushes `503 server_busy` (protocol/sync.md, "Push"): the device
/// sends the same batch again after each `Retry-After`, up to ten times, and then gives up keeping everything.
/// The busy answers come from a relay in front of the real server, which lets the later attempts through.
@Suite("Sync against a busy server")
struct BusyServerTests {
    /// A canteen door enrolled on a real server that has recorded `meals` scans offline, and now reaches the
    /// server through a relay.
    struct Door {
        let deployment: Deployment
        let home: String
        let relay: ServerKiller

        init(meals: Int) throws {
            deployment = try Deployment()
            try deployment.startServer()
            home = try deployment.device("Mensa Rodari 1", role: .canteen, scope: "site:S01")
            let cards = try deployment.canteenCards(site: "S01")
            try #require(cards.count >= meals)
            let input = cards.prefix(meals).map { $0.payload + "\n" }.joined()
            let scan = try deployment.spunta(home, ["scan", "--service", "canteen", "--date", schoolDay, "--json"], input: input)
            try #require(scan.status == 0, "\(scan.errors)")
            relay = try ServerKiller(upstreamPort: deployment.port)
            let url = relay.url
            try DeviceHome(path: home).open().write { db in try db.run("UPDATE device SET server_url = ? WHERE id = 1", [url]) }
        }

        /// The device's outbox: id, state and the op as sent, in order.
        func outbox() throws -> [[String]] {
            try DeviceHome(path: home).open().read { db in
                try db.fetchAll("SELECT id, state, json FROM outbox ORDER BY seq").map { [try $0[0] as String, try $0[1] as String, try $0[2] as String] }
            }
        }

        /// How many times each op id is in the server's log of ops.
        func serverCounts() throws -> [String: Int] {
            let rows = try DatabaseQueue(path: deployment.db).read { db in
                try db.fetchAll("SELECT id, COUNT(*) FROM op GROUP BY id").map { (try $0[0] as String, try $0[1] as Int) }
            }
            return Dictionary(uniqueKeysWithValues: rows)
        }

        /// The `Spunta-Device-Time` (ms) of each push the relay saw.
        func pushTimes() -> [Int64] {
            relay.busyWatched.compactMap { head in
                head.components(separatedBy: "\r\n").first { $0.hasPrefix("spunta-device-time:") }
                    .flatMap { Int64($0.dropFirst("spunta-device-time:".count).trimmingCharacters(in: .whitespaces)) }
            }
        }

        /// The `oldest_pending_age_s` of the `Spunta-Device-Backlog` of each push the relay saw.
        func pushBacklogAges() -> [Int?] {
            relay.busyWatched.map { head in
                head.components(separatedBy: "\r\n").first { $0.lowercased().hasPrefix("spunta-device-backlog:") }
                    .map { JSON.object(String($0.dropFirst("spunta-device-backlog:".count))) }?["oldest_pending_age_s"] as? Int
            }
        }
    }

    @Test("answered busy twice, the device waits as told and sends the batch again: every op arrives once, the outbox empties")
    func busyThenTaken() throws {
        let door = try Door(meals: 5)
        let before = try door.outbox()
        #expect(before.count == 5 && before.allSatisfy { $0[1] == "pending" })
        door.relay.answerBusy("POST /v1/push", times: 2, retryAfter: 2)

        let sync = try door.deployment.spunta(door.home, ["sync", "--json"])
        #expect(sync.status == 0, "\(sync.errors)")
        let report = JSON.object(sync.output.joined())
        #expect(report["pushed"] as? Int == 5)
        #expect(report["applied"] as? Int == 5)
        #expect(report["duplicates"] as? Int == 0)

        // Three attempts of the same batch, each sent at least Retry-After seconds after the one before, and
        // each saying the device's time when it left (the server measures the clock's offset from it).
        let times = door.pushTimes()
        #expect(times.count == 3, "\(door.relay.busyWatched)")
        for (earlier, later) in zip(times, times.dropFirst()) {
            #expect(later - earlier >= 2_000, "\(times)")
        }
        // The backlog each attempt reports is read when it leaves: the oldest op has waited the seconds waited out.
        let ages = door.pushBacklogAges().compactMap { $0 }
        #expect(ages.count == 3, "\(door.relay.busyWatched)")
        for ((earlier, later), (sentFirst, sentThen)) in zip(zip(ages, ages.dropFirst()), zip(times, times.dropFirst())) {
            #expect(later - earlier >= Int((sentThen - sentFirst) / 1_000), "ages \(ages), times \(times)")
        }
        let after = try door.outbox()
        #expect(after.map { [$0[0], $0[2]] } == before.map { [$0[0], $0[2]] }, "the same ops, unchanged")
        #expect(after.allSatisfy { $0[1] == "acked" })
        #expect(try door.serverCounts() == Dictionary(uniqueKeysWithValues: before.map { ($0[0], 1) }), "each op once, none lost")
    }

    @Test("a server busy past the ten retries: an Italian message says so and what to do; the outbox stays whole for the next sync")
    func busyPastTheRetries() throws {
        let door = try Door(meals: 4)
        let before = try door.outbox()
        door.relay.answerBusy("POST /v1/push", times: 11, retryAfter: 1)

        let refused = try door.deployment.spunta(door.home, ["sync"])
        #expect(refused.status == 1)
        #expect(refused.errors.contains("Il server è occupato: non ha accettato l'invio dopo 11 tentativi"), "\(refused.errors)")
        #expect(refused.errors.contains("le registrazioni restano su questo dispositivo"))
        // The device's folder has a space in its name: quoted, the suggested command runs as printed.
        #expect(refused.errors.contains("Riprovare tra qualche minuto:\n  spunta sync --home '\(door.home)'\n"), "\(refused.errors)")
        #expect(!refused.errors.contains("server_busy") && !refused.errors.contains("503"), "no technical words: \(refused.errors)")
        #expect(refused.output.isEmpty, "no report of a sync that did not happen: \(refused.output)")
        #expect(door.relay.busyWatched.count == 11, "the first attempt and ten more, then it stopped")

        // Nothing marked sent, nothing applied; the device's status keeps the reason for the admin and the user.
        #expect(try door.outbox() == before)
        #expect(try door.serverCounts().isEmpty)
        let status = JSON.object(try door.deployment.spunta(door.home, ["status", "--json"]).output.joined())
        #expect(status["pending_ops"] as? Int == 4, "\(status)")
        #expect((status["last_error"] as? String)?.hasPrefix("Il server è occupato") == true, "\(status)")

        // The next sync, the server free again, sends them all once.
        let next = try door.deployment.spunta(door.home, ["sync", "--json"])
        #expect(next.status == 0, "\(next.errors)")
        #expect(JSON.object(next.output.joined())["applied"] as? Int == 4)
        #expect(try door.outbox().allSatisfy { $0[1] == "acked" })
        #expect(try door.serverCounts() == Dictionary(uniqueKeysWithValues: before.map { ($0[0], 1) }))
    }
}
