import Foundation
import SpuntaTestSupport
import SpuntaExchange
import SpuntaHTTP
import SpuntaProtocol
import SpuntaServerStore
import SpuntaStore
@testable import SpuntaServer
@testable import SpuntaSync

/// A real sync server on a loopback port (port 0: the kernel picks), on a copy of a database holding the
/// sample Comune. Stopped and removed when released.
final class ServerFixture: Sendable {
    let dir: URL
    let dbPath: String
    let server: SyncServer
    let port: Int
    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// - Parameters:
    ///   - clock: the server's clock (a test drives it to play a day).
    ///   - alertInterval: the office alerts' checks; none unless a test asks (they would race its assertions).
    ///   - sleep: how those checks wait (a test wakes them itself).
    init(
        readTimeout: TimeInterval = 10, shutdownGrace: TimeInterval = 5, settings: SyncService.Settings = SyncService.Settings(),
        clock: @escaping @Sendable () -> Date = { Date() }, log: @escaping @Sendable (String) -> Void = { _ in },
        pause: @escaping @Sendable (TimeInterval) async -> Void = SyncService.sleep, alertInterval: Duration? = nil,
        sleep: @escaping AlertMonitor.Sleep = { try await Task.sleep(for: $0) }
    ) throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("spunta-server-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        dbPath = dir.appendingPathComponent("server.sqlite").path
        try SampleDatabase.copySample(to: dbPath)
        var configuration = HTTPServer.Configuration(host: "127.0.0.1", port: 0)
        configuration.readTimeout = readTimeout
        configuration.shutdownGrace = shutdownGrace
        server = try SyncServer(databasePath: dbPath, configuration: configuration, settings: settings, accessLog: nil, clock: clock,
                                log: log, pause: pause, alertInterval: alertInterval, sleep: sleep)
        port = try server.start()
    }

    func stop() {
        server.stop()
    }

    deinit {
        server.stop()
        try? FileManager.default.removeItem(at: dir)
    }

    /// A second connection for the test's own checks and admin actions (like the CLI on the same file).
    @discardableResult
    func admin<T>(_ body: (Database) throws -> T) throws -> T {
        try DatabaseQueue(path: dbPath).write(body)
    }

    func addDevice(_ role: DeviceRole, _ scope: [String], name: String) throws -> DeviceRegistry.Added {
        try admin { db in
            try DeviceRegistry.add(db, name: name, role: role, scope: scope.compactMap(ScopeItem.init), actor: "test", now: Date())
        }
    }

    /// Holds the one writer with a job of the test's own, so that pushes wait in its queue, taken but not applied;
    /// returns once the writer runs it (nil if it never did by `deadline`, a machine stuck beyond any load).
    func holdWriter(until deadline: Date) async -> WriterHold? {
        let held = Watched(false), release = DispatchSemaphore(value: 0)
        let task = Task {
            try await server.service.writer.submit { _ in
                held.update { $0 = true }
                release.wait()
                return ((), Set<String>())
            }
        }
        guard await held.wait(until: deadline, for: { $0 }) else {
            release.signal()
            return nil
        }
        return WriterHold(release: release, task: task)
    }

    /// Adds and enrolls a device over HTTP; returns its id and token.
    func enrolledDevice(_ role: DeviceRole, _ scope: [String], name: String = "dispositivo") throws -> (id: String, token: String) {
        let added = try addDevice(role, scope, name: name)
        let client = try HTTPClient(baseURL: baseURL)
        let body = try WireCoding.encode(EnrollRequest(code: added.code, deviceLabel: name, appVersion: "test"))
        let response = try client.send(method: "POST", path: "/v1/enroll", headers: ["Spunta-Protocol": "1"], body: body)
        let enrolled = try WireCoding.decode(EnrollResponse.self, from: response.body)
        return (enrolled.deviceId, enrolled.token)
    }
}

/// The writer held by a test (`ServerFixture.holdWriter`).
struct WriterHold: Sendable {
    let release: DispatchSemaphore
    let task: Task<Void, any Error>

    /// Lets the writer go on and waits until the test's job has ended.
    func letGo() async throws {
        release.signal()
        try await task.value
    }
}
