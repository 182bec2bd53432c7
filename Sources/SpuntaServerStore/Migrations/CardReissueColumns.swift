import SpuntaStore

/// Cards issued and replaced by the office (`spunta-server cards`): the instant a card was issued or revoked, for
/// `cards list` in Rome's time, and why it was revoked. Cards from the Comune's files keep only their days (NULL here).
enum CardReissueColumns {
    static func apply(_ db: Database) throws {
        try db.execute("""
            ALTER TABLE card ADD COLUMN issued_at TEXT;
            ALTER TABLE card ADD COLUMN revoked_at TEXT;
            ALTER TABLE card ADD COLUMN revoked_reason TEXT;
            """)
    }
}
