import SpuntaStore

/// A prepaid position whose credit went below zero is chased (saldo negativo): one reminder, then, after the
/// set days, one pagoPA notice for the deficit. One row per deficit — from the day it is first seen until the
/// credit is back at zero or above — so that re-running never reminds or bills the same deficit twice.
enum PrepaidDeficits {
    static func apply(_ db: Database) throws {
        try db.execute("""
            CREATE TABLE prepaid_deficit (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                payer_id TEXT NOT NULL,
                beneficiary_id TEXT NOT NULL,
                service_id TEXT NOT NULL,
                opened_on TEXT NOT NULL,
                reminded_cents INTEGER NOT NULL,
                notice_number TEXT UNIQUE,
                iuv TEXT UNIQUE,
                qr_payload TEXT,
                notice_cents INTEGER,
                notice_on TEXT,
                due_date TEXT,
                paid_cents INTEGER NOT NULL DEFAULT 0,
                closed_on TEXT
            ) STRICT;
            CREATE UNIQUE INDEX prepaid_deficit_open ON prepaid_deficit(payer_id, beneficiary_id, service_id) WHERE closed_on IS NULL;
            """)
    }
}
