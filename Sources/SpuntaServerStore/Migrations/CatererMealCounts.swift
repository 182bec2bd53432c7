import SpuntaStore

/// The caterer's daily count (conteggio pasti alla ditta di ristorazione).
///
/// - `site.caterer_name`, `site.caterer_email`: who cooks the site's meals and receives the count (none before).
/// - `site.meal_count_cutoff`: when the count is composed and sent, 09:30 unless the master data says otherwise.
/// - `caterer_message`: what was sent for a site and day — the count at the cut-off (`count`, once), each later
///   variation (`variation`, numbered) and the served meals at the end of the day (`served`, once) — with the
///   children counted in at that moment (`numbers`, JSON), against which the next variation is measured. The key
///   makes each exist once whatever restarts or concurrent rounds happen.
enum CatererMealCounts {
    static func apply(_ db: Database) throws {
        try db.execute("""
            ALTER TABLE site ADD COLUMN caterer_name TEXT;
            ALTER TABLE site ADD COLUMN caterer_email TEXT;
            ALTER TABLE site ADD COLUMN meal_count_cutoff TEXT NOT NULL DEFAULT '09:30';
            CREATE TABLE caterer_message (
                site_id TEXT NOT NULL,
                business_date TEXT NOT NULL,
                kind TEXT NOT NULL CHECK (kind IN ('count', 'variation', 'served')),
                number INTEGER NOT NULL,
                created_at TEXT NOT NULL,
                recipient TEXT,
                subject TEXT NOT NULL,
                body TEXT NOT NULL,
                total INTEGER NOT NULL,
                numbers TEXT NOT NULL,
                PRIMARY KEY (site_id, business_date, kind, number)
            ) STRICT;
            CREATE INDEX caterer_message_open ON caterer_message(business_date) WHERE kind = 'count';
            """)
    }
}
