import Foundation
import SpuntaStore

/// Read-only connections for pulls and status pages, each on its own serial queue, so that blocking SQLite
/// reads never occupy the threads of Swift's cooperative pool and never wait for the writer (WAL).
///
/// `@unchecked Sendable`: each connection is used only on its own serial queue; `next` is guarded by `lock`.
public final class ReaderPool: @unchecked Sendable {
    private let readers: [(queue: DispatchQueue, connection: DatabaseQueue)]
    private let lock = NSLock()
    private var next = 0

    public init(path: String, count: Int) throws {
        var readers: [(DispatchQueue, DatabaseQueue)] = []
        for index in 0..<max(1, count) {
            readers.append((DispatchQueue(label: "spunta-reader-\(index)"), try DatabaseQueue(path: path)))
        }
        self.readers = readers
    }

    /// Runs `body` in a read transaction (one consistent snapshot) on one of the connections.
    public func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let reader = lock.withLock { () -> (queue: DispatchQueue, connection: DatabaseQueue) in
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
