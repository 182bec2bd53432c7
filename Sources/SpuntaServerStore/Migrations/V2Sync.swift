import Foundation
import SpuntaStore

/// Devices, the ops they push, the state merged from them, conflicts, and the scope index of the change log.
///
/// `op` keeps every op as received (the body verbatim) with how the merge classified it; `attendance`, `meal`,
/// `ride` and `justification` are derived from the ops and can be recomputed from them at any time; the
/// billing reads only these derived tables and the ops they name.
enum V2Sync {
    static func apply(_ db: Database) throws {
        try db.execute("""
            CREATE TABLE server_meta (
                key TEXT PRIMARY KEY,
                value TEXT NOT NULL
            ) STRICT;

            CREATE TABLE device (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                role TEXT NOT NULL CHECK (role IN ('teacher', 'bus', 'canteen')),
                scope TEXT NOT NULL,
                scope_version INTEGER NOT NULL DEFAULT 1,
                created_at TEXT NOT NULL,
                code_hash TEXT UNIQUE,
                code_expires_at TEXT,
                enrolled_at TEXT,
                token_hash TEXT UNIQUE,
                label TEXT,
                app_version TEXT,
                protocol INTEGER,
                instance TEXT,
                last_seq INTEGER NOT NULL DEFAULT 0,
                blocked_reason TEXT,
                revoked_at TEXT,
                last_seen_at TEXT,
                last_push_at TEXT,
                last_pull_at TEXT,
                ops_received INTEGER NOT NULL DEFAULT 0,
                pulled_seq INTEGER NOT NULL DEFAULT 0,
                snapshot_scope_version INTEGER NOT NULL DEFAULT 0,
                clock_offset_ms INTEGER,
                last_error TEXT,
                last_error_at TEXT
            ) STRICT;

            CREATE TABLE op (
                id TEXT PRIMARY KEY,
                device_id TEXT NOT NULL,
                instance TEXT NOT NULL,
                seq INTEGER NOT NULL,
                hlc INTEGER NOT NULL,
                wall_time_ms INTEGER NOT NULL,
                business_date TEXT NOT NULL,
                type TEXT NOT NULL,
                beneficiary_id TEXT,
                service_id TEXT,
                site_id TEXT,
                class_id TEXT,
                route_id TEXT,
                stop_id TEXT,
                direction TEXT,
                status TEXT,
                time TEXT,
                absence_date TEXT,
                card_id TEXT,
                target_op_id TEXT,
                body TEXT NOT NULL,
                received_ms INTEGER NOT NULL,
                merge_status TEXT NOT NULL,
                reject_code TEXT,
                reject_message TEXT,
                log_seq INTEGER
            ) STRICT;
            CREATE INDEX op_subject ON op(beneficiary_id, business_date);
            CREATE INDEX op_target ON op(target_op_id) WHERE target_op_id IS NOT NULL;

            -- Register (registro): the winning mark per child and day, last writer by (hlc, device_id).
            CREATE TABLE attendance (
                beneficiary_id TEXT NOT NULL,
                business_date TEXT NOT NULL,
                class_id TEXT NOT NULL,
                status TEXT NOT NULL,
                time TEXT,
                op_id TEXT NOT NULL,
                PRIMARY KEY (beneficiary_id, business_date)
            ) STRICT, WITHOUT ROWID;

            CREATE TABLE justification (
                beneficiary_id TEXT NOT NULL,
                absence_date TEXT NOT NULL,
                reason TEXT NOT NULL,
                op_id TEXT NOT NULL,
                PRIMARY KEY (beneficiary_id, absence_date)
            ) STRICT, WITHOUT ROWID;

            -- One billable meal per child, service and day, however many scans; `op_id` is the scan billed.
            CREATE TABLE meal (
                beneficiary_id TEXT NOT NULL,
                service_id TEXT NOT NULL,
                business_date TEXT NOT NULL,
                site_id TEXT NOT NULL,
                op_id TEXT NOT NULL,
                scans INTEGER NOT NULL,
                PRIMARY KEY (beneficiary_id, service_id, business_date)
            ) STRICT, WITHOUT ROWID;
            CREATE INDEX meal_date ON meal(business_date);

            -- One ride per child, route, day and direction: where the child got on and off.
            CREATE TABLE ride (
                beneficiary_id TEXT NOT NULL,
                route_id TEXT NOT NULL,
                business_date TEXT NOT NULL,
                direction TEXT NOT NULL,
                boarding_op_id TEXT,
                boarding_stop_id TEXT,
                alighting_op_id TEXT,
                alighting_stop_id TEXT,
                PRIMARY KEY (beneficiary_id, route_id, business_date, direction)
            ) STRICT, WITHOUT ROWID;
            CREATE INDEX ride_date ON ride(business_date);

            CREATE TABLE conflict (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                kind TEXT NOT NULL,
                subject TEXT NOT NULL,
                beneficiary_id TEXT,
                business_date TEXT,
                details TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('open', 'resolved')),
                opened_at TEXT NOT NULL,
                resolved_at TEXT,
                resolved_by TEXT,
                resolution TEXT,
                UNIQUE (kind, subject)
            ) STRICT;
            CREATE INDEX conflict_status ON conflict(status, business_date);

            -- Which scope keys (class:…, site:…, route:…, all) each change-log entry concerns, so that a device
            -- reads only its own part of the log.
            CREATE TABLE scope_log (
                scope_key TEXT NOT NULL,
                seq INTEGER NOT NULL,
                PRIMARY KEY (scope_key, seq)
            ) STRICT, WITHOUT ROWID;
            """)
        try db.run("INSERT INTO server_meta (key, value) VALUES ('epoch', ?)", [UUID().uuidString.lowercased()])
        try db.run("INSERT INTO server_meta (key, value) VALUES ('log_horizon', '0')")
    }
}
