import SpuntaStore

/// The server database's schema steps, in release order. A released step is never edited.
public enum ServerMigrations {
    public static var migrator: Migrator {
        var m = Migrator()
        m.registerMigration("v1-master-data", V1MasterData.apply)
        m.registerMigration("v2-sync", V2Sync.apply)
        m.registerMigration("v3-billing", V3Billing.apply)
        m.registerMigration("v4-device-clock-history", DeviceClockHistory.apply)
        m.registerMigration("v5-payment-excess", PaymentExcess.apply)
        m.registerMigration("v6-outbox-dropped", OutboxDropped.apply)
        m.registerMigration("v7-op-scope-checks", OpScopeChecks.apply)
        m.registerMigration("v8-prepaid-position-by-child") { db in
            // The credit a canteen door shows is read per child and service, across payers.
            try db.execute("CREATE INDEX prepaid_position_child ON prepaid_position(beneficiary_id, service_id)")
        }
        m.registerMigration("v9-device-backlog", DeviceBacklogColumns.apply)
        m.registerMigration("v10-monitoring-rules-and-office-alerts", MonitoringRulesAndAlerts.apply)
        m.registerMigration("v11-admin-web-sessions", AdminWebSessions.apply)
        m.registerMigration("v12-card-reissue-columns", CardReissueColumns.apply)
        m.registerMigration("v13-absence-periods", AbsencePeriods.apply)
        m.registerMigration("v14-caterer-meal-counts", CatererMealCounts.apply)
        m.registerMigration("v15-payer-phone") { db in
            // A landline the office gave as a mobile is kept here instead of refusing the import (see exchange.md).
            try db.execute("ALTER TABLE payer ADD COLUMN phone TEXT")
        }
        m.registerMigration("v16-closure-services-and-sites") { db in
            // A closure of some services or sites only (ids separated by commas); both empty: the whole Comune.
            try db.execute("""
                ALTER TABLE closure ADD COLUMN service_ids TEXT NOT NULL DEFAULT '';
                ALTER TABLE closure ADD COLUMN site_ids TEXT NOT NULL DEFAULT '';
                """)
        }
        m.registerMigration("v17-dated-class-membership-and-grade") { db in
            // When a child is in its class (null: the whole school year) and the anno di corso (1–5).
            try db.execute("""
                ALTER TABLE beneficiary ADD COLUMN class_from TEXT;
                ALTER TABLE beneficiary ADD COLUMN class_to TEXT;
                ALTER TABLE beneficiary ADD COLUMN grade INTEGER;
                """)
        }
        m.registerMigration("v18-diet-category-and-severe-allergy") { db in
            // Medical, religious or ethical; a severe allergy with the emergency plan every device shows first.
            try db.execute("""
                ALTER TABLE diet ADD COLUMN category TEXT;
                ALTER TABLE diet ADD COLUMN severe_allergy INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE diet ADD COLUMN emergency_plan TEXT NOT NULL DEFAULT '';
                """)
        }
        m.registerMigration("v19-bus-line-schools") { db in
            // The schools a line serves, with their stop and times, and the school of each child on the bus.
            try db.execute("""
                CREATE TABLE route_school (
                    route_id TEXT NOT NULL REFERENCES route(id),
                    position INTEGER NOT NULL,
                    site_id TEXT NOT NULL,
                    stop_id TEXT NOT NULL,
                    arrival TEXT NOT NULL,
                    return_time TEXT NOT NULL,
                    short_return TEXT,
                    short_days TEXT NOT NULL DEFAULT '',
                    PRIMARY KEY (route_id, position)
                ) STRICT;
                ALTER TABLE enrollment ADD COLUMN school_id TEXT;
                """)
        }
        m.registerMigration("v20-prepaid-deficit-chase", PrepaidDeficits.apply)
        m.registerMigration("v21-beneficiary-payer-shares") { db in
            // The percent each payer of a child pays when the payers share the cost (separated parents); null: no
            // shares, the primary payer pays everything, as before.
            try db.execute("ALTER TABLE beneficiary_payer ADD COLUMN share INTEGER CHECK (share IS NULL OR share BETWEEN 1 AND 99)")
        }
        m.registerMigration("v22-office-alert-awaiting-recipient") { db in
            // An alert raised while nobody was set to receive it waits for the first recipient the admin adds
            // (1), instead of being lost. Those already raised with no message and not carried by another alert's
            // message (a batch of old conflicts goes out as its first alert's message) wait too.
            try db.execute("""
                ALTER TABLE office_alert ADD COLUMN awaiting_recipient INTEGER NOT NULL DEFAULT 0;
                UPDATE office_alert SET awaiting_recipient = 1
                WHERE messages = 0 AND NOT (kind = 'conflict_old' AND EXISTS (
                    SELECT 1 FROM office_alert o WHERE o.kind = 'conflict_old' AND o.raised_at = office_alert.raised_at AND o.id < office_alert.id));
                """)
        }
        m.registerMigration("v23-tariff-options-and-nursery-parts", TariffOptions.apply)
        // The caterers' counts ask, site by site, whether a device sent each class's roll call of the day.
        m.registerMigration("v24-op-roll-call-by-class") { db in
            try db.execute("CREATE INDEX op_roll_call ON op(class_id, business_date) WHERE type = 'attendance_marked'")
        }
        m.registerMigration("v25-master-data-version", MasterDataVersion.apply)
        // Billing reads each draft's adjustments (rettifiche dell'operatore) at every run: by the line's key alone it
        // visited every line of every draft to find the few an operator added. Only those lines are in this index.
        m.registerMigration("v26-statement-line-adjustments") { db in
            try db.execute("CREATE INDEX statement_line_adjustment ON statement_line(statement_id, position) WHERE kind = 'adjustment'")
        }
        return m
    }
}
