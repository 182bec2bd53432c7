import SpuntaStore

/// What each device last said waits on it (its `Spunta-Device-Backlog` report): ops not yet acknowledged, since
/// when the oldest waits (an instant of the server's clock, computed from the age the device measured), and the
/// last error the device met, with when the server heard it.
enum DeviceBacklogColumns {
    static func apply(_ db: Database) throws {
        try db.execute("""
            ALTER TABLE device ADD COLUMN backlog_ops INTEGER;
            ALTER TABLE device ADD COLUMN backlog_oldest_since TEXT;
            ALTER TABLE device ADD COLUMN backlog_error TEXT;
            ALTER TABLE device ADD COLUMN backlog_error_code TEXT;
            ALTER TABLE device ADD COLUMN backlog_error_at TEXT;
            ALTER TABLE device ADD COLUMN backlog_reported_at TEXT;
            """)
    }
}
