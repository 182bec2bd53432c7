import Foundation
import SpuntaHTTP

/// `spunta-server serve`: the sync service behind the HTTP server, stopped by SIGINT or SIGTERM after
/// finishing what is in flight (in-flight pushes are committed or not at all; none is half applied).
public final class SyncServer: Sendable {
    public let service: SyncService
    public let http: HTTPServer

    public init(databasePath: String, configuration: HTTPServer.Configuration, accessLog: (@Sendable (AccessLogEntry) -> Void)?) throws {
        service = try SyncService(path: databasePath)
        http = HTTPServer(configuration: configuration, handler: SyncRoutes.router(service), accessLog: accessLog)
    }

    /// Starts listening and returns the port.
    public func start() throws -> Int {
        try http.start()
    }

    /// Stops accepting, waits for requests in flight, then commits what the writer holds and closes.
    public func stop() {
        // Long polls are woken first so that they answer now instead of holding the shutdown.
        service.notifier.close()
        http.shutdown()
        service.shutdown()
    }

    /// Blocks until SIGINT or SIGTERM.
    public static func waitForTerminationSignal() -> Int32 {
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let semaphore = DispatchSemaphore(value: 0)
        let received = SignalBox()
        var sources: [any DispatchSourceSignal] = []
        for sig in [SIGINT, SIGTERM] {
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                received.set(sig)
                semaphore.signal()
            }
            source.resume()
            sources.append(source)
        }
        semaphore.wait()
        for source in sources { source.cancel() }
        return received.value
    }
}

/// The signal that arrived. `@unchecked Sendable`: `value` is read and written under `lock`.
private final class SignalBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Int32 = 0
    func set(_ value: Int32) { lock.withLock { stored = value } }
    var value: Int32 { lock.withLock { stored } }
}
