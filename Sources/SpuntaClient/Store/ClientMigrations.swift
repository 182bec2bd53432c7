import SpuntaStore

/// The device database's schema steps, in release order. A released step is never edited.
public enum ClientMigrations {
    public static var migrator: Migrator {
        var m = Migrator()
        m.registerMigration("v1-device", V1Device.apply)
        m.registerMigration("v2-enrollment-attempts", V2EnrollmentAttempts.apply)
        m.registerMigration("v3-sync-refused-unknown", V3SyncRefusedUnknown.apply)
        m.registerMigration("v4-recent-listing") { db in
            // The numbers `spunta recent` last showed: `spunta void N` cancels what the person saw as N, whatever
            // was recorded since.
            try db.execute("""
                CREATE TABLE recent_listing (
                    number INTEGER PRIMARY KEY,
                    op_id TEXT NOT NULL,
                    shown_at TEXT NOT NULL
                ) STRICT;
                """)
        }
        m.registerMigration("v5-peer-justification-reason", V5PeerJustificationReason.apply)
        m.registerMigration("v6-absence-periods") { db in
            // Periodi di assenza, own and pulled, by the days they cover: the register, the door and the count ask
            // "is this child away today?" without reading every op's JSON.
            try db.execute("""
                CREATE TABLE absence_period (
                    op_id TEXT PRIMARY KEY,
                    beneficiary_id TEXT NOT NULL,
                    class_id TEXT NOT NULL,
                    from_date TEXT NOT NULL,
                    to_date TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    hlc INTEGER NOT NULL
                ) STRICT;
                CREATE INDEX absence_period_child ON absence_period(beneficiary_id, from_date);
                """)
        }
        m.registerMigration("v7-dated-class-membership") { db in
            // The dates a child is in its class. The replica is downloaded again at the next sync (no cursor: a
            // snapshot), so the children already held get their dates too.
            try db.execute("""
                ALTER TABLE beneficiary ADD COLUMN class_from TEXT;
                ALTER TABLE beneficiary ADD COLUMN class_to TEXT;
                UPDATE device SET cursor = NULL;
                """)
        }
        m.registerMigration("v8-severe-allergy-plan") { db in
            // The emergency plan of a child's severe allergy, shown first; downloaded again at the next sync.
            try db.execute("ALTER TABLE beneficiary ADD COLUMN emergency_plan TEXT; UPDATE device SET cursor = NULL;")
        }
        m.registerMigration("v9-bus-school-of-child") { db in
            // The child's school on the bus (the enrollment's, else the class's plesso); downloaded again.
            try db.execute("""
                ALTER TABLE beneficiary ADD COLUMN class_site_id TEXT;
                ALTER TABLE enrollment ADD COLUMN school_id TEXT;
                UPDATE device SET cursor = NULL;
                """)
        }
        m.registerMigration("v10-enrollment-options") { db in
            // The enrollment's tariff option and its dated changes (JSON, as on the wire), and the services' options
            // inside their records: the door and the kitchen count expect a three-day pupil on the option's days
            // only. Downloaded again at the next sync.
            try db.execute("""
                ALTER TABLE enrollment ADD COLUMN option_id TEXT;
                ALTER TABLE enrollment ADD COLUMN option_changes TEXT;
                UPDATE device SET cursor = NULL;
                """)
        }
        return m
    }
}

/// The device, its replica of the scope, its outbox, and the ops of the other devices of the scope.
enum V1Device {
    static func apply(_ db: Database) throws {
        try db.execute("""
            -- The device itself: one row once enrolled.
            CREATE TABLE device (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                device_id TEXT NOT NULL,
                name TEXT NOT NULL,
                role TEXT NOT NULL,
                scope TEXT NOT NULL,
                server_url TEXT NOT NULL,
                token TEXT NOT NULL,
                municipality TEXT NOT NULL,
                epoch TEXT NOT NULL,
                cursor TEXT,
                enrolled_at TEXT NOT NULL
            ) STRICT;

            -- Numbers of this database instance: ops are numbered per instance, stamps never go back.
            CREATE TABLE instance (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                instance_id TEXT NOT NULL,
                last_seq INTEGER NOT NULL,
                last_hlc INTEGER NOT NULL
            ) STRICT;

            CREATE TABLE sync_state (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                last_success_at TEXT,
                last_attempt_at TEXT,
                last_error TEXT,
                last_error_code TEXT,
                revoked INTEGER NOT NULL DEFAULT 0,
                blocked INTEGER NOT NULL DEFAULT 0,
                clock_offset_ms INTEGER
            ) STRICT;

            -- Replica: small records as JSON by kind; the three a scan needs, in their own indexed tables.
            CREATE TABLE record (
                entity TEXT NOT NULL,
                id TEXT NOT NULL,
                body TEXT NOT NULL,
                PRIMARY KEY (entity, id)
            ) STRICT, WITHOUT ROWID;

            CREATE TABLE beneficiary (
                id TEXT PRIMARY KEY,
                surname TEXT NOT NULL,
                given_name TEXT NOT NULL,
                class_id TEXT
            ) STRICT;
            CREATE INDEX beneficiary_class ON beneficiary(class_id);

            CREATE TABLE enrollment (
                id TEXT PRIMARY KEY,
                beneficiary_id TEXT NOT NULL,
                service_id TEXT NOT NULL,
                site_id TEXT,
                diet_id TEXT,
                route_id TEXT,
                outbound_stop_id TEXT,
                return_stop_id TEXT,
                start_date TEXT NOT NULL,
                end_date TEXT
            ) STRICT;
            CREATE INDEX enrollment_beneficiary ON enrollment(beneficiary_id);

            CREATE TABLE card (
                id TEXT PRIMARY KEY,
                beneficiary_id TEXT NOT NULL,
                revoked_on TEXT
            ) STRICT;

            -- Own ops, in recording order. Kept after acknowledgement for re-pushing after a server restore.
            CREATE TABLE outbox (
                seq INTEGER PRIMARY KEY,
                id TEXT NOT NULL UNIQUE,
                json TEXT NOT NULL,
                type TEXT NOT NULL,
                beneficiary_id TEXT,
                business_date TEXT NOT NULL,
                service_id TEXT,
                route_id TEXT,
                direction TEXT,
                status TEXT,
                target_op_id TEXT,
                created_at TEXT NOT NULL,
                state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'acked', 'rejected')),
                result_code TEXT,
                result_message TEXT,
                outcome TEXT,
                acked_at TEXT
            ) STRICT;
            CREATE INDEX outbox_state ON outbox(state, seq);
            CREATE INDEX outbox_subject ON outbox(beneficiary_id, business_date);

            -- Other devices' ops of the scope, as pulled.
            CREATE TABLE peer_op (
                id TEXT PRIMARY KEY,
                device_id TEXT NOT NULL,
                type TEXT NOT NULL,
                beneficiary_id TEXT,
                business_date TEXT NOT NULL,
                service_id TEXT,
                site_id TEXT,
                class_id TEXT,
                route_id TEXT,
                stop_id TEXT,
                direction TEXT,
                status TEXT,
                time TEXT,
                target_op_id TEXT,
                hlc INTEGER NOT NULL,
                wall_time_ms INTEGER NOT NULL
            ) STRICT;
            CREATE INDEX peer_op_subject ON peer_op(beneficiary_id, business_date);
            CREATE INDEX peer_op_target ON peer_op(target_op_id) WHERE target_op_id IS NOT NULL;
            """)
    }
}

/// The token a device proposes for each code it tries, committed before the request leaves: when the answer is
/// lost, the same code tried again from the same folder carries the same token and the server answers again, so
/// the device ends up holding the token the server knows. A code's row goes once its enrollment is stored; the rows
/// of codes never answered stay, so that no token the server may have accepted is ever thrown away.
enum V2EnrollmentAttempts {
    static func apply(_ db: Database) throws {
        try db.execute("""
            CREATE TABLE enrollment_attempt (
                code TEXT PRIMARY KEY,
                token TEXT NOT NULL,
                created_at TEXT NOT NULL
            ) STRICT;
            """)
    }
}

/// The server answered that it does not know the device (restored from a backup older than the enrollment): kept
/// until a sync succeeds or the device enrolls again, so that `status` says so whatever was tried since.
enum V3SyncRefusedUnknown {
    static func apply(_ db: Database) throws {
        try db.execute("ALTER TABLE sync_state ADD COLUMN unknown_to_server INTEGER NOT NULL DEFAULT 0")
    }
}

/// The reason of another device's justification (the co-teacher's), so that the register lists it: before, a
/// pulled justification kept only the day it justified. Rows pulled earlier keep no reason.
enum V5PeerJustificationReason {
    static func apply(_ db: Database) throws {
        try db.execute("ALTER TABLE peer_op ADD COLUMN reason TEXT")
    }
}
