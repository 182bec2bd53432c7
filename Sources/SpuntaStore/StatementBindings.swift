import CSQLite
import Foundation

/// Arguments bound one by one and typed, straight to a statement's parameters in order: what `StatementArguments`
/// binds, for the statements run for every op pushed, without an array of existential values built and walked, nor a
/// `DatabaseValue` made of each. A value binds exactly as it would in `StatementArguments` (the same SQLite calls), and
/// the count must match the SQL's parameters with the same error.
///
/// `try statement.execute { $0.add(id); $0.add(seq); $0.add(nil as String?) }`
public struct StatementBindings {
    let statement: Statement
    let parameterCount: Int32
    /// How many arguments were added.
    private(set) var count: Int32 = 0
    /// The first code SQLite refused a value with; nothing more is bound after it, so that its message stays the
    /// connection's last one until it is thrown.
    private(set) var failure: Int32 = SQLITE_OK

    init(statement: Statement, parameterCount: Int32) {
        self.statement = statement
        self.parameterCount = parameterCount
    }

    /// The parameter the next value binds to, or nil when none is bound any more (a failure, or more values than
    /// parameters: then only counted, for the error).
    private mutating func next() -> Int32? {
        count += 1
        return failure == SQLITE_OK && count <= parameterCount ? count : nil
    }

    private mutating func note(_ code: Int32) {
        if code != SQLITE_OK { failure = code }
    }

    public mutating func addNull() {
        if let index = next() { note(statement.bindNull(at: index)) }
    }

    public mutating func add(_ value: String?) {
        guard let index = next() else { return }
        note(value.map { statement.bind($0, at: index) } ?? statement.bindNull(at: index))
    }

    public mutating func add(_ value: Int64?) {
        guard let index = next() else { return }
        note(value.map { statement.bind($0, at: index) } ?? statement.bindNull(at: index))
    }

    public mutating func add(_ value: Int?) {
        add(value.map(Int64.init))
    }

    public mutating func add(_ value: Int32?) {
        add(value.map(Int64.init))
    }

    /// Bound as 1 or 0, as `Bool.databaseValue` is.
    public mutating func add(_ value: Bool?) {
        add(value.map { $0 ? 1 as Int64 : 0 })
    }

    public mutating func add(_ value: Double?) {
        guard let index = next() else { return }
        note(value.map { statement.bind($0, at: index) } ?? statement.bindNull(at: index))
    }

    public mutating func add(_ value: Data?) {
        guard let index = next() else { return }
        note(value.map { statement.bind($0, at: index) } ?? statement.bindNull(at: index))
    }

    /// Any convertible value, through its `databaseValue` (for the types the typed adds do not cover).
    public mutating func add(value: (any DatabaseValueConvertible)?) {
        guard let index = next() else { return }
        note(statement.bind(value?.databaseValue ?? .null, at: index))
    }
}
