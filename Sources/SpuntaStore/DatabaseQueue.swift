import Foundation
import Synchronization

/// A connection shared between threads: every access runs one at a time under a lock.
///
/// `@unchecked Sendable` is safe because the only stored state, the `Database`, is reached solely
/// inside `lock.withLock`, so no two threads ever use the connection at once.
/// Two queues on the same file (one writing, one reading) work side by side thanks to WAL.
///
/// The lock is not re-entrant: calling `write`, `read` or `withConnection` from inside a body of the same queue
/// would wait forever for itself. Such a call throws `DatabaseError` (SQLITE_MISUSE) at once instead; the body
/// already holds the `Database` it needs (a nested `inTransaction` on it is a savepoint).
public final class DatabaseQueue: @unchecked Sendable {
    private let database: Database
    private let lock = NSLock()
    /// The thread inside `lock`, 0 when none: only that thread can ever read its own id here, so a thread that
    /// finds itself is re-entering.
    private let holder = Atomic<UInt>(0)
    public let path: String

    public init(path: String, configuration: DatabaseConfiguration = DatabaseConfiguration()) throws {
        self.database = try Database(path: path, configuration: configuration)
        self.path = path
    }

    /// A queue over a connection already open (an in-memory copy).
    public init(database: Database) {
        self.database = database
        self.path = database.path
    }

    /// Runs `body` in an IMMEDIATE transaction: committed when it returns, rolled back when it throws.
    public func write<T>(_ body: (Database) throws -> T) throws -> T {
        try exclusively { database in
            try database.inTransaction(.immediate) { try body(database) }
        }
    }

    /// Runs `body` in a DEFERRED transaction: it sees one consistent snapshot of the database even while
    /// another connection commits.
    public func read<T>(_ body: (Database) throws -> T) throws -> T {
        try exclusively { database in
            try database.inTransaction(.deferred) { try body(database) }
        }
    }

    /// Runs `body` with the connection and no transaction (pragmas, VACUUM, batches that commit themselves).
    public func withConnection<T>(_ body: (Database) throws -> T) throws -> T {
        try exclusively(body)
    }

    private func exclusively<T>(_ body: (Database) throws -> T) throws -> T {
        let me = Self.currentThread
        guard holder.load(ordering: .relaxed) != me else {
            throw DatabaseError(
                resultCode: .SQLITE_MISUSE,
                message: "re-entrant use of the database queue of \(path): called from inside its own write, read or "
                    + "withConnection, it would wait for itself forever; use the Database the outer body was given"
            )
        }
        return try lock.withLock {
            holder.store(me, ordering: .relaxed)
            defer { holder.store(0, ordering: .relaxed) }
            return try body(database)
        }
    }

    /// An id of the calling thread, never 0.
    private static var currentThread: UInt {
        #if canImport(Glibc)
        UInt(pthread_self())
        #else
        UInt(bitPattern: pthread_self())
        #endif
    }
}
