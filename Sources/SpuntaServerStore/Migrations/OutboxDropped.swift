import SpuntaStore

/// A message may end `dropped`: a reminder (sollecito) whose notice was paid while it waited in the outbox is not
/// sent, and stays listed with why. SQLite cannot change a CHECK in place, so the table is copied: its own
/// definition with the one status added, every row and column as they are, then its indexes and triggers again —
/// whatever columns earlier steps gave it.
enum OutboxDropped {
    static func apply(_ db: Database) throws {
        let statuses = "'pending', 'sending', 'sent', 'failed', 'uncertain'"
        guard let definition: String = try db.scalar("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'outbox_message'"),
              let check = definition.range(of: "status IN (\(statuses))"),
              let name = definition.range(of: "CREATE TABLE outbox_message ") else {
            throw MigrationError.unexpectedSchema(table: "outbox_message", path: db.path)
        }
        var widened = definition
        widened.replaceSubrange(check, with: "status IN (\(statuses), 'dropped')")
        widened.replaceSubrange(name, with: "CREATE TABLE outbox_message_widened ")
        let dependents: [String] = try db.fetchAll("""
            SELECT sql FROM sqlite_master WHERE tbl_name = 'outbox_message' AND type IN ('index', 'trigger') AND sql IS NOT NULL
            ORDER BY type, name
            """).map { try $0[0] }
        try db.execute(widened)
        try db.execute("""
            INSERT INTO outbox_message_widened SELECT * FROM outbox_message;
            DROP TABLE outbox_message;
            ALTER TABLE outbox_message_widened RENAME TO outbox_message;
            """)
        for sql in dependents { try db.execute(sql) }
    }
}
