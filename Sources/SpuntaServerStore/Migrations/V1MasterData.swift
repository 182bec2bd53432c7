import SpuntaStore

/// Master data (anagrafiche), the change log devices pull from, and the audit trail.
///
/// Master records are never deleted: a record removed by an import gets `deleted = 1`, so that ops and
/// bills that name it keep their meaning and devices receive a tombstone.
enum V1MasterData {
    static func apply(_ db: Database) throws {
        try db.execute("""
            CREATE TABLE municipality (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                name TEXT NOT NULL,
                fiscal_code TEXT NOT NULL,
                segregation_code TEXT NOT NULL,
                iban TEXT NOT NULL,
                province TEXT NOT NULL
            ) STRICT;

            CREATE TABLE school_year (
                id TEXT PRIMARY KEY,
                start_date TEXT NOT NULL,
                end_date TEXT NOT NULL,
                deleted INTEGER NOT NULL DEFAULT 0
            ) STRICT;

            CREATE TABLE closure (
                year_id TEXT NOT NULL REFERENCES school_year(id) DEFERRABLE INITIALLY DEFERRED,
                position INTEGER NOT NULL,
                from_date TEXT NOT NULL,
                to_date TEXT NOT NULL,
                reason TEXT NOT NULL,
                PRIMARY KEY (year_id, position)
            ) STRICT;

            CREATE TABLE site (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                address TEXT NOT NULL,
                deleted INTEGER NOT NULL DEFAULT 0
            ) STRICT;

            CREATE TABLE school_class (
                id TEXT PRIMARY KEY,
                site_id TEXT NOT NULL REFERENCES site(id) DEFERRABLE INITIALLY DEFERRED,
                year_id TEXT NOT NULL REFERENCES school_year(id) DEFERRABLE INITIALLY DEFERRED,
                name TEXT NOT NULL,
                teachers TEXT NOT NULL,
                deleted INTEGER NOT NULL DEFAULT 0
            ) STRICT;

            CREATE TABLE service (
                id TEXT PRIMARY KEY,
                kind TEXT NOT NULL,
                name TEXT NOT NULL,
                billing_mode TEXT NOT NULL,
                charge_basis TEXT NOT NULL,
                year_id TEXT NOT NULL REFERENCES school_year(id) DEFERRABLE INITIALLY DEFERRED,
                start_date TEXT NOT NULL,
                end_date TEXT NOT NULL,
                weekdays TEXT NOT NULL,
                cutoff TEXT,
                deleted INTEGER NOT NULL DEFAULT 0
            ) STRICT;

            CREATE TABLE service_site (
                service_id TEXT NOT NULL REFERENCES service(id) DEFERRABLE INITIALLY DEFERRED,
                site_id TEXT NOT NULL REFERENCES site(id) DEFERRABLE INITIALLY DEFERRED,
                position INTEGER NOT NULL,
                PRIMARY KEY (service_id, site_id)
            ) STRICT;

            CREATE TABLE diet (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                allergens TEXT NOT NULL,
                notes TEXT NOT NULL,
                deleted INTEGER NOT NULL DEFAULT 0
            ) STRICT;

            CREATE TABLE tariff (
                id TEXT PRIMARY KEY,
                service_id TEXT NOT NULL REFERENCES service(id) DEFERRABLE INITIALLY DEFERRED,
                name TEXT NOT NULL,
                unit TEXT NOT NULL,
                valid_from TEXT NOT NULL,
                valid_to TEXT,
                price_without_isee INTEGER NOT NULL,
                non_resident_price INTEGER,
                second_sibling_discount INTEGER NOT NULL,
                third_sibling_discount INTEGER NOT NULL,
                monthly_minimum INTEGER,
                monthly_maximum INTEGER,
                pro_rata INTEGER NOT NULL,
                deleted INTEGER NOT NULL DEFAULT 0
            ) STRICT;

            CREATE TABLE tariff_band (
                tariff_id TEXT NOT NULL REFERENCES tariff(id) DEFERRABLE INITIALLY DEFERRED,
                position INTEGER NOT NULL,
                up_to INTEGER,
                price INTEGER NOT NULL,
                PRIMARY KEY (tariff_id, position)
            ) STRICT;

            CREATE TABLE route (
                id TEXT PRIMARY KEY,
                service_id TEXT NOT NULL REFERENCES service(id) DEFERRABLE INITIALLY DEFERRED,
                name TEXT NOT NULL,
                deleted INTEGER NOT NULL DEFAULT 0
            ) STRICT;

            CREATE TABLE stop (
                id TEXT PRIMARY KEY,
                route_id TEXT NOT NULL REFERENCES route(id) DEFERRABLE INITIALLY DEFERRED,
                position INTEGER NOT NULL,
                name TEXT NOT NULL,
                outbound_time TEXT NOT NULL,
                return_time TEXT NOT NULL,
                deleted INTEGER NOT NULL DEFAULT 0
            ) STRICT;
            CREATE INDEX stop_route ON stop(route_id, position);

            CREATE TABLE payer (
                id TEXT PRIMARY KEY,
                fiscal_code TEXT NOT NULL,
                surname TEXT NOT NULL,
                given_name TEXT NOT NULL,
                email TEXT,
                mobile TEXT,
                pec TEXT,
                address TEXT,
                resident INTEGER NOT NULL,
                isee INTEGER,
                isee_filed TEXT,
                isee_expires TEXT,
                notify_email INTEGER NOT NULL,
                notify_sms INTEGER NOT NULL,
                low_balance_threshold INTEGER,
                deleted INTEGER NOT NULL DEFAULT 0
            ) STRICT;

            CREATE TABLE beneficiary (
                id TEXT PRIMARY KEY,
                fiscal_code TEXT NOT NULL,
                surname TEXT NOT NULL,
                given_name TEXT NOT NULL,
                birth_date TEXT NOT NULL,
                class_id TEXT REFERENCES school_class(id) DEFERRABLE INITIALLY DEFERRED,
                deleted INTEGER NOT NULL DEFAULT 0
            ) STRICT;
            CREATE INDEX beneficiary_class ON beneficiary(class_id);

            CREATE TABLE beneficiary_payer (
                beneficiary_id TEXT NOT NULL REFERENCES beneficiary(id) DEFERRABLE INITIALLY DEFERRED,
                payer_id TEXT NOT NULL REFERENCES payer(id) DEFERRABLE INITIALLY DEFERRED,
                is_primary INTEGER NOT NULL,
                position INTEGER NOT NULL,
                PRIMARY KEY (beneficiary_id, payer_id)
            ) STRICT;
            CREATE INDEX beneficiary_payer_payer ON beneficiary_payer(payer_id);

            CREATE TABLE enrollment (
                id TEXT PRIMARY KEY,
                beneficiary_id TEXT NOT NULL REFERENCES beneficiary(id) DEFERRABLE INITIALLY DEFERRED,
                service_id TEXT NOT NULL REFERENCES service(id) DEFERRABLE INITIALLY DEFERRED,
                site_id TEXT REFERENCES site(id) DEFERRABLE INITIALLY DEFERRED,
                diet_id TEXT REFERENCES diet(id) DEFERRABLE INITIALLY DEFERRED,
                route_id TEXT REFERENCES route(id) DEFERRABLE INITIALLY DEFERRED,
                outbound_stop_id TEXT REFERENCES stop(id) DEFERRABLE INITIALLY DEFERRED,
                return_stop_id TEXT REFERENCES stop(id) DEFERRABLE INITIALLY DEFERRED,
                tariff_id TEXT REFERENCES tariff(id) DEFERRABLE INITIALLY DEFERRED,
                start_date TEXT NOT NULL,
                end_date TEXT,
                exemption_percent INTEGER NOT NULL,
                deleted INTEGER NOT NULL DEFAULT 0
            ) STRICT;
            CREATE INDEX enrollment_beneficiary ON enrollment(beneficiary_id);
            CREATE INDEX enrollment_service_site ON enrollment(service_id, site_id);
            CREATE INDEX enrollment_route ON enrollment(route_id);

            CREATE TABLE card (
                id TEXT PRIMARY KEY,
                beneficiary_id TEXT NOT NULL REFERENCES beneficiary(id) DEFERRABLE INITIALLY DEFERRED,
                issued_on TEXT NOT NULL,
                revoked_on TEXT,
                deleted INTEGER NOT NULL DEFAULT 0
            ) STRICT;
            CREATE INDEX card_beneficiary ON card(beneficiary_id);

            -- One ordered log of every change to master data; devices pull from it by cursor (seq).
            CREATE TABLE change_log (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                entity TEXT NOT NULL,
                entity_id TEXT NOT NULL,
                action TEXT NOT NULL CHECK (action IN ('upsert', 'delete')),
                recorded_at TEXT NOT NULL
            ) STRICT;

            -- Append-only trail of admin actions (imports, enrollments of devices, resolutions…).
            CREATE TABLE audit_log (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                recorded_at TEXT NOT NULL,
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                subject TEXT NOT NULL,
                details TEXT NOT NULL
            ) STRICT;
            CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log
                BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
            CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log
                BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
            """)
    }
}
