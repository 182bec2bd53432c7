import Foundation
import Synchronization
import SpuntaHTTP
import SpuntaProtocol

/// `spunta-server serve`: the sync service behind the HTTP server, stopped by SIGINT or SIGTERM after
/// finishing what is in flight (in-flight pushes are committed or not at all; none is half applied).
public final class SyncServer: Sendable {
    public let service: SyncService
    public let http: HTTPServer
    /// The office alerts' checks, every `alertInterval` (nil: none, e.g. when cron runs `alerts check`).
    public let alerts: AlertMonitor?

    /// - Parameters:
    ///   - clock: the server's clock (tests inject one).
    ///   - alertInterval: how often the office alerts are checked; nil to leave it to `spunta-server alerts check`.
    ///   - sleep: how the alert checks wait between rounds (tests drive time with it).
    public init(
        databasePath: String, configuration: HTTPServer.Configuration, settings: SyncService.Settings = SyncService.Settings(),
        accessLog: (@Sendable (AccessLogEntry) -> Void)?, clock: @escaping @Sendable () -> Date = WallClock.now,
        log: @escaping @Sendable (String) -> Void = SyncService.standardErrorLog,
        pause: @escaping @Sendable (TimeInterval) async -> Void = SyncService.sleep,
        alertInterval: Duration? = .seconds(60), sleep: @escaping AlertMonitor.Sleep = { try await Task.sleep(for: $0) }
    ) throws {
        let service = try SyncService(path: databasePath, settings: settings, clock: clock, log: log, pause: pause)
        self.service = service
        let router = SyncRoutes.router(service)
        let metrics = service.metrics
        // Every answer the HTTP server gives passes here, its own 400/408/413/431 included.
        http = HTTPServer(configuration: configuration, handler: router, accessLog: { entry in
            metrics.increment("spunta_http_requests_total", ["route": router.pattern(of: entry.path) ?? "other", "status": String(entry.status)])
            accessLog?(entry)
        })
        alerts = alertInterval.map {
            AlertMonitor(writer: service.writer, clock: clock, metrics: service.metrics, interval: $0, sleep: sleep, log: log)
        }
    }

    /// Starts listening (and the alert checks) and returns the port. A start that fails (the port is taken) ends the
    /// service's writer before throwing: its thread runs from the service's creation and must not outlive it.
    public func start() throws -> Int {
        let port: Int
        do {
            port = try http.start()
        } catch {
            service.shutdown()
            throw error
        }
        alerts?.start()
        return port
    }

    /// Stops accepting, waits for requests in flight, then commits what the writer holds and closes.
    public func stop() {
        alerts?.stop()
        // Long polls are woken first so that they answer now instead of holding the shutdown.
        service.notifier.close()
        http.shutdown()
        service.shutdown()
    }

    /// Waits, without holding a thread, until SIGINT or SIGTERM arrives; returns which.
    public static func terminationSignal() async -> Int32 {
        // DispatchSource fires only once the default action is disabled (PLATFORM-NOTES).
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let box = SignalBox()
        let signals = [SIGINT, SIGTERM]
        let sources = signals.map { DispatchSource.makeSignalSource(signal: $0, queue: .global()) }
        let received = await withCheckedContinuation { (continuation: CheckedContinuation<Int32, Never>) in
            for (sig, source) in zip(signals, sources) {
                source.setEventHandler {
                    if box.fire(sig) { continuation.resume(returning: sig) }
                }
                source.resume()
            }
        }
        // The sources fire only while they live.
        withExtendedLifetime(sources) {}
        return received
    }
}

/// Remembers the first signal.
private final class SignalBox: Sendable {
    private let fired = Mutex(false)

    /// True for the first signal only, so the continuation resumes once.
    func fire(_ signal: Int32) -> Bool {
        fired.withLock { fired in
            defer { fired = true }
            return !fired
        }
    }
}
