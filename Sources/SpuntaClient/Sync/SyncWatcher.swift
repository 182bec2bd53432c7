import CSystem
import Foundation
import SpuntaStore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// `spunta sync --watch`: keeps the device in sync while the network comes and goes.
///
/// Two loops, each with its own connection to the device database and to the server: one long-polls the
/// server (`wait=25`), so news from other devices arrives within moments; the other sleeps on inotify until
/// the scanning program signals new ops (`OutboxSignal`, written after each commit) and pushes at once. Nothing
/// polls: neither loop wakes without a reason. Offline, both back off with jitter up to a minute.
public final class SyncWatcher: Sendable {
    private let home: DeviceHome
    private let stopped = Mutex(false)
    /// Signalled by `stop()`, once for each loop, so that a loop waiting out its backoff ends at once.
    private let wakeUp = DispatchSemaphore(value: 0)
    private let onEvent: @Sendable (Event) -> Void

    public enum Event: Sendable {
        case synced(SyncEngine.Report)
        case failed(ClientError, retryIn: TimeInterval)
    }

    public init(home: DeviceHome, onEvent: @escaping @Sendable (Event) -> Void) {
        self.home = home
        self.onEvent = onEvent
    }

    public func stop() {
        let first = stopped.withLock { stopped in
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        for _ in 0..<2 { wakeUp.signal() }
    }

    private var isStopped: Bool { stopped.withLock { $0 } }

    /// Runs both loops until `stop()`; returns when they have ended, or at once with a fatal error (revoked…).
    public func run() throws {
        let pusher = Thread { [self] in self.pushLoop() }
        pusher.start()
        defer { stop() }
        try pullLoop()
    }

    static func isFatal(_ error: ClientError) -> Bool {
        switch error {
        case .revoked, .blocked, .unknownToServer, .incompatibleServer, .notEnrolled: return true
        default: return false
        }
    }

    /// Exponential backoff with jitter: 1, 2, 4 … 60 s, each ±20%, so that many devices coming back at once
    /// do not all knock together.
    static func backoff(_ failures: Int) -> TimeInterval {
        let base = min(60.0, pow(2.0, Double(max(0, failures - 1))))
        return base * Double.random(in: 0.8...1.2)
    }

    private func pullLoop() throws {
        let engine = SyncEngine(queue: try home.openExisting())
        var failures = 0
        while !isStopped {
            do {
                // After a failure, a plain sync first; once in step, long polls.
                let report = try engine.sync(wait: failures == 0 ? 25 : 0)
                failures = 0
                if report.pushed + report.changes + report.peerOps > 0 || report.epochChanged {
                    onEvent(.synced(report))
                }
            } catch let error as ClientError {
                if Self.isFatal(error) {
                    onEvent(.failed(error, retryIn: 0))
                    throw error
                }
                failures += 1
                let delay = Self.backoff(failures)
                onEvent(.failed(error, retryIn: delay))
                sleep(seconds: delay)
            }
        }
    }

    private func pushLoop() {
        guard let queue = try? home.openExisting() else { return }
        let engine = SyncEngine(queue: queue)
        let watch = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        defer { if watch >= 0 { close(watch) } }
        if watch >= 0 {
            _ = inotify_add_watch(watch, home.path, UInt32(IN_MODIFY | IN_CLOSE_WRITE | IN_CREATE | IN_MOVED_TO))
        }
        var failures = 0
        while !isStopped {
            let pending: Int = (try? queue.read { try $0.scalar("SELECT COUNT(*) FROM outbox WHERE state = 'pending'") }) ?? 0
            if pending > 0 {
                do {
                    var report = SyncEngine.Report()
                    try engine.pushAll(&report)
                    failures = 0
                    onEvent(.synced(report))
                    continue
                } catch let error as ClientError {
                    if Self.isFatal(error) { return }
                    failures += 1
                } catch {
                    failures += 1
                }
            }
            // Sleep until the database changes (or, after failures, until the backoff is over).
            let timeout = failures > 0 ? Self.backoff(failures) : 30
            waitForChange(watch, timeout: timeout)
        }
    }

    private func waitForChange(_ fd: Int32, timeout: TimeInterval) {
        guard fd >= 0 else {
            sleep(seconds: min(timeout, 1))
            return
        }
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        if poll(&pfd, 1, Int32(timeout * 1000)) > 0 {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while read(fd, &buffer, buffer.count) > 0 {}
        }
    }

    /// Waits `seconds`, or less when `stop()` comes first.
    private func sleep(seconds: TimeInterval) {
        guard !isStopped else { return }
        _ = wakeUp.wait(timeout: .now() + seconds)
    }
}
