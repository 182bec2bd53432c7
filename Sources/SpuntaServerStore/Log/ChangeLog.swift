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

    /// One change to append with `record(_:_:at:)`.
    public struct Entry: Sendable {
        public let entity: String
        public let id: String
        public let action: Action
        /// In ascending order, each once: the order the entry's rows of `scope_log` are written in.
        public let keys: [String]

        /// `keys` must be in ascending order, each once (`Set.sorted()` gives them so): the merge logs every op it
        /// receives with keys it already has in order, and sorting them again for each was a cost of its own.
        public init(entity: String, id: String, action: Action = .upsert, keys: [String]) {
            assert(zip(keys, keys.dropFirst()).allSatisfy { $0 < $1 }, "change-log keys out of order or repeated")
            self.entity = entity
            self.id = id
            self.action = action
            self.keys = keys
        }
    }

    /// Appends `entries` in order, each indexed under its keys, and returns their sequence numbers in the same order:
    /// what `record` does for each, in a few statements of up to 64 rows (the merge logs every op it receives, an
    /// import every record it changes; a statement per row was most of the cost).
    public static func record(_ db: Database, _ entries: [Entry], at date: Date = Date()) throws -> [Int64] {
        let recordedAt = UTCTime.string(date, fractional: true)
        var seqs: [Int64] = []
        seqs.reserveCapacity(entries.count)
        for chunk in chunks(entries.count) {
            try db.run(entrySQL[chunk.count]) { row in
                for entry in entries[chunk] {
                    row.add(entry.entity); row.add(entry.id); row.add(entry.action.rawValue); row.add(recordedAt)
                }
            }
            // One statement's rows are inserted in order by the one writer, each taking the next number of the log.
            let last = db.lastInsertedRowID
            seqs += (0..<Int64(chunk.count)).map { last - Int64(chunk.count) + 1 + $0 }
        }
        var pairs: [(key: String, seq: Int64)] = []
        for (entry, seq) in zip(entries, seqs) {
            for key in entry.keys { pairs.append((key, seq)) }
        }
        for chunk in chunks(pairs.count) {
            try db.run(scopeSQL[chunk.count]) { row in
                for pair in pairs[chunk] {
                    row.add(pair.key); row.add(pair.seq)
                }
            }
        }
        return seqs
    }

    /// The inserts of `n` entries and of `n` scope keys, for each `n` a chunk can have (built once: every op merged
    /// and every record imported is logged).
    private static let entrySQL = (0...64).map { "INSERT INTO change_log (entity, entity_id, action, recorded_at) VALUES " + rows($0, "(?, ?, ?, ?)") }
    private static let scopeSQL = (0...64).map { "INSERT INTO scope_log (scope_key, seq) VALUES " + rows($0, "(?, ?)") }

    /// `count` rows cut into runs of 64, then of 32, 16 … 1: a few statement shapes, each prepared once per connection.
    public static func chunks(_ count: Int) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var start = 0
        for size in [64, 32, 16, 8, 4, 2, 1] {
            while count - start >= size {
                result.append(start..<(start + size))
                start += size
            }
        }
        return result
    }

    /// `(?, ?), (?, ?)…`: `count` copies of `row`.
    public static func rows(_ count: Int, _ row: String) -> String {
        Array(repeating: row, count: count).joined(separator: ", ")
    }

    /// A multi-row statement for each size a chunk can have: `head`, `count` copies of `row`, then `tail` (built once
    /// by the caller, so each shape is prepared once per connection).
    public static func statements(_ head: String, row: String, tail: String = "") -> [String] {
        (0...64).map { head + rows($0, row) + tail }
    }

    /// Writes `items` up to 64 rows a statement, through the `statements` of their shape, each item bound by `bind`.
    public static func write<Item>(
        _ db: Database, _ items: [Item], _ statements: [String], bind: (inout StatementBindings, Item) -> Void
    ) throws {
        for chunk in chunks(items.count) {
            try db.run(statements[chunk.count]) { row in
                for item in items[chunk] { bind(&row, item) }
            }
        }
    }

    /// The newest sequence number, 0 for an empty log.
    public static func head(_ db: Database) throws -> Int64 {
        try db.scalar("SELECT COALESCE(MAX(seq), 0) FROM change_log") ?? 0
    }
}
