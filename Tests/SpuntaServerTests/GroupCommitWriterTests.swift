import Dispatch
import Foundation
import SpuntaTestSupport
import SpuntaServerStore
import SpuntaStore
import Testing
@testable import SpuntaServer
import Synchronization

@Suite("The writer's groups are bounded by the work they hold")
struct GroupCommitWriterTests {
    /// Queues jobs of these weights, in this order, behind a job that holds the writer; releases it and returns the
    /// number of jobs each commit held, and the rows the jobs wrote.
    private func groups(weights: [Int], maxWeight: Int) async throws -> (commits: [Int], rows: Int) {
        let folder = try TemporaryFolder("spunta-group-commit")
        let queue = try ServerDatabase.open(path: folder.path("w.sqlite"))
        try queue.write { db in try db.execute("CREATE TABLE job (weight INTEGER NOT NULL)") }
        let commits = Mutex<[Int]>([])
        let writer = GroupCommitWriter(queue: queue, maxWeightPerCommit: maxWeight) { _, _, jobs in
            commits.withLock { $0.append(jobs) }
        }
        let running = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let holder = Task {
            try await writer.submit { _ in
                running.signal()
                release.wait()
                return ((), Set<String>())
            }
        }
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                running.wait()
                done.resume()
            }
        }
        var tasks: [Task<Void, any Error>] = []
        for (index, weight) in weights.enumerated() {
            tasks.append(Task {
                try await writer.submit(weight: weight) { db in
                    try db.run("INSERT INTO job (weight) VALUES (?)", [weight])
                    return ((), Set<String>())
                }
            })
            // One at a time, so that the queue holds them in this order.
            await writer.untilQueued(index + 1)
        }
        release.signal()
        try await holder.value
        for task in tasks { try await task.value }
        writer.shutdown()
        let rows = try queue.read { db in try db.fetchOne("SELECT count(*) FROM job").map { try $0[0] as Int } } ?? 0
        return (commits.withLock { $0 }, rows)
    }

    @Test("jobs waiting go together up to the bound, in their order; a job heavier than the bound commits alone")
    func bounded() async throws {
        let (commits, rows) = try await groups(weights: [600, 300, 200, 900, 1500, 1], maxWeight: 1000)
        #expect(commits == [1, 2, 1, 1, 1, 1])
        #expect(rows == 6)
    }

    @Test("small jobs waiting all go in one commit")
    func smallJobsTogether() async throws {
        let (commits, rows) = try await groups(weights: Array(repeating: 1, count: 40), maxWeight: 2000)
        #expect(commits == [1, 40])
        #expect(rows == 40)
    }
}
