import Foundation
import SpuntaStore
import Synchronization

/// Read-only connections for pulls and status pages, each on its own serial queue, so that blocking SQLite
/// reads never occupy the threads of Swift's cooperative pool and never wait for the writer (WAL).
/// Each connection is used only on its own serial queue.
public final class ReaderPool: Sendable {
    private let readers: [(queue: DispatchQueue, connection: DatabaseQueue)]
    private let next = Mutex(0)

    public init(path: String, count: Int) throws {
        var readers: [(DispatchQueue, DatabaseQueue)] = []
        for index in 0..<max(1, count) {
            readers.append((DispatchQueue(label: "spunta-reader-\(index)"), try DatabaseQueue(path: path)))
        }
        self.readers = readers
    }

    /// Runs `body` in a read transaction (one consistent snapshot) on one of the connections.
    public func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let reader = next.withLock { next -> (queue: DispatchQueue, connection: DatabaseQueue) in
            next = (next + 1) % readers.count
            return readers[next]
        }
        return try await withCheckedThrowingContinuation { continuation in
            reader.queue.async {
                continuation.resume(with: Result { try reader.connection.read(body) })
            }
        }
    }
}
