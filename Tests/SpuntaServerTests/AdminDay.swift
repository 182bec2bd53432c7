import Foundation
import SpuntaTestSupport
import SpuntaDomain
import SpuntaHTTP
import SpuntaProtocol
import SpuntaServerStore
import SpuntaStore
@testable import SpuntaServer
@testable import SpuntaSync
import Synchronization

/// The server's clock in a test: it moves only when the test moves it.
final class TestClock: Sendable {
    private let now: Mutex<Date>

    init(_ start: Date) { now = Mutex(start) }

    func read() -> Date { now.withLock { $0 } }

    func advance(seconds: TimeInterval) { now.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

/// The alert monitor's wait, driven by the test: each `tick()` ends one wait, and returns once the monitor has run
/// its checks and waits again.
final class MonitorTicks: Sendable {
    private struct Parked {
        var sleeping: CheckedContinuation<Void, any Error>?
        var idleWaiter: CheckedContinuation<Void, Never>?
    }

    private let parked = Mutex(Parked())

    /// The monitor's sleep: parks until the test ticks (or the monitor is cancelled).
    func sleep(_: Duration) async throws {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let waiter = parked.withLock { parked -> CheckedContinuation<Void, Never>? in
                    parked.sleeping = continuation
                    defer { parked.idleWaiter = nil }
                    return parked.idleWaiter
                }
                waiter?.resume()
            }
        } onCancel: {
            parked.withLock { parked -> CheckedContinuation<Void, any Error>? in
                defer { parked.sleeping = nil }
                return parked.sleeping
            }?.resume(throwing: CancellationError())
        }
    }

    /// Waits until the monitor is parked in its sleep.
    func untilIdle() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let asleep = parked.withLock { parked -> Bool in
                if parked.sleeping != nil { return true }
                parked.idleWaiter = continuation
                return false
            }
            if asleep { continuation.resume() }
        }
    }

    /// One round: the monitor wakes, checks at the test clock's time, and parks again.
    func tick() async {
        await untilIdle()
        parked.withLock { parked -> CheckedContinuation<Void, any Error>? in
            defer { parked.sleeping = nil }
            return parked.sleeping
        }?.resume()
        await untilIdle()
    }
}

/// A device speaking the protocol over HTTP at the test clock's time, as `spunta` would.
final class ClockedDevice {
    let id: String
    let token: String
    let client: HTTPClient
    let clock: TestClock
    private var seq: Int64 = 0
    private var cursor: String?
    private let instance = UUID().uuidString

    init(_ fixture: ServerFixture, _ role: DeviceRole, _ scope: [String], name: String, clock: TestClock) throws {
        (id, token) = try fixture.enrolledDevice(role, scope, name: name)
        client = try HTTPClient(baseURL: fixture.baseURL)
        self.clock = clock
    }

    var headers: HTTPHeaders {
        ["Spunta-Protocol": "1", "Authorization": "Bearer \(token)",
         ProtocolVersion.deviceTimeHeader: String(Int64(clock.read().timeIntervalSince1970 * 1000))]
    }

    func ride(_ child: String, route: String, stop: String, alighting: Bool) -> Op {
        seq += 1
        let ms = Int64(clock.read().timeIntervalSince1970 * 1000)
        let ride = Ride(beneficiaryId: child, routeId: route, stopId: stop, direction: .outbound, cardId: nil)
        return Op(id: "\(id)-\(seq)", deviceId: id, instance: instance, seq: seq, hlc: HLCTimestamp(milliseconds: ms, counter: 0),
                  wallTimeMs: ms, businessDate: BusinessCalendar.date(of: clock.read()), body: alighting ? .alighting(ride) : .boarding(ride))
    }

    @discardableResult
    func push(_ ops: [Op], backlog: DeviceBacklog? = nil) throws -> HTTPClientResponse {
        var headers = self.headers
        if let backlog { headers.add(DeviceBacklog.header, backlog.headerValue) }
        return try client.send(method: "POST", path: "/v1/push", headers: headers, body: try WireCoding.encode(PushRequest(ops: ops)))
    }

    /// Pulls to the end of the log, reporting an empty queue as `spunta` does after pushing everything.
    func pull() throws {
        var headers = self.headers
        headers.add(DeviceBacklog.header, DeviceBacklog(pendingOps: 0, oldestPendingAgeSeconds: nil, lastError: nil, lastErrorCode: nil,
                                                        lastErrorAgeSeconds: nil).headerValue)
        while true {
            let path = "/v1/pull?limit=5000" + (cursor.map { "&cursor=\($0)" } ?? "")
            let page = try WireCoding.decode(PullResponse.self, from: try client.send(method: "GET", path: path, headers: headers).body)
            cursor = page.cursor
            if !page.hasMore { return }
        }
    }
}

/// The scripted day of the admin: on Monday 5 October 2026 the northern bus syncs at 07:00 and 07:05, then goes
/// off the network; the southern bus boards three children at 07:20, lets two off at school at 07:50, and keeps
/// syncing every five minutes until 09:10 — the third child is still aboard when its run is over. The alert
/// checks run every minute of the test clock.
struct AdminDay {
    let fixture: ServerFixture
    let clock: TestClock
    let ticks: MonitorTicks
    let nord: ClockedDevice
    let sud: ClockedDevice
    let forgotten: String
    /// When each alert became due: the silence passed 30 minutes, the run ended 30 minutes before.
    let silentDue: Date
    let aboardDue: Date
    /// The alerts as they were raised, with the test clock's time at that moment.
    let raised: [(alert: OfficeAlerts.Alert, at: Date)]

    static func day(_ hour: Int, _ minute: Int) -> Date {
        BusinessCalendar.instant(date: LocalDate(year: 2026, month: 10, day: 5)!, time: LocalTime(hour: hour, minute: minute)!)
    }

    static func play() async throws -> AdminDay {
        let clock = TestClock(day(6, 45))
        let ticks = MonitorTicks()
        let fixture = try ServerFixture(clock: { clock.read() }, alertInterval: .seconds(60), sleep: { try await ticks.sleep($0) })
        for recipient in [["--email", "ufficio.scuola@comune.example.it"], ["--sms", "333 765 4321"]] {
            let added = try ChildProcess("spunta-server", ["alerts", "add-recipient", "--db", fixture.dbPath, "--actor", "mrossi"] + recipient)
            guard added.wait() == 0 else { throw DayError.command(added.errors) }
        }
        let nord = try ClockedDevice(fixture, .bus, ["route:L1"], name: "Scuolabus Nord", clock: clock)
        let sud = try ClockedDevice(fixture, .bus, ["route:L2"], name: "Scuolabus Sud", clock: clock)
        let riders = try fixture.admin { db in
            try db.fetchAll("""
                SELECT beneficiary_id, outbound_stop_id FROM enrollment WHERE route_id = 'L2' AND outbound_stop_id IS NOT NULL
                ORDER BY beneficiary_id LIMIT 3
                """).map { (child: try $0[0] as String, stop: try $0[1] as String) }
        }
        guard riders.count == 3 else { throw DayError.command("the sample has fewer than three riders on L2") }
        let end: String = try fixture.admin { db in try db.scalar("SELECT MAX(outbound_time) FROM stop WHERE route_id = 'L2'") } ?? ""
        guard let runEnd = LocalTime(end) else { throw DayError.command("no stop times on L2") }
        var raised: [(OfficeAlerts.Alert, Date)] = []
        var seen: Set<Int64> = []
        while clock.read() < day(9, 10) {
            clock.advance(seconds: 60)
            let now = clock.read()
            let minutes = BusinessCalendar.time(of: now).minutes
            if now == day(7, 0) || now == day(7, 5) { try nord.pull() }
            if minutes % 5 == 0 { try sud.pull() }
            if now == day(7, 20) {
                try sud.push(riders.map { sud.ride($0.child, route: "L2", stop: $0.stop, alighting: false) })
            }
            if now == day(7, 50) {
                try sud.push(riders.prefix(2).map { sud.ride($0.child, route: "L2", stop: Ride.school, alighting: true) })
            }
            await ticks.tick()
            for alert in try fixture.admin({ try OfficeAlerts.list($0) }) where seen.insert(alert.id).inserted {
                raised.append((alert, now))
            }
        }
        return AdminDay(
            fixture: fixture, clock: clock, ticks: ticks, nord: nord, sud: sud, forgotten: riders[2].child,
            silentDue: day(7, 5).addingTimeInterval(30 * 60),
            aboardDue: BusinessCalendar.instant(date: LocalDate(year: 2026, month: 10, day: 5)!, time: runEnd).addingTimeInterval(30 * 60),
            raised: raised
        )
    }

    /// Runs `spunta-server` on the day's database; returns status and output.
    func admin(_ arguments: [String]) throws -> (status: Int32, output: String, errors: String) {
        let process = try ChildProcess("spunta-server", arguments + ["--db", fixture.dbPath])
        let status = process.wait()
        return (status, process.output.joined(separator: "\n"), process.errors)
    }

    func childName() throws -> String {
        try fixture.admin { db in try db.scalar("SELECT surname || ' ' || given_name FROM beneficiary WHERE id = ?", [forgotten]) } ?? forgotten
    }
}

enum DayError: Error, CustomStringConvertible {
    case command(String)
    var description: String {
        switch self {
        case .command(let text): return text
        }
    }
}
