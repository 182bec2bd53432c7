import Foundation
import SpuntaTestSupport
import Testing
import SpuntaHTTP
import SpuntaProtocol
import SpuntaStore
@testable import SpuntaServer
import Synchronization

@Suite("Pushes held at once are bounded")
struct PushAdmissionTests {
    /// The value of a metric line (`name value`) in the server's own /metrics.
    static func metric(_ name: String, _ client: HTTPClient) throws -> Double? {
        let text = String(decoding: try client.send(method: "GET", path: "/metrics").body, as: UTF8.self)
        return text.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { Double($0.split(separator: " ")[1]) }
    }

    @Test("pushes beyond the bound are answered busy, and once sent again every op is applied exactly once")
    func busyThenApplied() async throws {
        // A bound of one byte: the server holds one push at a time, whatever its size, and refuses the others.
        var settings = SyncService.Settings()
        settings.pushBytesBudget = 1
        let f = try ServerFixture(settings: settings)
        defer { f.stop() }
        let service = f.server.service
        let children = try ServerIntegrationTests.canteenChildren(f)
        let sessions = try (0..<6).map { n in try DeviceSession(f, try f.enrolledDevice(.canteen, ["site:S01"], name: "Porta \(n)")) }
        let batches = sessions.map { session in (0..<40).map { i in session.meal(children[i % children.count], ms: 1_791_187_800_000 + Int64(i) * 1000) } }
        let bodies = try batches.map { try WireCoding.encode(PushRequest(ops: $0)) }
        let deadline = Date().addingTimeInterval(600)

        // The writer is held by a job of the test's own, so that the first push waits taken and unanswered.
        let hold = try #require(await f.holdWriter(until: deadline), "the writer never ran the test's job")
        let first = Watched<Int?>(nil)
        Thread {
            let response = try? sessions[0].client.send(method: "POST", path: "/v1/push", headers: sessions[0].headers, body: bodies[0], timeout: 600)
            first.update { $0 = response?.status ?? -1 }
        }.start()
        await service.writer.untilQueued(1)

        // Every other door is refused at once while that push is held: nothing of theirs decoded, nothing applied.
        let observer = try HTTPClient(baseURL: f.baseURL)
        #expect(try Self.metric("spunta_push_bytes_held", observer) == Double(bodies[0].count))
        for (session, body) in zip(sessions, bodies).dropFirst() {
            let response = try session.client.send(method: "POST", path: "/v1/push", headers: session.headers, body: body)
            #expect(response.status == 503)
            #expect(response.headers["Retry-After"] == "1")
            #expect(try WireCoding.decode(WireError.self, from: response.body).code == WireErrorCode.serverBusy)
        }
        #expect(try Self.metric("spunta_pushes_busy_total", observer) == Double(sessions.count - 1))
        // Read, not written: the writer's transaction is open (held by the test's job).
        #expect(try DatabaseQueue(path: f.dbPath).read { try $0.scalar("SELECT COUNT(*) FROM op") ?? -1 } == 0 as Int)

        try await hold.letGo()
        try #require(await first.wait(until: deadline) { $0 != nil }, "the held push was never answered")
        #expect(first.read { $0 } == 200)

        // The refused doors send again, all at once, as a device does until it is answered (an answer of busy
        // applied nothing); then the first door replays its push, which changes nothing.
        let group = DispatchGroup()
        let failures = Counter()
        for (session, body) in zip(sessions, bodies).dropFirst() {
            group.enter()
            Thread {
                defer { group.leave() }
                while Date() < deadline {
                    guard let response = try? session.client.send(method: "POST", path: "/v1/push", headers: session.headers, body: body) else {
                        failures.increment()
                        return
                    }
                    if response.status == 200 { return }
                    guard response.status == 503 else {
                        failures.increment()
                        return
                    }
                }
                failures.increment()
            }.start()
        }
        group.wait()
        #expect(failures.value == 0)
        #expect(try sessions[0].client.send(method: "POST", path: "/v1/push", headers: sessions[0].headers, body: bodies[0]).status == 200)

        let (ops, distinct): (Int, Int) = try f.admin { db in
            (try db.scalar("SELECT COUNT(*) FROM op") ?? -1, try db.scalar("SELECT COUNT(DISTINCT id) FROM op") ?? -1)
        }
        #expect(ops == sessions.count * 40)
        #expect(distinct == ops)
        #expect(f.server.service.metrics.value("spunta_ops_total", ["result": "applied"]) == Double(sessions.count * 40))
        // Never more than one body held at once, by the server's own count; nothing held once all is answered.
        let largest = Double(bodies.map(\.count).max() ?? 0)
        #expect(try Self.metric("spunta_push_bytes_held_max", observer).map { $0 <= largest } == true)
        #expect(try Self.metric("spunta_push_bytes_held", observer) == 0)
    }

    @Test("pushes within the bound are all held together and never answered busy")
    func withinBound() async throws {
        let f = try ServerFixture()
        defer { f.stop() }
        let service = f.server.service
        let children = try ServerIntegrationTests.canteenChildren(f)
        let sessions = try (0..<4).map { n in try DeviceSession(f, try f.enrolledDevice(.canteen, ["site:S01"], name: "Porta \(n)")) }
        let deadline = Date().addingTimeInterval(600)
        let hold = try #require(await f.holdWriter(until: deadline), "the writer never ran the test's job")
        let statuses = Watched<[Int]>([])
        for session in sessions {
            Thread {
                let ops = (0..<20).map { i in session.meal(children[i % children.count]) }
                let response = try? session.push(ops)
                statuses.update { $0.append(response?.status ?? -1) }
            }.start()
        }
        // All four wait for the writer at once: the default bound holds them.
        await service.writer.untilQueued(sessions.count)
        try await hold.letGo()
        try #require(await statuses.wait(until: deadline) { $0.count == sessions.count })
        #expect(statuses.read { $0 } == Array(repeating: 200, count: sessions.count))
        #expect(service.metrics.value("spunta_pushes_busy_total") == 0)
    }
}
