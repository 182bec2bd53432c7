import CSQLite
import Foundation

/// Column names of a result, shared by all its rows, with a lookup by name.
@usableFromInline
final class ColumnNames: Sendable {
    @usableFromInline let names: [String]
    @usableFromInline let indexByName: [String: Int]

    init(_ names: [String]) {
        self.names = names
        var index: [String: Int] = [:]
        for (offset, name) in names.enumerated() where index[name.lowercased()] == nil {
            index[name.lowercased()] = offset
        }
        self.indexByName = index
    }
}

/// An error reading a row: a missing column, or a value of the wrong type (NULL for a non-optional).
public struct RowDecodingError: Error, CustomStringConvertible, Sendable {
    public let column: String
    public let value: DatabaseValue
    public let expected: String
    public let sql: String?

    @usableFromInline
    init(column: String, value: DatabaseValue, expected: String, sql: String?) {
        self.column = column
        self.value = value
        self.expected = expected
        self.sql = sql
    }

    public var description: String {
        "cannot read column \(column) (\(value)) as \(expected)" + (sql.map { " in `\($0)`" } ?? "")
    }
}

/// One row of a result, copied out of the statement.
///
/// Read with a type: `let name: String = try row["name"]`, `let age: Int? = try row[2]`.
public struct Row: Sendable {
    public let values: [DatabaseValue]
    @usableFromInline let names: ColumnNames
    @usableFromInline let sql: String?

    public var columnNames: [String] { names.names }

    /// Inlinable so that callers in other modules get it specialized for their type: through the generic
    /// entry point every column read looks up type metadata, which costs more than the query.
    @inlinable
    public subscript<T: DatabaseValueConvertible>(_ index: Int) -> T {
        get throws {
            guard values.indices.contains(index) else {
                throw RowDecodingError(column: "#\(index)", value: .null, expected: "\(T.self)", sql: sql)
            }
            guard let value = T.fromDatabaseValue(values[index]) else {
                throw RowDecodingError(column: names.names[index], value: values[index], expected: "\(T.self)", sql: sql)
            }
            return value
        }
    }

    @inlinable
    public subscript<T: DatabaseValueConvertible>(_ name: String) -> T {
        get throws {
            guard let index = names.indexByName[name.lowercased()] else {
                throw RowDecodingError(column: name, value: .null, expected: "\(T.self)", sql: sql)
            }
            return try self[index]
        }
    }

    /// The raw value of a column, or NULL when there is no such column.
    public func value(named name: String) -> DatabaseValue {
        guard let index = names.indexByName[name.lowercased()] else { return .null }
        return values[index]
    }
}

/// The current row of a running statement: reads columns without copying the whole row.
/// Valid only inside the closure that receives it.
public struct RowCursor {
    @usableFromInline let statement: Statement

    init(statement: Statement) {
        self.statement = statement
    }

    public var count: Int { Int(sqlite3_column_count(statement.handle)) }

    /// Inlinable, as `Row`'s subscript, so that a caller reading thousands of rows gets it specialized for its type.
    @inlinable
    public subscript<T: DatabaseValueConvertible>(_ index: Int) -> T {
        get throws {
            let value = statement.columnValue(Int32(index))
            guard let result = T.fromDatabaseValue(value) else {
                throw RowDecodingError(column: statement.columnName(index), value: value, expected: "\(T.self)", sql: statement.sql)
            }
            return result
        }
    }

    public func value(at index: Int) -> DatabaseValue {
        statement.columnValue(Int32(index))
    }

    func copy(names: ColumnNames) -> Row {
        let values = (0..<Int32(names.names.count)).map { statement.columnValue($0) }
        return Row(values: values, names: names, sql: statement.sql)
    }
}

/// A row's columns read by position and by what SQLite stores in them, with no conversion: the text of a column that
/// holds text, the integer of one that holds an integer, nil otherwise (NULL, another storage class, no such column).
///
/// For an entity read thousands of times a second (the merge's ops) that checks each value itself: one `init` over
/// `some ColumnReading` reads a copied `Row` and a `RowCursor` alike, the cursor without making a `DatabaseValue` of
/// every column nor an array of them for every row.
public protocol ColumnReading {
    /// How many columns the row has.
    var count: Int { get }
    /// The column's text, or nil when it does not hold text.
    func text(at index: Int) -> String?
    /// The column's integer, or nil when it does not hold an integer.
    func integer(at index: Int) -> Int64?
}

extension Row: ColumnReading {
    public var count: Int { values.count }

    public func text(at index: Int) -> String? {
        guard values.indices.contains(index), case .text(let text) = values[index] else { return nil }
        return text
    }

    public func integer(at index: Int) -> Int64? {
        guard values.indices.contains(index), case .integer(let value) = values[index] else { return nil }
        return value
    }
}

extension RowCursor: ColumnReading {
    public func text(at index: Int) -> String? {
        statement.columnType(index) == SQLITE_TEXT ? statement.columnText(Int32(index)) : nil
    }

    public func integer(at index: Int) -> Int64? {
        statement.columnType(index) == SQLITE_INTEGER ? sqlite3_column_int64(statement.handle, Int32(index)) : nil
    }
}
