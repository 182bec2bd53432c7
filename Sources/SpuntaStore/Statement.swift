import CSQLite
import Foundation

/// A prepared statement (`sqlite3_stmt`). Owned by one `Database`; never crosses threads on its own.
public final class Statement {
    let handle: OpaquePointer
    /// The SQL text this statement was prepared from.
    public let sql: String
    unowned let database: Database
    /// The text and blobs bound since the statement was last bound anew, which SQLite reads in place.
    private var boundBytes = BoundBytes()

    /// Prepares exactly one statement. SQLite prepares the first statement of a string and points at the rest:
    /// `"A; B"` would silently run A alone, so anything after the first statement but blanks, comments and
    /// semicolons is refused (a script of several statements goes to `Database.execute`).
    init(database: Database, sql: String) throws {
        var stmt: OpaquePointer?
        var code: Int32 = SQLITE_OK
        var rest: String?
        sql.withCString { text in
            var tail: UnsafePointer<CChar>?
            code = sqlite3_prepare_v3(database.handle, text, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &stmt, &tail)
            if code == SQLITE_OK, let tail, Self.holdsStatement(tail, on: database.handle) {
                rest = String(cString: tail)
            }
        }
        guard code == SQLITE_OK, let stmt else {
            throw database.error(code: code, sql: sql)
        }
        if let rest {
            sqlite3_finalize(stmt)
            let shown = rest.trimmingCharacters(in: .whitespacesAndNewlines)
            throw DatabaseError(
                resultCode: .SQLITE_MISUSE,
                message: "several statements where one is expected: «\(shown.prefix(80))» follows the first one "
                    + "(run a script with Database.execute, or one statement at a time)",
                sql: sql
            )
        }
        self.handle = stmt
        self.sql = sql
        self.database = database
    }

    /// Whether `text` (what follows a prepared statement) holds anything but blanks, comments and semicolons.
    /// SQLite itself decides: preparing such text yields no statement and consumes it; anything else — a statement,
    /// or text that does not parse — counts as another statement.
    private static func holdsStatement(_ text: UnsafePointer<CChar>, on db: OpaquePointer) -> Bool {
        var rest = text
        while rest.pointee != 0 {
            var next: OpaquePointer?
            var after: UnsafePointer<CChar>?
            let code = sqlite3_prepare_v2(db, rest, -1, &next, &after)
            if let next {
                sqlite3_finalize(next)
                return true
            }
            guard code == SQLITE_OK else { return true }
            guard let after, after > rest else { return false }
            rest = after
        }
        return false
    }

    deinit {
        sqlite3_finalize(handle)
        boundBytes.release()
    }

    /// Number of `?` parameters.
    public var parameterCount: Int { Int(sqlite3_bind_parameter_count(handle)) }

    /// Column names of the result, in order.
    public var columnNames: [String] {
        (0..<sqlite3_column_count(handle)).map { String(cString: sqlite3_column_name(handle, $0)) }
    }

    /// The names with their lookup table, built once per statement (a cached statement runs thousands of
    /// times); rebuilt if a schema change re-prepared it with another number of columns.
    private var namesCache: ColumnNames?

    func sharedColumnNames() -> ColumnNames {
        if let cached = namesCache, cached.names.count == Int(sqlite3_column_count(handle)) { return cached }
        let made = ColumnNames(columnNames)
        namesCache = made
        return made
    }

    /// Resets the statement and binds new arguments. The count must match the SQL's parameters.
    public func bind(_ arguments: StatementArguments) throws {
        startBinding()
        guard arguments.count == parameterCount else {
            throw bindingFailed(argumentCountError(arguments.count))
        }
        // Every parameter is bound anew (the count matches), so no earlier binding can survive: no need to clear them.
        for (offset, argument) in arguments.enumerated() {
            let code = bind(argument?.databaseValue ?? .null, at: Int32(offset + 1))
            guard code == SQLITE_OK else { throw bindingFailed(database.error(code: code, sql: sql)) }
        }
    }

    /// Resets the statement and binds the arguments `body` adds, typed, one by one (see `StatementBindings`). The count
    /// must match the SQL's parameters; the errors are those of `bind(_: StatementArguments)`.
    public func bind(_ body: (inout StatementBindings) throws -> Void) throws {
        startBinding()
        var bindings = StatementBindings(statement: self, parameterCount: Int32(parameterCount))
        do {
            try body(&bindings)
        } catch {
            throw bindingFailed(error)
        }
        guard bindings.count == bindings.parameterCount else {
            throw bindingFailed(argumentCountError(Int(bindings.count)))
        }
        guard bindings.failure == SQLITE_OK else { throw bindingFailed(database.error(code: bindings.failure, sql: sql)) }
    }

    /// Resets the statement before its parameters are bound anew: the bytes of the values bound before are reused
    /// (each parameter is bound again before the statement runs, or cleared by `bindingFailed`).
    private func startBinding() {
        sqlite3_reset(handle)
        boundBytes.reset()
    }

    /// Clears the parameters after a binding that failed halfway (some would still point at reused bytes), and
    /// returns `error` to throw.
    private func bindingFailed(_ error: any Error) -> any Error {
        sqlite3_clear_bindings(handle)
        return error
    }

    private func argumentCountError(_ count: Int) -> DatabaseError {
        DatabaseError(resultCode: .SQLITE_RANGE, message: "expected \(parameterCount) arguments, got \(count)", sql: sql)
    }

    func bind(_ value: DatabaseValue, at index: Int32) -> Int32 {
        switch value {
        case .null: return bindNull(at: index)
        case .integer(let v): return bind(v, at: index)
        case .real(let d): return bind(d, at: index)
        case .text(let s): return bind(s, at: index)
        case .blob(let data): return bind(data, at: index)
        }
    }

    // One function per storage class, shared by both ways of binding, so that a value binds the same whichever is used.

    func bindNull(at index: Int32) -> Int32 {
        sqlite3_bind_null(handle, index)
    }

    func bind(_ value: Int64, at index: Int32) -> Int32 {
        sqlite3_bind_int64(handle, index, value)
    }

    func bind(_ value: Double, at index: Int32) -> Int32 {
        sqlite3_bind_double(handle, index, value)
    }

    func bind(_ value: String, at index: Int32) -> Int32 {
        // The string's own UTF-8 bytes with their length: no temporary C string, no strlen. An empty
        // string must not pass a null pointer (SQLite would bind NULL).
        var text = value
        return text.withUTF8 { bytes in
            guard !bytes.isEmpty else {
                return sqlite3_bind_text(handle, index, "", 0, spunta_sqlite_transient())
            }
            let copy = boundBytes.copy(UnsafeRawBufferPointer(bytes))
            return sqlite3_bind_text(handle, index, copy.assumingMemoryBound(to: CChar.self), Int32(bytes.count), nil)
        }
    }

    func bind(_ value: Data, at index: Int32) -> Int32 {
        value.withUnsafeBytes { bytes in
            // Nothing to copy: an empty blob is bound as it always was.
            guard !bytes.isEmpty else {
                return sqlite3_bind_blob(handle, index, bytes.baseAddress, 0, spunta_sqlite_transient())
            }
            return sqlite3_bind_blob(handle, index, boundBytes.copy(bytes), Int32(bytes.count), nil)
        }
    }

    /// The name of a result column, `#index` when there is no such column (for error messages).
    @usableFromInline
    func columnName(_ index: Int) -> String {
        guard index >= 0, index < Int(sqlite3_column_count(handle)) else { return "#\(index)" }
        return String(cString: sqlite3_column_name(handle, Int32(index)))
    }

    /// The storage class of a result column (`SQLITE_NULL`… `SQLITE_TEXT`); NULL when there is no such column.
    func columnType(_ index: Int) -> Int32 {
        guard index >= 0, index < Int(sqlite3_column_count(handle)) else { return SQLITE_NULL }
        return sqlite3_column_type(handle, Int32(index))
    }

    /// The text of a result column, read straight from SQLite's buffer (for a column known to hold text).
    func columnText(_ index: Int32) -> String {
        guard let text = sqlite3_column_text(handle, index) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, index))
        return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
    }

    /// Runs one step. Returns true when a row is available.
    func step() throws -> Bool {
        let code = sqlite3_step(handle)
        switch code {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let error = database.error(code: code, sql: sql)
            sqlite3_reset(handle)
            throw error
        }
    }

    /// Runs the statement to completion, discarding any rows.
    public func execute(_ arguments: StatementArguments = []) throws {
        try bind(arguments)
        defer { sqlite3_reset(handle) }
        while try step() {}
    }

    /// Runs the statement with the arguments `bindings` adds, discarding any rows.
    public func execute(binding bindings: (inout StatementBindings) throws -> Void) throws {
        try bind(bindings)
        defer { sqlite3_reset(handle) }
        while try step() {}
    }

    /// Runs the statement and calls `body` for each row. The row is only valid during the call.
    public func forEach(_ arguments: StatementArguments = [], _ body: (RowCursor) throws -> Void) throws {
        try bind(arguments)
        try forEachRow(body)
    }

    /// Runs the statement with the arguments `bindings` adds and calls `body` for each row, valid only during the call.
    public func forEach(binding bindings: (inout StatementBindings) throws -> Void, _ body: (RowCursor) throws -> Void) throws {
        try bind(bindings)
        try forEachRow(body)
    }

    private func forEachRow(_ body: (RowCursor) throws -> Void) throws {
        defer { sqlite3_reset(handle) }
        let cursor = RowCursor(statement: self)
        while try step() {
            try body(cursor)
        }
    }

    /// Runs the statement and collects every row.
    public func fetchAll(_ arguments: StatementArguments = []) throws -> [Row] {
        var rows: [Row] = []
        let names = sharedColumnNames()
        try forEach(arguments) { cursor in
            rows.append(cursor.copy(names: names))
        }
        return rows
    }

    @usableFromInline
    func columnValue(_ index: Int32) -> DatabaseValue {
        switch sqlite3_column_type(handle, index) {
        case SQLITE_NULL:
            return .null
        case SQLITE_INTEGER:
            return .integer(sqlite3_column_int64(handle, index))
        case SQLITE_FLOAT:
            return .real(sqlite3_column_double(handle, index))
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(handle, index))
            guard count > 0, let bytes = sqlite3_column_blob(handle, index) else { return .blob(Data()) }
            return .blob(Data(bytes: bytes, count: count))
        default:
            return .text(columnText(index))
        }
    }
}
