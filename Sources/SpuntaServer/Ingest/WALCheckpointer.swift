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
public final class WALCheckpointer: Sendable {
    private struct State {
        var requested = false
        var stopping = false
        var failures = 0
    }

    private let queue: DatabaseQueue
    private let state = Mutex(State())
    /// Signalled by `request()` and `shutdown()`: the checkpointer's thread sleeps on it.
    private let wake = DispatchSemaphore(value: 0)
    /// Signalled when the thread has ended.
    private let finished = DispatchSemaphore(value: 0)
    private let log: @Sendable (String) -> Void

    /// Opens a connection of its own to `path` and starts its thread.
    public init(path: String, log: @escaping @Sendable (String) -> Void) throws {
        queue = try DatabaseQueue(path: path)
        self.log = log
        let thread = Thread { [unowned self] in self.loop() }
        thread.name = "spunta-checkpoint"
        thread.start()
    }

    /// Asks for a checkpoint soon; requests made while one runs are served by one more after it.
    public func request() {
        let first = state.withLock { state -> Bool in
            defer { state.requested = true }
            return !state.requested && !state.stopping
        }
        if first { wake.signal() }
    }

    /// How many checkpoints failed since the start (each is retried at the next commit).
    public var failures: Int { state.withLock(\.failures) }

    /// Runs the checkpoint asked for, if any, and ends the thread.
    public func shutdown() {
        let first = state.withLock { state in
            defer { state.stopping = true }
            return !state.stopping
        }
        if first { wake.signal() }
        finished.wait()
        finished.signal()
    }

    private func loop() {
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
