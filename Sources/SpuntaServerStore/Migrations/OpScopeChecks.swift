import SpuntaStore

/// What the per-child checks of a push leave behind.
///
/// - `op.scope_flag`: a fact kept although the master data does not cover it (`not_enrolled`: a child scanned
///   on a bus route he is not enrolled on that day), so that the merge can flag the ride for the office whatever
///   the order in which its ops arrive.
/// - `op_held`: voids whose target has not arrived yet (`merge_status = 'held'`); they are few, and the index
///   lets every merge find the ones a new op releases without reading the whole table.
/// - `conflict.decision`: what the office decided when closing a conflict that has a billing consequence
///   (`bill` or `no_bill` for a ride of a child not enrolled on the route).
/// - `device.ops_rejected`: how many of a device's ops the server refused, for the devices' listing.
enum OpScopeChecks {
    static func apply(_ db: Database) throws {
        try db.execute("""
            ALTER TABLE op ADD COLUMN scope_flag TEXT;
            ALTER TABLE conflict ADD COLUMN decision TEXT;
            ALTER TABLE device ADD COLUMN ops_rejected INTEGER NOT NULL DEFAULT 0;
            CREATE INDEX op_held ON op(target_op_id) WHERE merge_status = 'held';
            -- Voids stored before this step whose target never arrived wait for it like new ones do, so that the
            -- target's arrival makes the scope check.
            UPDATE op SET merge_status = 'held'
                WHERE type = 'void' AND merge_status = 'applied'
                    AND NOT EXISTS (SELECT 1 FROM op AS target WHERE target.id = op.target_op_id);
            UPDATE device SET ops_rejected = (SELECT COUNT(*) FROM op WHERE op.device_id = device.id AND op.merge_status = 'rejected');
            """)
    }
}
