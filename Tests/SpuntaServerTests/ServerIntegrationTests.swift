import Foundation
import SpuntaTestSupport
import Testing
import SpuntaDomain
import SpuntaHTTP
import SpuntaProtocol
import SpuntaServerStore
import SpuntaStore
@testable import SpuntaServer
@testable import SpuntaSync
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Builds ops for one device over HTTP.
///
/// `@unchecked Sendable`: it owns an `HTTPClient`, whose socket each test uses from one thread at a time; its
/// own count of ops is under a lock.
final class DeviceSession: @unchecked Sendable {
    let id: String
    let token: String
    let client: HTTPClient
    private let lastSeq = Mutex<Int64>(0)
    let instance = UUID().uuidString

    init(_ fixture: ServerFixture, _ device: (id: String, token: String)) throws {
        id = device.id
        token = device.token
        client = try HTTPClient(baseURL: fixture.baseURL)
    }

    var headers: HTTPHeaders { ["Spunta-Protocol": "1", "Authorization": "Bearer \(token)"] }

    func meal(_ beneficiary: String, service: String = "MENSA-RODARI", site: String = "S01", ms: Int64 = 1_791_187_800_000) -> Op {
        let seq = lastSeq.withLock { seq in
            seq += 1
            return seq
        }
        return Op(
            id: "\(id)-\(seq)-\(instance.prefix(8))", deviceId: id, instance: instance, seq: seq,
            hlc: HLCTimestamp(milliseconds: ms + seq, counter: 0), wallTimeMs: ms + seq,
            businessDate: LocalDate(year: 2026, month: 10, day: 5)!,
            body: .mealScanned(Meal(beneficiaryId: beneficiary, serviceId: service, siteId: site, cardId: nil, reason: nil))
        )
    }

    func push(_ ops: [Op]) throws -> HTTPClientResponse {
        try client.send(method: "POST", path: "/v1/push", headers: headers, body: try WireCoding.encode(PushRequest(ops: ops)))
    }

    func pull(cursor: String?, wait: Int = 0, limit: Int = 5000) throws -> PullResponse {
        var path = "/v1/pull?limit=\(limit)&wait=\(wait)"
        if let cursor { path += "&cursor=\(cursor)" }
        let response = try client.send(method: "GET", path: path, headers: headers, timeout: Double(wait) + 10)
        return try WireCoding.decode(PullResponse.self, from: response.body)
    }

    /// Pulls until the end of the current log; returns the cursor.
    func catchUp(from cursor: String? = nil) throws -> String {
        var cursor = cursor
        while true {
            let page = try pull(cursor: cursor)
            cursor = page.cursor
            if !page.hasMore { return page.cursor }
        }
    }
}

@Suite("Sync server over HTTP")
struct ServerIntegrationTests {
    static let children = ["B0002", "B0004", "B0005", "B0006", "B0007", "B0008", "B0009", "B0010"]

    static func canteenChildren(_ fixture: ServerFixture) throws -> [String] {
        try fixture.admin { db in
            try db.fetchAll("SELECT beneficiary_id FROM enrollment WHERE service_id = 'MENSA-RODARI' ORDER BY beneficiary_id").map { try $0[0] as String }
        }
    }

    @Test("a device on another canteen door learns of a scan by long poll as soon as it is pushed, not at the poll's end")
    func longPollPropagation() async throws {
        do {
            let f = try ServerFixture()
            defer { f.stop() }
            let door1 = try DeviceSession(f, try f.enrolledDevice(.canteen, ["site:S01"]))
            let door2 = try DeviceSession(f, try f.enrolledDevice(.canteen, ["site:S01"]))
            let cursor = try door2.catchUp()
            let child = try #require(try Self.canteenChildren(f).first)
            let op = door1.meal(child)
            // The scan is pushed once the long poll is parked on the server, by a thread of its own (nothing waits for
            // a busy machine to schedule the test again): only a wake-up can then bring the scan before the poll's end.
            let pushed = Watched<Int?>(nil)
            f.server.service.notifier.whenWaiting(1) {
                Thread {
                    let status = (try? door1.push([op]))?.status ?? 0
                    pushed.update { $0 = status }
                }.start()
            }
            let pulled = Watched<[String]?>(nil)
            Thread {
                let ids = (try? door2.pull(cursor: cursor, wait: 60))?.ops.map(\.id) ?? []
                pulled.update { $0 = ids }
            }.start()
            try #require(await pulled.wait(until: Date().addingTimeInterval(600)) { $0 != nil }, "the long poll never answered")
            try #require(await pushed.wait(until: Date().addingTimeInterval(600)) { $0 != nil }, "the push never answered")
            #expect(pushed.read { $0 } == 200)
            // A poll that is not woken answers its empty page when its time is up (30 s at most on the server).
            #expect(pulled.read { $0 } == [op.id])
        }
    }

    @Test("a bus device cannot obtain diets, another route's enrollments or children outside its line's list and schools by any request")
    func scopeIsolation() async throws {
        do {
            let f = try ServerFixture()
            defer { f.stop() }
            let bus = try DeviceSession(f, try f.enrolledDevice(.bus, ["route:L1"]))
            // The children neither on L1's list nor in a class of the schools L1 serves (infants, nursery), and the
            // enrollments of L2: none of them may reach the bus of L1.
            let outside = Set(try f.admin { db in
                try db.fetchAll("""
                    SELECT b.id FROM beneficiary b LEFT JOIN school_class c ON c.id = b.class_id
                    WHERE b.id NOT IN (SELECT beneficiary_id FROM enrollment WHERE route_id = 'L1')
                        AND coalesce(c.site_id, '') NOT IN (SELECT k.site_id FROM enrollment e JOIN beneficiary x ON x.id = e.beneficiary_id
                            JOIN school_class k ON k.id = x.class_id WHERE e.route_id = 'L1')
                    UNION ALL SELECT id FROM enrollment WHERE route_id = 'L2'
                    """).map { try $0[0] as String }
            })
            try #require(outside.count > 50, "the sample has children outside L1's schools and enrollments on L2")
            let head: Int64 = try f.admin { try ChangeLog.head($0) }
            // Normal pull, tiny pages, and forged cursors that point into the phases of other roles.
            var bodies: [Data] = []
            for cursor in [nil, "c:0", "s:\(head):1:5:", "s:\(head):1:4:", "s:\(head):1:6:", "s:\(head):1:7:"] {
                var path = "/v1/pull?limit=5000"
                if let cursor { path += "&cursor=\(cursor)" }
                bodies.append(try bus.client.send(method: "GET", path: path, headers: bus.headers).body)
            }
            for limit in [1, 3] {
                var cursor: String?
                for _ in 0..<3000 {
                    let page = try bus.pull(cursor: cursor, limit: limit)
                    bodies.append(try WireCoding.encode(page))
                    cursor = page.cursor
                    if !page.hasMore { break }
                }
            }
            for body in bodies {
                let text = String(decoding: body, as: UTF8.self)
                #expect(!text.contains("\"diets\""), "a bus device received diets")
                #expect(!text.contains("allergens"))
                // Tombstones may name anything the change log touched; what must not arrive is a record's data.
                let changes = ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any])?["changes"] as? [[String: Any]] ?? []
                for change in changes where change["action"] as? String == "upsert" {
                    let data = change["data"] as? [String: Any] ?? [:]
                    for id in [change["id"] as? String, data["beneficiary_id"] as? String].compactMap({ $0 }) where outside.contains(id) {
                        Issue.record("a bus device of L1 received \(id)")
                    }
                }
            }
            // The admin endpoint refuses a device token.
            let admin = try bus.client.send(method: "GET", path: "/v1/admin/status", headers: bus.headers)
            #expect(admin.status == 403)
        }
    }

    @Test("concurrent pushes from many devices are committed together and each op exactly once")
    func groupCommit() async throws {
        do {
            let f = try ServerFixture()
            defer { f.stop() }
            let children = try Self.canteenChildren(f)
            let sessions = try (0..<12).map { _ in try DeviceSession(f, try f.enrolledDevice(.canteen, ["site:S01"])) }
            let group = DispatchGroup()
            let failures = Counter()
            for session in sessions {
                group.enter()
                Thread {
                    defer { group.leave() }
                    for batch in 0..<5 {
                        let ops = (0..<20).map { i in session.meal(children[(batch * 20 + i) % children.count]) }
                        guard let response = try? session.push(ops), response.status == 200 else {
                            failures.increment()
                            continue
                        }
                        // Replay: nothing doubles.
                        _ = try? session.push(ops)
                    }
                }.start()
            }
            group.wait()
            #expect(failures.value == 0)
            let (ops, meals): (Int, Int) = try f.admin { db in
                (try db.scalar("SELECT COUNT(*) FROM op") ?? 0, try db.scalar("SELECT COUNT(*) FROM meal") ?? 0)
            }
            #expect(ops == 12 * 5 * 20)
            #expect(meals == min(children.count, 100))
            let commits = f.server.service.metrics.value("spunta_group_commits_total")
            let jobs = f.server.service.metrics.value("spunta_group_commit_jobs_total")
            #expect(commits < jobs, "\(commits) commits for \(jobs) jobs: pushes were not grouped")
        }
    }

    @Test("shutdown during a push: the push that reached the server is fully applied and answered; one after it, not at all")
    func shutdownDuringPush() async throws {
        // The stop waits for the push in flight however long a busy machine takes to let the test release it.
        let f = try ServerFixture(shutdownGrace: 600)
        let service = f.server.service
        let children = try Self.canteenChildren(f)
        let session = try DeviceSession(f, try f.enrolledDevice(.canteen, ["site:S01"]))
        let ops = (0..<1000).map { i in session.meal(children[i % children.count], ms: 1_791_187_800_000 + Int64(i) * 1000) }
        // Bounds for a machine busy with other tests, not measures.
        let deadline = Date().addingTimeInterval(600)

        // The writer is held by a job of the test's own, so that the push waits in its queue, taken but not applied.
        let hold = try #require(await f.holdWriter(until: deadline), "the writer never ran the test's job")
        let answer = Watched<(status: Int, applied: Int)??>(nil)
        Thread {
            let response = try? session.client.send(method: "POST", path: "/v1/push", headers: session.headers,
                                                    body: try WireCoding.encode(PushRequest(ops: ops)), timeout: 600)
            let applied = response.flatMap { try? WireCoding.decode(PushResponse.self, from: $0.body) }?
                .results.filter { $0.status == .applied }.count ?? 0
            answer.update { $0 = .some(response.map { ($0.status, applied) }) }
        }.start()
        await service.writer.untilQueued(1)

        // The stop begins while the push waits: the first thing it does is close the change notifier.
        let stopped = Watched(false)
        Thread {
            f.stop()
            stopped.update { $0 = true }
        }.start()
        _ = await service.notifier.wait(for: ["-"], after: .max, timeout: .seconds(600))
        try await hold.letGo()
        try #require(await answer.wait(until: deadline) { $0 != nil }, "the push was never answered")
        try #require(await stopped.wait(until: deadline) { $0 }, "the server never stopped")

        let pushed = answer.read { $0 ?? nil }
        #expect(pushed?.status == 200, "the push in flight was not answered: \(String(describing: pushed))")
        #expect(pushed?.applied == 1000)
        let count: Int = try f.admin { try $0.scalar("SELECT COUNT(*) FROM op") ?? -1 }
        #expect(count == 1000, "\(count) ops of 1000 applied")

        // After the stop nothing more gets in: a push then changes nothing.
        let late = (0..<10).map { i in session.meal(children[i % children.count], ms: 1_791_197_800_000 + Int64(i) * 1000) }
        #expect(throws: (any Error).self) { try session.push(late) }
        let after: Int = try f.admin { try $0.scalar("SELECT COUNT(*) FROM op") ?? -1 }
        #expect(after == 1000)
    }

    @Test("a slow client does not stall the others; an oversize body gets 413")
    func slowAndOversize() async throws {
        do {
            // The slow client's request times out after 10 s; the others are answered well before, whatever the load.
            let f = try ServerFixture(readTimeout: 10)
            defer { f.stop() }
            let session = try DeviceSession(f, try f.enrolledDevice(.canteen, ["site:S01"]))
            let slow = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(slow) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(f.port).bigEndian)
            inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
            _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(slow, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
            let partial = "POST /v1/push HTTP/1.1\r\nHost: x\r\nSpunta-Protocol: 1\r\nContent-Length: 100000\r\n\r\n{\"ops\": ["
            _ = Array(partial.utf8).withUnsafeBytes { send(slow, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            let started = Date()
            let children = try Self.canteenChildren(f)
            #expect(try session.push([session.meal(children[0])]).status == 200)
            #expect(Date().timeIntervalSince(started) < 8)
            let huge = Data(repeating: UInt8(ascii: " "), count: 9 * 1024 * 1024)
            let client = try HTTPClient(baseURL: f.baseURL)
            let response = try? client.send(method: "POST", path: "/v1/push", headers: session.headers, body: huge)
            // The server answers 413 as soon as it reads the length; a client still sending may see the close instead.
            #expect(response == nil || response?.status == 413)
            #expect(try session.push([session.meal(children[1])]).status == 200)
        }
    }

    @Test("health, metrics and the admin status page")
    func monitoring() async throws {
        do {
            let f = try ServerFixture()
            defer { f.stop() }
            let device = try DeviceSession(f, try f.enrolledDevice(.teacher, ["class:S01-1A"], name: "Insegnante 1A"))
            _ = try device.catchUp()
            let client = try HTTPClient(baseURL: f.baseURL)
            let health = try client.send(method: "GET", path: "/healthz")
            #expect(health.status == 200)
            #expect(String(decoding: health.body, as: UTF8.self).contains("\"status\":\"ok\""))
            let metrics = String(decoding: try client.send(method: "GET", path: "/metrics").body, as: UTF8.self)
            #expect(metrics.contains("# TYPE spunta_pull_seconds histogram"))
            #expect(metrics.contains("spunta_group_commits_total"))
            #expect(metrics.contains("# TYPE spunta_device_seconds_since_seen gauge"))
            #expect(metrics.contains("spunta_device_seconds_since_seen{device=\"\(device.id)\",name=\"Insegnante 1A\",role=\"teacher\"} "))
            #expect(!metrics.contains("spunta_device_clock_offset_seconds{device=\"\(device.id)\""), "never measured: no sample")
            #expect(metrics.contains("\nspunta_conflicts_open 0\n"))
            #expect(metrics.contains("\nspunta_devices_unhealthy 0\n"))
            #expect(metrics.contains("spunta_devices{state=\"ok\"} 1"))
            #expect(try client.send(method: "GET", path: "/v1/admin/status").status == 401)
            let token = try f.admin { db in try AdminToken.create(db, actor: "test", now: Date()) }
            let status = try client.send(method: "GET", path: "/v1/admin/status", headers: ["Authorization": "Bearer \(token)"])
            #expect(status.status == 200)
            let text = String(decoding: status.body, as: UTF8.self)
            #expect(text.contains("Insegnante 1A"))
            #expect(text.contains("\"cursor_lag\":0"))
        }
    }
    @Test("/metrics counts the HTTP requests answered, by route and status")
    func requestCounts() async throws {
        let f = try ServerFixture()
        defer { f.stop() }
        let client = try HTTPClient(baseURL: f.baseURL)
        for _ in 0..<3 { #expect(try client.send(method: "GET", path: "/healthz").status == 200) }
        #expect(try client.send(method: "GET", path: "/v1/pull", headers: ["Spunta-Protocol": "1"]).status == 401)
        #expect(try client.send(method: "GET", path: "/v1/pull?cursor=x", headers: ["Spunta-Protocol": "1"]).status == 401)
        #expect(try client.send(method: "GET", path: "/nothing/B0001").status == 404)
        #expect(try client.send(method: "DELETE", path: "/healthz").status == 405)
        _ = try client.send(method: "GET", path: "/metrics")
        let text = String(decoding: try client.send(method: "GET", path: "/metrics").body, as: UTF8.self)
        let lines = Set(text.split(separator: "\n").map(String.init))
        #expect(lines.contains("# TYPE spunta_http_requests_total counter"))
        for expected in [
            #"spunta_http_requests_total{route="/healthz",status="200"} 3"#,
            #"spunta_http_requests_total{route="/v1/pull",status="401"} 2"#,
            #"spunta_http_requests_total{route="other",status="404"} 1"#,
            #"spunta_http_requests_total{route="/healthz",status="405"} 1"#,
            #"spunta_http_requests_total{route="/metrics",status="200"} 1"#,
        ] {
            #expect(lines.contains(expected), "\(expected) in \(text)")
        }
        // An unknown path is never a label of its own: the series stay bounded whatever clients ask.
        #expect(!text.contains("/nothing"))
    }
}

/// A counter shared by threads.
final class Counter: Sendable {
    private let count = Mutex(0)
    func increment() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}
