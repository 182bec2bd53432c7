import SpuntaStore

/// Absence periods (periodi di assenza): an `absence_period_recorded` op keeps its first day in `op.absence_date`
/// and its last in `op.absence_to`, so that the merge finds the periods covering a child's day with one indexed
/// query instead of reading every op's body.
enum AbsencePeriods {
    static func apply(_ db: Database) throws {
        try db.execute("""
            ALTER TABLE op ADD COLUMN absence_to TEXT;
            CREATE INDEX op_absence_period ON op(beneficiary_id, absence_date) WHERE type = 'absence_period_recorded';
            """)
    }
}
