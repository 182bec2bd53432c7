import Foundation
import SpuntaStore
import Synchronization

/// Copies the server's WAL back into the database file on a thread and a connection of its own, after each group
/// commit (checkpoint).
///
/// Left to SQLite, the writer's own connection checkpoints inside the commit that leaves the WAL longer than 1,000
/// pages: a push of a few hundred meals dirties about one page per meal in the indexes it touches (at random places),
/// so nearly every group commit did it, reading each page back from the WAL and writing it into the database file on
/// the one thread that sets the pace of every push. Here that copy runs beside the writer, on the other core. It moves
/// only pages that are already durable in the WAL: a commit is on disk before its answer either way. The writer keeps
/// a far bound of its own (`ServerDatabase.writerConfiguration`) for a checkpointer that falls behind or fails.
///
/// The thread holds the connection and the state (`Worker`), never the checkpointer itself: a checkpointer released
/// without `shutdown()` — its owner's initializer threw after creating it — ends its thread as it goes.
public final class WALCheckpointer: Sendable {
    let worker: Worker

    /// Opens a connection of its own to `path` and starts its thread (only once the connection is open).
    public init(path: String, log: @escaping @Sendable (String) -> Void) throws {
        let worker = Worker(queue: try DatabaseQueue(path: path), log: log)
        self.worker = worker
        let thread = Thread { worker.loop() }
        thread.name = "spunta-checkpoint"
        thread.start()
    }

    deinit {
        worker.stop()
    }

    /// Asks for a checkpoint soon; requests made while one runs are served by one more after it.
    public func request() {
        worker.request()
    }

    /// How many checkpoints failed since the start (each is retried at the next commit).
    public var failures: Int { worker.failures }

    /// Runs the checkpoint asked for, if any, and ends the thread.
    public func shutdown() {
        worker.stop()
        worker.waitUntilEnded()
    }

    /// The checkpointer's thread's side: its connection, what was asked of it, and the signals it sleeps on.
    final class Worker: Sendable {
        private struct State {
            var requested = false
            var stopping = false
            var failures = 0
        }

        private let queue: DatabaseQueue
        private let state = Mutex(State())
        /// Signalled by `request()` and `stop()`: the thread sleeps on it.
        private let wake = DispatchSemaphore(value: 0)
        /// Signalled when the thread has ended.
        private let finished = DispatchSemaphore(value: 0)
        private let log: @Sendable (String) -> Void

        init(queue: DatabaseQueue, log: @escaping @Sendable (String) -> Void) {
            self.queue = queue
            self.log = log
        }

        func request() {
            let first = state.withLock { state -> Bool in
                defer { state.requested = true }
                return !state.requested && !state.stopping
            }
            if first { wake.signal() }
        }

        var failures: Int { state.withLock(\.failures) }

        /// Tells the thread to run the checkpoint asked for, if any, and end; returns at once.
        func stop() {
            let first = state.withLock { state in
                defer { state.stopping = true }
                return !state.stopping
            }
            if first { wake.signal() }
        }

        /// Returns once the thread has ended (after `stop()`), or at `deadline` with `.timedOut`.
        @discardableResult
        func waitUntilEnded(deadline: DispatchTime = .distantFuture) -> DispatchTimeoutResult {
            let result = finished.wait(timeout: deadline)
            // Let any later caller through too.
            if result == .success { finished.signal() }
            return result
        }

        func loop() {
            while true {
                wake.wait()
                let (due, ended) = state.withLock { state -> (Bool, Bool) in
                    defer { state.requested = false }
                    return (state.requested, state.stopping)
                }
                if due {
                    checkpoint()
                }
                if ended {
                    finished.signal()
                    return
                }
            }
        }

        private func checkpoint() {
            do {
                _ = try queue.withConnection { try $0.checkpoint() }
            } catch {
                let count = state.withLock { state in
                    state.failures += 1
                    return state.failures
                }
                // Nothing is lost: the pages stay in the WAL, and the next commit asks again. Said once, not per commit.
                if count == 1 { log("copia del WAL nell'archivio non riuscita (\(error)): riprovata a ogni commit") }
            }
        }
    }
}
