import Foundation
import SpuntaDomain
import SpuntaSync
import Synchronization

/// Runs the office alerts' checks (`OfficeAlerts.check`) while the server runs: waits `interval` on a timer,
/// checks in the writer's transaction, waits again — no polling loop spins in between. Stopped with the server.
/// The wait is a parameter so that a test can drive time itself.
public final class AlertMonitor: Sendable {
    public typealias Sleep = @Sendable (Duration) async throws -> Void

    private let writer: GroupCommitWriter
    private let clock: @Sendable () -> Date
    private let metrics: Metrics
    public let interval: Duration
    private let sleep: Sleep
    private let log: @Sendable (String) -> Void
    private let task = Mutex<Task<Void, Never>?>(nil)

    /// `log`: one line per alert raised, for the journal (an admin reading `journalctl -u spunta` sees them too).
    public init(writer: GroupCommitWriter, clock: @escaping @Sendable () -> Date, metrics: Metrics, interval: Duration,
                sleep: @escaping Sleep = { try await Task.sleep(for: $0) }, log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.log = log
        self.writer = writer
        self.clock = clock
        self.metrics = metrics
        self.interval = interval
        self.sleep = sleep
    }

    public func start() {
        task.withLock { current in
            guard current == nil else { return }
            current = Task { [self] in
                while !Task.isCancelled {
                    do {
                        try await sleep(interval)
                    } catch {
                        return
                    }
                    await runChecks()
                }
            }
        }
    }

    public func stop() {
        task.withLock { current in
            current?.cancel()
            current = nil
        }
    }

    /// One round of checks; returns the alerts raised. A failure is logged and counted, and the next round runs.
    /// The caterers' counts are due on the same clock (`CatererCounts`): each round sends what has fallen due.
    @discardableResult
    public func runChecks() async -> [OfficeAlerts.Alert] {
        let now = clock()
        await runCatererCounts(now: now)
        do {
            let raised = try await writer.submit { db in (try OfficeAlerts.check(db, now: now), Set<String>()) }
            Self.report(raised, metrics: metrics, log: log)
            return raised
        } catch is GroupCommitWriter.ShuttingDown {
            return []
        } catch {
            metrics.increment("spunta_office_alert_check_failures_total")
            FileHandle.standardError.write(Data("controllo degli avvisi non riuscito: \(error)\n".utf8))
            return []
        }
    }

    /// Alerts raised and committed, by the checks or by a push: counted, and one line each in the journal.
    static func report(_ alerts: [OfficeAlerts.Alert], metrics: Metrics, log: @Sendable (String) -> Void) {
        for alert in alerts {
            metrics.increment("spunta_office_alerts_total", ["kind": alert.kind])
            log(alert.journalLine)
        }
    }

    /// Composes and queues the caterers' counts, variations and served reports due at `now`; returns what was kept.
    @discardableResult
    public func runCatererCounts(now: Date) async -> [CatererCounts.Message] {
        do {
            let kept = try await writer.submit { db in (try CatererCounts.run(db, now: now), Set<String>()) }
            for message in kept { metrics.increment("spunta_caterer_messages_total", ["kind": message.kind.rawValue]) }
            return kept
        } catch is GroupCommitWriter.ShuttingDown {
            return []
        } catch {
            metrics.increment("spunta_caterer_count_failures_total")
            FileHandle.standardError.write(Data("conteggio dei pasti per le ditte non riuscito: \(error)\n".utf8))
            return []
        }
    }
}
