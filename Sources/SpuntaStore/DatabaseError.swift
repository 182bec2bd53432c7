import CSQLite

/// An error reported by SQLite, with everything needed to understand it later:
/// the extended result code, SQLite's message, and the SQL that failed.
///
/// Catch it by code: `catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT`.
public struct DatabaseError: Error, CustomStringConvertible, Sendable {
    /// The extended result code (`SQLITE_CONSTRAINT_UNIQUE`, …).
    public let extendedResultCode: ResultCode
    /// SQLite's own message (`UNIQUE constraint failed: op.id`).
    public let message: String
    /// The SQL being run, when there was one.
    public let sql: String?
    /// The file being opened, when the error came while opening it: the command line names it to the operator.
    public let path: String?

    /// The primary result code (`SQLITE_CONSTRAINT`, …).
    public var resultCode: ResultCode { extendedResultCode.primaryResultCode }

    public init(resultCode: ResultCode, message: String, sql: String? = nil, path: String? = nil) {
        self.extendedResultCode = resultCode
        self.message = message
        self.sql = sql
        self.path = path
    }

    public var description: String {
        var text = "SQLite error \(extendedResultCode.rawValue): \(message)"
        if let sql {
            text += " — while executing `\(sql)`"
        }
        return text
    }
}
