import SpuntaStore

/// The billing feed: charges billed in statements (rendiconti) with their pagoPA notices, prepaid positions
/// and their movements, payments, the outbox of messages to families.
///
/// Every statement line keeps the charge key and the ops it came from; an issued statement is never changed
/// (a trigger refuses it), later facts become conguaglio lines of a later statement.
enum V3Billing {
    static func apply(_ db: Database) throws {
        try db.execute("""
            CREATE TABLE statement (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                payer_id TEXT NOT NULL,
                period TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('draft', 'issued')),
                total_cents INTEGER NOT NULL,
                created_at TEXT NOT NULL,
                issued_at TEXT,
                due_date TEXT,
                notice_number TEXT UNIQUE,
                iuv TEXT UNIQUE,
                qr_payload TEXT,
                paid_cents INTEGER NOT NULL DEFAULT 0,
                UNIQUE (payer_id, period)
            ) STRICT;

            CREATE TABLE statement_line (
                statement_id INTEGER NOT NULL REFERENCES statement(id),
                position INTEGER NOT NULL,
                kind TEXT NOT NULL CHECK (kind IN ('charge', 'conguaglio', 'adjustment', 'cap', 'carry')),
                charge_key TEXT,
                charge_period TEXT,
                beneficiary_id TEXT,
                service_id TEXT,
                charge_date TEXT,
                description TEXT NOT NULL,
                quantity INTEGER NOT NULL,
                unit_price_cents INTEGER NOT NULL,
                amount_cents INTEGER NOT NULL,
                source_ops TEXT NOT NULL,
                reason TEXT,
                PRIMARY KEY (statement_id, position)
            ) STRICT;
            CREATE INDEX statement_line_key ON statement_line(charge_key);

            CREATE TRIGGER statement_frozen BEFORE UPDATE OF total_cents, payer_id, period, notice_number, iuv ON statement
                WHEN OLD.status = 'issued'
                BEGIN SELECT RAISE(ABORT, 'statement is issued and frozen'); END;
            CREATE TRIGGER statement_line_frozen_update BEFORE UPDATE ON statement_line
                WHEN (SELECT status FROM statement WHERE id = OLD.statement_id) = 'issued'
                BEGIN SELECT RAISE(ABORT, 'statement is issued and frozen'); END;
            CREATE TRIGGER statement_line_frozen_delete BEFORE DELETE ON statement_line
                WHEN (SELECT status FROM statement WHERE id = OLD.statement_id) = 'issued'
                BEGIN SELECT RAISE(ABORT, 'statement is issued and frozen'); END;
            CREATE TRIGGER statement_line_frozen_insert BEFORE INSERT ON statement_line
                WHEN (SELECT status FROM statement WHERE id = NEW.statement_id) = 'issued'
                BEGIN SELECT RAISE(ABORT, 'statement is issued and frozen'); END;

            -- Prepaid credit: one position per payer, child and service.
            CREATE TABLE prepaid_position (
                payer_id TEXT NOT NULL,
                beneficiary_id TEXT NOT NULL,
                service_id TEXT NOT NULL,
                balance_cents INTEGER NOT NULL DEFAULT 0,
                below_threshold INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (payer_id, beneficiary_id, service_id)
            ) STRICT;

            CREATE TABLE prepaid_movement (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                payer_id TEXT NOT NULL,
                beneficiary_id TEXT NOT NULL,
                service_id TEXT NOT NULL,
                kind TEXT NOT NULL CHECK (kind IN ('debit', 'correction', 'topup')),
                charge_key TEXT,
                charge_period TEXT,
                movement_date TEXT NOT NULL,
                amount_cents INTEGER NOT NULL,
                description TEXT NOT NULL,
                source TEXT NOT NULL,
                traceable INTEGER NOT NULL DEFAULT 1,
                created_at TEXT NOT NULL
            ) STRICT;
            CREATE INDEX prepaid_movement_key ON prepaid_movement(charge_key);
            CREATE INDEX prepaid_movement_position ON prepaid_movement(payer_id, beneficiary_id, service_id);

            CREATE TABLE payment (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                reference TEXT NOT NULL UNIQUE,
                paid_on TEXT NOT NULL,
                amount_cents INTEGER NOT NULL,
                method TEXT NOT NULL,
                kind TEXT NOT NULL CHECK (kind IN ('notice', 'topup')),
                notice_number TEXT,
                statement_id INTEGER,
                payer_id TEXT,
                beneficiary_id TEXT,
                service_id TEXT,
                outcome TEXT NOT NULL,
                file TEXT NOT NULL,
                line INTEGER NOT NULL,
                imported_at TEXT NOT NULL
            ) STRICT;
            CREATE INDEX payment_statement ON payment(statement_id);

            -- Messages to families, each sent at most once (dedup_key), through the configured commands.
            CREATE TABLE outbox_message (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                dedup_key TEXT NOT NULL UNIQUE,
                kind TEXT NOT NULL,
                channel TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
                recipient TEXT NOT NULL,
                subject TEXT NOT NULL,
                body TEXT NOT NULL,
                payer_id TEXT,
                created_at TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'uncertain')),
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at TEXT,
                last_error TEXT,
                sent_at TEXT
            ) STRICT;
            CREATE INDEX outbox_message_status ON outbox_message(status, next_attempt_at);
            """)
    }
}
