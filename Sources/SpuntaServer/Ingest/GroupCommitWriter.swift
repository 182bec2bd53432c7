import Foundation
import SpuntaServerStore
import SpuntaStore

/// The one writer of the server database (scrittura raggruppata). Requests hand it jobs; a dedicated thread
/// runs every job waiting in one transaction — each job in its own savepoint, so a failing job takes nothing
/// else down — commits once, and only then answers each job. Many devices pushing at once thus cost one durable
/// commit, and no answer is given before its data is on disk.
///
/// `@unchecked Sendable`: the connection is used only on the writer thread; `pending`, `stopping` and `running`
/// are read and written only while holding `condition`'s lock.
public final class GroupCommitWriter: @unchecked Sendable {
    /// A job's work: runs in the shared transaction, returns the scope keys it touched and what to do once
    /// the transaction is committed.
    public typealias Work = (Database) throws -> (keys: Set<String>, done: () -> Void)

    private struct Job {
        let work: Work
        let fail: (any Error) -> Void
    }

    private let queue: DatabaseQueue
    private let condition = NSCondition()
    private var pending: [Job] = []
    private var stopping = false
    private var running = true
    private let maxJobsPerCommit: Int
    private let onCommit: @Sendable (_ keys: Set<String>, _ head: Int64, _ jobs: Int) -> Void
    private var thread: Thread?

    /// Thrown to jobs submitted after `shutdown()`.
    public struct ShuttingDown: Error {}

    public init(
        queue: DatabaseQueue, maxJobsPerCommit: Int = 512,
        onCommit: @escaping @Sendable (_ keys: Set<String>, _ head: Int64, _ jobs: Int) -> Void = { _, _, _ in }
    ) {
        self.queue = queue
        self.maxJobsPerCommit = maxJobsPerCommit
        self.onCommit = onCommit
        let thread = Thread { [unowned self] in self.loop() }
        thread.name = "spunta-writer"
        self.thread = thread
        thread.start()
    }

    /// Runs `work` in the next group transaction and returns its result once committed.
    public func submit<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> (T, Set<String>)) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let job = Job(
                work: { db in
                    let (value, keys) = try work(db)
                    return (keys, { continuation.resume(returning: value) })
                },
                fail: { continuation.resume(throwing: $0) }
            )
            condition.lock()
            if stopping {
                condition.unlock()
                continuation.resume(throwing: ShuttingDown())
                return
            }
            pending.append(job)
            condition.signal()
            condition.unlock()
        }
    }

    /// Stops taking jobs, commits those already taken, and waits for the writer thread to end.
    public func shutdown() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while running {
            condition.wait()
        }
        condition.unlock()
    }

    private func loop() {
        while true {
            condition.lock()
            while pending.isEmpty && !stopping {
                condition.wait()
            }
            if pending.isEmpty && stopping {
                running = false
                condition.broadcast()
                condition.unlock()
                return
            }
            let batch = Array(pending.prefix(maxJobsPerCommit))
            pending.removeFirst(batch.count)
            condition.unlock()
            commit(batch)
        }
    }

    private func commit(_ jobs: [Job]) {
        var completions: [() -> Void] = []
        var failures: [(Job, any Error)] = []
        var keys: Set<String> = []
        var head: Int64 = 0
        do {
            try queue.write { db in
                for job in jobs {
                    do {
                        let (touched, done) = try db.inTransaction { try job.work(db) }
                        completions.append(done)
                        keys.formUnion(touched)
                    } catch {
                        failures.append((job, error))
                    }
                }
                head = try ChangeLog.head(db)
            }
        } catch {
            // The commit itself failed: nothing of this group is on disk, so every job fails.
            for job in jobs { job.fail(error) }
            return
        }
        for (job, error) in failures { job.fail(error) }
        for done in completions { done() }
        onCommit(keys, head, jobs.count)
    }
}
