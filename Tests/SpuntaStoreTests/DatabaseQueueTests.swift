import Foundation
import Synchronization
import Testing
@testable import SpuntaStore

@Suite("Database queue")
struct DatabaseQueueTests {
    enum Entry: String, CaseIterable, Sendable {
        case write, read, withConnection

        func call(_ queue: DatabaseQueue) throws {
            switch self {
            case .write: try queue.write { try $0.run("INSERT INTO t VALUES (2)") }
            case .read: _ = try queue.read { try $0.scalar("SELECT count(*) FROM t") as Int? }
            case .withConnection: _ = try queue.withConnection { try $0.scalar("SELECT 1") as Int? }
            }
        }
    }

    /// Runs `body` on a thread of its own and waits for it; a body still running after a generous time is
    /// recorded as a failure (a deadlock), and the test goes on.
    static func finishes(_ body: @escaping @Sendable () -> Void) -> Bool {
        let done = DispatchSemaphore(value: 0)
        Thread {
            body()
            done.signal()
        }.start()
        return done.wait(timeout: .now() + 60) == .success
    }

    @Test("calling a queue from inside its own body throws a clear error instead of waiting for itself forever",
          arguments: Entry.allCases, Entry.allCases)
    func reentrant(outer: Entry, inner: Entry) throws {
        let dir = try TemporaryDirectory()
        let queue = try DatabaseQueue(path: dir.path("a.sqlite"))
        try queue.write { try $0.execute("CREATE TABLE t (x INTEGER)") }
        let caught = Caught()
        let finished = Self.finishes {
            do {
                let body: (Database) throws -> Void = { db in
                    try db.run("INSERT INTO t VALUES (1)")
                    do {
                        try inner.call(queue)
                    } catch {
                        caught.inner.withLock { $0 = error }
                    }
                }
                switch outer {
                case .write: try queue.write(body)
                case .read: try queue.read(body)
                case .withConnection: try queue.withConnection(body)
                }
            } catch {
                caught.outer.withLock { $0 = error }
            }
        }
        #expect(finished, "the inner call deadlocked")
        guard finished else { return }
        #expect(caught.outer.withLock { $0 } == nil, "the outer body goes on after the refused call")
        let error = try #require(caught.inner.withLock { $0 } as? DatabaseError, "the inner call must throw")
        #expect(error.resultCode == .SQLITE_MISUSE)
        #expect(error.message.contains("re-entrant"), "\(error)")
        // The queue is whole afterwards: the outer body's work is kept (a read's insert too: it ran in its
        // transaction, which committed), the refused call did nothing, and the queue serves the next caller.
        #expect(try queue.read { try $0.scalar("SELECT count(*) FROM t") as Int? } == 1)
        #expect(try queue.read { try $0.scalar("SELECT count(*) FROM t WHERE x = 2") as Int? } == 0)
    }

    @Test("another queue on the same file may be used from inside a body")
    func otherQueueInside() throws {
        let dir = try TemporaryDirectory()
        let first = try DatabaseQueue(path: dir.path("a.sqlite"))
        let second = try DatabaseQueue(path: dir.path("a.sqlite"))
        try first.write { try $0.execute("CREATE TABLE t (x INTEGER)") }
        let count = try first.read { _ in try second.read { try $0.scalar("SELECT count(*) FROM t") as Int? } }
        #expect(count == 0)
    }
}

/// What the thread of a test caught.
final class Caught: Sendable {
    let inner = Mutex<(any Error)?>(nil)
    let outer = Mutex<(any Error)?>(nil)
}
