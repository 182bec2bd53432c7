import Foundation

/// An ordered list of named schema steps (Italian: migrazioni). Each step runs once, in its own
/// transaction, and is recorded in `schema_migrations`; `PRAGMA user_version` holds how many ran.
/// A released step is never edited: change the schema with a new step.
public struct Migrator: Sendable {
    public typealias Step = @Sendable (Database) throws -> Void

    private var steps: [(identifier: String, body: Step)] = []

    public init() {}

    /// Adds a step. Identifiers are unique and read like `v2-cards`.
    public mutating func registerMigration(_ identifier: String, _ body: @escaping Step) {
        precondition(!steps.contains { $0.identifier == identifier }, "migration \(identifier) registered twice")
        steps.append((identifier, body))
    }

    /// Identifiers of every registered step, in order.
    public var identifiers: [String] { steps.map(\.identifier) }

    /// The schema version the code expects: the number of registered steps.
    public var latestVersion: Int { steps.count }

    /// Identifiers already applied to `db`, in the order they ran.
    public func appliedIdentifiers(_ db: Database) throws -> [String] {
        try createTable(db)
        return try db.fetchAll("SELECT identifier FROM schema_migrations ORDER BY version").map { try $0[0] }
    }

    /// Applies every step not yet applied. Fails, changing nothing, when the database holds a step this code
    /// does not know (it was written by a newer version of the program).
    public func migrate(_ db: Database) throws {
        try migrate(db, steps: steps)
    }

    /// Applies the steps not yet applied up to and including `identifier`: the schema as the release that ended
    /// with that step left it, so that a test can check what a later step does to its data.
    public func migrate(_ queue: DatabaseQueue, through identifier: String) throws {
        guard let last = steps.firstIndex(where: { $0.identifier == identifier }) else {
            preconditionFailure("no migration step \(identifier)")
        }
        try queue.withConnection { try migrate($0, steps: Array(steps[...last])) }
    }

    private func migrate(_ db: Database, steps: [(identifier: String, body: Step)]) throws {
        try createTable(db)
        let applied = try appliedIdentifiers(db)
        let known = Set(identifiers)
        if let unknown = applied.first(where: { !known.contains($0) }) {
            throw MigrationError.unknownMigration(identifier: unknown, path: db.path)
        }
        let appliedSet = Set(applied)
        for (offset, step) in steps.enumerated() where !appliedSet.contains(step.identifier) {
            try db.inTransaction(.immediate) {
                try step.body(db)
                try db.run(
                    // SQLite writes the instant, as UTCTime would (the store sits below the domain that holds it).
                    "INSERT INTO schema_migrations (version, identifier, applied_at) VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
                    [offset + 1, step.identifier]
                )
                try db.execute("PRAGMA user_version = \(offset + 1)")
            }
        }
    }

    public func migrate(_ queue: DatabaseQueue) throws {
        try queue.withConnection { try migrate($0) }
    }

    private func createTable(_ db: Database) throws {
        try db.execute("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version INTEGER PRIMARY KEY,
                identifier TEXT NOT NULL UNIQUE,
                applied_at TEXT NOT NULL
            )
            """)
    }
}

/// A schema migration that cannot be applied.
public enum MigrationError: Error, CustomStringConvertible, Sendable {
    case unknownMigration(identifier: String, path: String)
    /// A step found a table unlike the one the earlier steps create: the file was changed by hand or by another program.
    case unexpectedSchema(table: String, path: String)

    public var description: String {
        switch self {
        case .unknownMigration(let identifier, let path):
            return "the database \(path) has schema step \(identifier), unknown to this version: upgrade the program"
        case .unexpectedSchema(let table, let path):
            return "la tabella \(table) dell'archivio \(path) non è come la creano le versioni precedenti di Spunta: "
                + "l'aggiornamento si è fermato senza cambiare nulla. Ripristinare l'ultimo backup e riprovare."
        }
    }
}
