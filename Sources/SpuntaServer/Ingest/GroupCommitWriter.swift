import Foundation
import SpuntaServerStore
import SpuntaStore
import Synchronization

/// The one writer of the server database (scrittura raggruppata). Requests hand it jobs; a dedicated thread
/// runs every job waiting in one transaction — each job in its own savepoint, so a failing job takes nothing
/// else down — commits once, and only then answers each job. Many devices pushing at once thus cost one durable
/// commit, and no answer is given before its data is on disk.
///
/// A group is bounded by the work it holds (`maxWeightPerCommit`, ops for a push), not only by its number of jobs.
/// Taking every job waiting made the writer and the devices take turns: while the writer applied all the pushes of
/// all the devices waiting, none of them was answered, so none was preparing its next push; once answered, they all
/// decoded their next push at once while the writer, its queue empty, waited. Measured on the ingest benchmark
/// (50 doors, 500 meals a push), the writer was idle a fifth of the time that way. A bounded group answers the
/// first devices while the writer goes on with the pushes still queued.
public final class GroupCommitWriter: Sendable {
    /// A job's work: runs in the shared transaction, returns the scope keys it touched and what to do once
    /// the transaction is committed.
    public typealias Work = @Sendable (Database) throws -> (keys: Set<String>, done: @Sendable () -> Void)

    private struct Job {
        let work: Work
        /// What the job weighs against `maxWeightPerCommit`: a push's number of ops, 1 for anything small.
        let weight: Int
        let fail: @Sendable (any Error) -> Void
    }

    private struct State {
        var pending: [Job] = []
        var stopping = false
        /// Who waits for the queue to reach a length (`untilQueued`).
        var queueWaiters: [(length: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }

    /// The writer's connection: used only on the writer thread.
    private let queue: DatabaseQueue
    private let state = Mutex(State())
    /// Signalled once for each job handed in, and once by `shutdown()`: the writer thread sleeps on it.
    private let jobsReady = DispatchSemaphore(value: 0)
    /// Signalled when the writer thread has committed its last job and ended.
    private let finished = DispatchSemaphore(value: 0)
    private let maxJobsPerCommit: Int
    private let maxWeightPerCommit: Int
    private let onCommit: @Sendable (_ keys: Set<String>, _ head: Int64, _ jobs: Int) -> Void

    /// Thrown to jobs submitted after `shutdown()`.
    public struct ShuttingDown: Error {}

    public init(
        queue: DatabaseQueue, maxJobsPerCommit: Int = 512, maxWeightPerCommit: Int = 2_000,
        onCommit: @escaping @Sendable (_ keys: Set<String>, _ head: Int64, _ jobs: Int) -> Void = { _, _, _ in }
    ) {
        self.queue = queue
        self.maxJobsPerCommit = maxJobsPerCommit
        self.maxWeightPerCommit = maxWeightPerCommit
        self.onCommit = onCommit
        let thread = Thread { [unowned self] in self.loop() }
        thread.name = "spunta-writer"
        thread.start()
    }

    /// Runs `work` in the next group transaction and returns its result once committed. `weight` is what the job
    /// counts against the group's bound (a push: its number of ops); a job heavier than the bound commits alone.
    public func submit<T: Sendable>(
        weight: Int = 1, _ work: @escaping @Sendable (Database) throws -> (T, Set<String>)
    ) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let job = Job(
                work: { db in
                    let (value, keys) = try work(db)
                    return (keys, { continuation.resume(returning: value) })
                },
                weight: max(1, weight),
                fail: { continuation.resume(throwing: $0) }
            )
            let (accepted, observers) = state.withLock { state -> (Bool, [CheckedContinuation<Void, Never>]) in
                guard !state.stopping else { return (false, []) }
                state.pending.append(job)
                let length = state.pending.count
                let reached = state.queueWaiters.filter { $0.length <= length }.map(\.continuation)
                state.queueWaiters.removeAll { $0.length <= length }
                return (true, reached)
            }
            guard accepted else {
                continuation.resume(throwing: ShuttingDown())
                return
            }
            jobsReady.signal()
            for observer in observers { observer.resume() }
        }
    }

    /// Returns once `length` jobs wait for the writer. A test that holds the writer with a job of its own learns
    /// this way that a request has reached the writer's queue, and can act at that exact moment (a shutdown).
    func untilQueued(_ length: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let reached = state.withLock { state -> Bool in
                guard state.pending.count < length else { return true }
                state.queueWaiters.append((length, continuation))
                return false
            }
            if reached { continuation.resume() }
        }
    }

    /// Stops taking jobs, commits those already taken, and waits for the writer thread to end.
    public func shutdown() {
        let first = state.withLock { state in
            defer { state.stopping = true }
            return !state.stopping
        }
        if first { jobsReady.signal() }
        finished.wait()
        // Let any later caller through too.
        finished.signal()
    }

    private func loop() {
        while true {
            jobsReady.wait()
            // A wake-up may find nothing: the jobs it was signalled for went out in an earlier, larger batch.
            let (batch, ended) = state.withLock { state -> ([Job], Bool) in
                guard !state.pending.isEmpty else { return ([], state.stopping) }
                let batch = Self.nextGroup(state.pending, maxJobs: maxJobsPerCommit, maxWeight: maxWeightPerCommit)
                state.pending.removeFirst(batch.count)
                return (batch, false)
            }
            if ended {
                finished.signal()
                return
            }
            if batch.isEmpty { continue }
            commit(batch)
            // Jobs beyond one batch were signalled too, so the next wait returns at once.
        }
    }

    /// The jobs at the head of the queue that go in one transaction: at least one, then as many as fit both bounds.
    private static func nextGroup(_ pending: [Job], maxJobs: Int, maxWeight: Int) -> [Job] {
        var weight = 0
        var count = 0
        for job in pending.prefix(maxJobs) {
            if count > 0 && weight + job.weight > maxWeight { break }
            weight += job.weight
            count += 1
        }
        return Array(pending.prefix(count))
    }

    private func commit(_ jobs: [Job]) {
        var completions: [@Sendable () -> Void] = []
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
        // The commit is counted and announced before anyone is answered: whoever reads the metrics after an answer
        // sees the transaction that answer waited for.
        onCommit(keys, head, jobs.count)
        for (job, error) in failures { job.fail(error) }
        for done in completions { done() }
    }
}
