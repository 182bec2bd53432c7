import Foundation
import SpuntaDomain
import SpuntaStore

/// Il registro delle modifiche: the ordered log of master-data changes that devices pull by cursor.
public enum ChangeLog {
    public enum Action: String, Sendable {
        case upsert, delete
    }

    /// Appends one change in the caller's transaction, indexed under `keys`, and returns its sequence number.
    @discardableResult
    public static func record(
        _ db: Database, entity: String, id: String, action: Action, keys: Set<String>, at date: Date = Date()
    ) throws -> Int64 {
        try db.run(
            "INSERT INTO change_log (entity, entity_id, action, recorded_at) VALUES (?, ?, ?, ?)",
            [entity, id, action.rawValue, UTCTime.string(date, fractional: true)]
        )
        let seq = db.lastInsertedRowID
        // One statement for all the keys (an op has one or two): the merge records an entry for every op it receives.
        guard !keys.isEmpty else { return seq }
        var arguments: StatementArguments = []
        for key in keys.sorted() { arguments += [key, seq] }
        try db.run("INSERT INTO scope_log (scope_key, seq) VALUES " + Array(repeating: "(?, ?)", count: keys.count).joined(separator: ", "), arguments)
        return seq
    }

    /// The newest sequence number, 0 for an empty log.
    public static func head(_ db: Database) throws -> Int64 {
        try db.scalar("SELECT COALESCE(MAX(seq), 0) FROM change_log") ?? 0
    }
}
