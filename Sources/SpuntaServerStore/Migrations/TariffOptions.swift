import SpuntaStore

/// Tariff options within a service (opzioni tariffarie: nursery full time or part time, canteen five or three
/// days), the option each enrollment picks with its dated changes (`date=option` separated by `;`), and the
/// nursery's structures on a monthly tariff: a daily attendance part and the reductions of the fixed part for a long
/// illness and for the Comune's own closures. Defaults keep every tariff and enrollment as it was.
enum TariffOptions {
    static func apply(_ db: Database) throws {
        try db.execute("""
            CREATE TABLE service_option (
                service_id TEXT NOT NULL REFERENCES service(id),
                position INTEGER NOT NULL,
                id TEXT NOT NULL,
                name TEXT NOT NULL,
                weekdays TEXT NOT NULL DEFAULT '',
                PRIMARY KEY (service_id, position)
            ) STRICT;
            ALTER TABLE tariff ADD COLUMN option_id TEXT;
            ALTER TABLE tariff ADD COLUMN daily_price INTEGER;
            ALTER TABLE tariff ADD COLUMN illness_days INTEGER NOT NULL DEFAULT 5;
            ALTER TABLE tariff ADD COLUMN illness_reduction INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE tariff ADD COLUMN closure_reduction INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE enrollment ADD COLUMN option_id TEXT;
            ALTER TABLE enrollment ADD COLUMN option_changes TEXT NOT NULL DEFAULT '';
            """)
    }
}
