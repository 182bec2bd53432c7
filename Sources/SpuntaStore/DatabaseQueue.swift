import Foundation

/// A connection shared between threads: every access runs one at a time under a lock.
///
/// `@unchecked Sendable` is safe because the only stored state, the `Database`, is reached solely
/// inside `lock.withLock`, so no two threads ever use the connection at once.
/// Two queues on the same file (one writing, one reading) work side by side thanks to WAL.
public final class DatabaseQueue: @unchecked Sendable {
    private let database: Database
    private let lock = NSLock()
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
        try lock.withLock {
            try database.inTransaction(.immediate) { try body(database) }
        }
    }

    /// Runs `body` in a DEFERRED transaction: it sees one consistent snapshot of the database even while
    /// another connection commits.
    public func read<T>(_ body: (Database) throws -> T) throws -> T {
        try lock.withLock {
            try database.inTransaction(.deferred) { try body(database) }
        }
    }

    /// Runs `body` with the connection and no transaction (pragmas, VACUUM, batches that commit themselves).
    public func withConnection<T>(_ body: (Database) throws -> T) throws -> T {
        try lock.withLock { try body(database) }
    }
}
