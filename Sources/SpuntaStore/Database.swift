import CSQLite
import Foundation

/// How a connection is opened.
public struct DatabaseConfiguration: Sendable {
    /// `PRAGMA synchronous`. `.full` makes every commit durable against power loss, which is what a device
    /// recording meals needs; `.normal` is durable against a process crash only.
    public enum Synchronous: String, Sendable {
        case off = "OFF", normal = "NORMAL", full = "FULL"
    }

    public var readOnly = false
    public var synchronous: Synchronous = .full
    public var foreignKeys = true
    /// How long a statement waits for a lock held by another connection before failing with SQLITE_BUSY.
    public var busyTimeoutMilliseconds: Int32 = 5_000
    /// Page cache size in KiB (`PRAGMA cache_size = -N`).
    public var cacheSizeKiB: Int = 8_192
    /// `PRAGMA temp_store = MEMORY`: the journal of each savepoint and of each statement that may fail halfway (the
    /// original of every page it changes, kept until it ends) stays in memory instead of a file written and read back
    /// through the kernel. For a connection whose savepoints are bounded: its memory is the pages one of them changes.
    public var temporaryStorageInMemory = false
    /// `PRAGMA wal_autocheckpoint`: once a commit leaves the WAL this many pages long, the committing connection copies
    /// them back into the database file before its commit returns (SQLite's default is 1,000). A writer whose pages
    /// another connection checkpoints (`checkpoint()`) sets it higher, as a bound for when that connection falls behind.
    public var autoCheckpointPages: Int = 1_000

    public init() {}
}

/// One SQLite connection (Italian: connessione). Not thread-safe: a `DatabaseQueue` serializes access
/// when it must be shared. Opens in WAL mode so that a reader never blocks a writer.
public final class Database {
    let handle: OpaquePointer
    public let path: String
    private var statementCache: [StatementKey: Statement] = [:]
    private var transactionDepth = 0

    /// Opens (creating if needed, unless read-only) the database at `path`. `":memory:"` is a private
    /// in-memory database.
    public init(path: String, configuration: DatabaseConfiguration = DatabaseConfiguration()) throws {
        if !configuration.readOnly { try Self.createPrivately(path) }
        var db: OpaquePointer?
        var flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI
        flags |= configuration.readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
        let code = sqlite3_open_v2(path, &db, flags, nil)
        guard code == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(code))
            if let db { sqlite3_close_v2(db) }
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: "\(message) (\(path))", path: path)
        }
        self.handle = db
        self.path = path
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, configuration.busyTimeoutMilliseconds)
        do {
            // Reading the schema here turns "file is not a database" into an error at open time.
            try execute("PRAGMA cache_size = -\(configuration.cacheSizeKiB)")
            if !configuration.readOnly, path != ":memory:" {
                let mode: String = try scalar("PRAGMA journal_mode = WAL") ?? ""
                if mode.lowercased() != "wal" {
                    throw DatabaseError(resultCode: .SQLITE_ERROR, message: "cannot enable WAL (journal_mode=\(mode))")
                }
            }
            try execute("PRAGMA synchronous = \(configuration.synchronous.rawValue)")
            if configuration.temporaryStorageInMemory { try execute("PRAGMA temp_store = MEMORY") }
            if configuration.autoCheckpointPages != 1_000 { sqlite3_wal_autocheckpoint(db, Int32(clamping: configuration.autoCheckpointPages)) }
            try execute("PRAGMA foreign_keys = \(configuration.foreignKeys ? "ON" : "OFF")")
        } catch {
            statementCache.removeAll()
            sqlite3_close_v2(db)
            guard let error = error as? DatabaseError, error.path == nil else { throw error }
            throw DatabaseError(resultCode: error.extendedResultCode, message: error.message, sql: error.sql, path: path)
        }
    }

    /// Creates a database file that does not exist yet readable and writable by its owner only (0600), whatever
    /// the process's umask: the files hold children's data, diets and credentials. SQLite gives the `-wal` and
    /// `-shm` files it makes beside a database the database's own permissions, so they are private too. An
    /// existing file keeps the permissions it has (the administrator's choice); a path that cannot be created
    /// here is left for SQLite to report with its own message.
    static func createPrivately(_ path: String) throws {
        guard !path.isEmpty, path != ":memory:", !path.hasPrefix("file:") else { return }
        switch PrivateFile.create(path) {
        case .success(let fd):
            close(fd)
        case .failure(let error) where error.call == .open:
            // There already, or not creatable here: SQLite opens it or reports the path with its own message.
            return
        case .failure(let error):
            throw DatabaseError(resultCode: .SQLITE_CANTOPEN, message: "cannot make \(path) private: \(error.reason)")
        }
    }

    deinit {
        statementCache.removeAll()
        sqlite3_close_v2(handle)
    }

    func error(code: Int32, sql: String?) -> DatabaseError {
        let extended = sqlite3_extended_errcode(handle)
        let message = String(cString: sqlite3_errmsg(handle))
        let resultCode = ResultCode(rawValue: extended).primaryResultCode == ResultCode(rawValue: code).primaryResultCode
            ? ResultCode(rawValue: extended) : ResultCode(rawValue: code)
        return DatabaseError(resultCode: resultCode, message: message, sql: sql)
    }

    // MARK: Running SQL

    /// Runs one or more SQL statements separated by semicolons, with no arguments (schema, pragmas).
    public func execute(_ sql: String) throws {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        if code != SQLITE_OK {
            let message = errorMessage.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(code))
            sqlite3_free(errorMessage)
            let extended = sqlite3_extended_errcode(handle)
            throw DatabaseError(resultCode: ResultCode(rawValue: extended), message: message, sql: sql)
        }
    }

    /// A prepared statement for `sql`, cached for the life of the connection.
    public func cachedStatement(_ sql: String) throws -> Statement {
        let key = StatementKey(sql)
        if let statement = statementCache[key] {
            return statement
        }
        let statement = try Statement(database: self, sql: sql)
        statementCache[key] = statement
        return statement
    }

    /// A prepared statement that is not cached (for SQL built at run time).
    public func makeStatement(_ sql: String) throws -> Statement {
        try Statement(database: self, sql: sql)
    }

    /// Runs one statement with arguments.
    public func run(_ sql: String, _ arguments: StatementArguments = []) throws {
        try cachedStatement(sql).execute(arguments)
    }

    /// Runs one statement with the arguments `bindings` adds, typed (see `StatementBindings`).
    public func run(_ sql: String, binding bindings: (inout StatementBindings) throws -> Void) throws {
        try cachedStatement(sql).execute(binding: bindings)
    }

    public func fetchAll(_ sql: String, _ arguments: StatementArguments = []) throws -> [Row] {
        try cachedStatement(sql).fetchAll(arguments)
    }

    public func fetchOne(_ sql: String, _ arguments: StatementArguments = []) throws -> Row? {
        let statement = try cachedStatement(sql)
        var result: Row?
        let names = statement.sharedColumnNames()
        try statement.bind(arguments)
        defer { sqlite3_reset(statement.handle) }
        if try statement.step() {
            result = RowCursor(statement: statement).copy(names: names)
        }
        return result
    }

    /// The first column of the first row, or nil when there is no row or the value is NULL.
    /// Inlinable so that callers get it specialized for their type (see `Row`'s subscript).
    @inlinable
    public func scalar<T: DatabaseValueConvertible>(_ sql: String, _ arguments: StatementArguments = []) throws -> T? {
        let value = try firstValue(sql, arguments)
        if value.isNull { return nil }
        guard let result = T.fromDatabaseValue(value) else {
            throw RowDecodingError(column: "#0", value: value, expected: "\(T.self)", sql: sql)
        }
        return result
    }

    /// The first column of the first row, NULL when there is no row.
    @usableFromInline
    func firstValue(_ sql: String, _ arguments: StatementArguments) throws -> DatabaseValue {
        let statement = try cachedStatement(sql)
        try statement.bind(arguments)
        defer { sqlite3_reset(statement.handle) }
        guard try statement.step() else { return .null }
        return statement.columnValue(0)
    }

    /// Calls `body` for each row without copying rows (for large reads).
    public func forEach(_ sql: String, _ arguments: StatementArguments = [], _ body: (RowCursor) throws -> Void) throws {
        try cachedStatement(sql).forEach(arguments, body)
    }

    /// Calls `body` for each row of `sql` run with the arguments `bindings` adds, typed, without copying rows.
    public func forEach(
        _ sql: String, binding bindings: (inout StatementBindings) throws -> Void, _ body: (RowCursor) throws -> Void
    ) throws {
        try cachedStatement(sql).forEach(binding: bindings, body)
    }

    /// The rowid of the last row inserted on this connection.
    public var lastInsertedRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Rows changed by the last INSERT, UPDATE or DELETE on this connection.
    public var changesCount: Int { Int(sqlite3_changes(handle)) }

    /// Rows changed by this connection since it was opened (all statements together).
    public var totalChangesCount: Int { Int(sqlite3_total_changes(handle)) }

    /// Whether a transaction is open on this connection.
    public var isInsideTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    // MARK: Transactions

    public enum TransactionKind: String, Sendable {
        /// Takes the write lock at the first write (readers).
        case deferred = "DEFERRED"
        /// Takes the write lock at once, so the transaction cannot fail later with SQLITE_BUSY.
        case immediate = "IMMEDIATE"
    }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    /// Nested calls become savepoints, so an inner failure can be caught without losing the outer work.
    public func inTransaction<T>(_ kind: TransactionKind = .immediate, _ body: () throws -> T) throws -> T {
        if transactionDepth > 0 || isInsideTransaction {
            return try inSavepoint(body)
        }
        try execute("BEGIN \(kind.rawValue) TRANSACTION")
        transactionDepth += 1
        let result: T
        do {
            result = try body()
        } catch {
            transactionDepth -= 1
            rollbackQuietly()
            throw error
        }
        transactionDepth -= 1
        do {
            try execute("COMMIT TRANSACTION")
        } catch {
            rollbackQuietly()
            throw error
        }
        return result
    }

    private func inSavepoint<T>(_ body: () throws -> T) throws -> T {
        let name = "spunta_sp\(transactionDepth)"
        try execute("SAVEPOINT \(name)")
        transactionDepth += 1
        defer { transactionDepth -= 1 }
        do {
            let result = try body()
            try execute("RELEASE SAVEPOINT \(name)")
            return result
        } catch {
            try? execute("ROLLBACK TO SAVEPOINT \(name)")
            try? execute("RELEASE SAVEPOINT \(name)")
            throw error
        }
    }

    private func rollbackQuietly() {
        if isInsideTransaction {
            // A failed rollback leaves nothing better to do than report the original error.
            try? execute("ROLLBACK TRANSACTION")
        }
    }

    // MARK: Maintenance

    /// Copies the whole database into a new file with SQLite's online backup, while other connections
    /// keep reading and writing. The copy is a consistent snapshot.
    public func backup(to destinationPath: String) throws {
        try copy(into: try Database(path: destinationPath))
    }

    /// Copies the whole database into `destination` (a file or `:memory:`), replacing what it holds, with
    /// SQLite's online backup: a consistent snapshot even while other connections write.
    public func copy(into destination: Database) throws {
        guard let backup = sqlite3_backup_init(destination.handle, "main", handle, "main") else {
            throw destination.error(code: sqlite3_errcode(destination.handle), sql: nil)
        }
        var code: Int32
        var busyRounds = 0
        repeat {
            code = sqlite3_backup_step(backup, 256)
            if code == SQLITE_BUSY || code == SQLITE_LOCKED {
                // Another connection holds a lock; give it up to about ten seconds in all.
                busyRounds += 1
                if busyRounds > 2_000 { break }
                sqlite3_sleep(5)
            }
        } while code == SQLITE_OK || code == SQLITE_BUSY || code == SQLITE_LOCKED
        sqlite3_backup_finish(backup)
        guard code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: "backup failed: the database is in use", sql: nil)
        }
    }

    /// How far a checkpoint got: the WAL's length in pages and how many of them are now in the database file.
    public struct Checkpoint: Sendable, Equatable {
        public let walPages: Int
        public let checkpointedPages: Int
    }

    /// Copies into the database file the pages of the WAL that no reader still needs, waiting for no one (`PASSIVE`):
    /// what the committing connection does itself at `autoCheckpointPages`, done here by another connection so that
    /// the writer's commits do not pay for it. Every page copied was already durable in the WAL; with
    /// `synchronous = FULL` the database file is synced once the copy is done. A checkpoint already running on another
    /// connection makes this one return at once with what it found (SQLITE_BUSY is not an error here).
    @discardableResult
    public func checkpoint() throws -> Checkpoint {
        var walPages: Int32 = 0
        var checkpointed: Int32 = 0
        let code = sqlite3_wal_checkpoint_v2(handle, nil, SQLITE_CHECKPOINT_PASSIVE, &walPages, &checkpointed)
        guard code == SQLITE_OK || code == SQLITE_BUSY else { throw error(code: code, sql: "PRAGMA wal_checkpoint(PASSIVE)") }
        return Checkpoint(walPages: Int(max(0, walPages)), checkpointedPages: Int(max(0, checkpointed)))
    }

    /// The version of the SQLite library in use.
    public static var sqliteVersion: String { String(cString: sqlite3_libversion()) }
}

/// The statement cache's key: the SQL text, hashed by its length and its first and last bytes rather than whole.
///
/// The cache is asked for every statement run, and the merge's statements are long (a few kilobytes for a list of
/// days): hashing all of it on every call cost more than running some of them. Two texts that share their length and
/// ends still differ as keys (equality compares the whole text, at once when both are the same string); they only
/// share a bucket.
struct StatementKey: Hashable {
    let sql: String

    init(_ sql: String) {
        self.sql = sql
    }

    /// Bytes hashed at each end of the text.
    private static let sampled = 48

    func hash(into hasher: inout Hasher) {
        var text = sql
        text.withUTF8 { bytes in
            hasher.combine(bytes.count)
            let raw = UnsafeRawBufferPointer(bytes)
            guard raw.count > 2 * Self.sampled else {
                hasher.combine(bytes: raw)
                return
            }
            hasher.combine(bytes: UnsafeRawBufferPointer(rebasing: raw.prefix(Self.sampled)))
            hasher.combine(bytes: UnsafeRawBufferPointer(rebasing: raw.suffix(Self.sampled)))
        }
    }
}
