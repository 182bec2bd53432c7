import SpuntaStore

/// A record kept in one row of its own table under an integer id the table assigns (a conflict, a statement, a
/// payment, a prepaid movement): its columns are named once (`columnNames`), read once (`init(row:from:)`) and
/// written once (`values`), in the same order, for every reader and writer of the table. A query that reads the
/// record with other tables selects `columns(of:)` first and its own columns after them, from `columnCount` on.
public protocol TableRecord {
    /// The table the record lives in.
    static var table: String { get }
    /// The statements built once from `table` and `columnNames` (`TableRecordSQL(table:columnNames:)`), so that a
    /// writer on a hot path does not join the column list at every row.
    static var sql: TableRecordSQL { get }
    /// The id the table gave the record when it was inserted.
    var id: Int64 { get }
    /// Reads the record from the `columnNames` of `row`, starting at column `first` (`id` there, the others after).
    init(row: Row, from first: Int) throws
    /// The values of `columnNames` without the id, in order: what an insert writes.
    var values: StatementArguments { get }
}

/// The SQL of a `TableRecord`, built once per type.
public struct TableRecordSQL: Sendable {
    /// `id, kind, …`: the column list, `id` first.
    public let columns: String
    public let columnNames: [String]
    /// `INSERT INTO t (every column but id) VALUES (…)`: the table assigns the id.
    public let insert: String
    /// `INSERT INTO t (id, every column) VALUES (…)`: puts back a record under the id it had.
    public let insertWithId: String

    /// `columnNames` start with `id`.
    public init(table: String, columnNames: [String]) {
        precondition(columnNames.first == "id", "a table record's columns start with its id")
        self.columnNames = columnNames
        columns = columnNames.joined(separator: ", ")
        let rest = columnNames.dropFirst()
        insert = "INSERT INTO \(table) (\(rest.joined(separator: ", "))) VALUES (\(rest.map { _ in "?" }.joined(separator: ", ")))"
        insertWithId = "INSERT INTO \(table) (\(columns)) VALUES (\(columnNames.map { _ in "?" }.joined(separator: ", ")))"
    }
}

extension TableRecord {
    /// `id, kind, …`: the select list of the record.
    public static var columns: String { sql.columns }

    /// How many columns `columns` names: a query may read more after them, from this index on.
    public static var columnCount: Int { sql.columnNames.count }

    /// `columns` qualified by a table's alias, for a query that joins the table to others.
    public static func columns(of alias: String) -> String {
        sql.columnNames.map { "\(alias).\($0)" }.joined(separator: ", ")
    }

    /// Reads the record from the first columns of `row`.
    public init(row: Row) throws {
        try self.init(row: row, from: 0)
    }

    /// The record with this id, nil when there is none.
    public static func load(_ db: Database, id: Int64) throws -> Self? {
        try db.fetchOne("SELECT \(columns) FROM \(table) WHERE id = ?", [id]).map { try Self(row: $0) }
    }

    /// The records that `condition` (an SQL expression on the table's columns) selects, in `order`.
    public static func fetchAll(_ db: Database, where condition: String, _ arguments: StatementArguments = [], order: String = "id")
        throws -> [Self] {
        try db.fetchAll("SELECT \(columns) FROM \(table) WHERE \(condition) ORDER BY \(order)", arguments).map { try Self(row: $0) }
    }

    /// Inserts the record (its `id` ignored) and returns the id the table gave it.
    @discardableResult
    public func insert(_ db: Database) throws -> Int64 {
        try db.run(Self.sql.insert, values)
        return db.lastInsertedRowID
    }

    /// Inserts the record under its own `id` (a record put back as it was).
    public func insertKeepingId(_ db: Database) throws {
        try db.run(Self.sql.insertWithId, [id] + values)
    }
}
