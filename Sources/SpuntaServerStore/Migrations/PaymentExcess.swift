import SpuntaStore

/// What a payment paid beyond its notice (eccedenza): a notice counts as paid up to its amount only, and the excess
/// is a refund for the office to review. Payments imported before keep their meaning: the excess of an overpaid
/// notice is what its statement received beyond its total, a second payment of a settled notice is all excess,
/// and no statement is left paid for more than it asked.
enum PaymentExcess {
    static func apply(_ db: Database) throws {
        try db.execute("""
            ALTER TABLE payment ADD COLUMN excess_cents INTEGER NOT NULL DEFAULT 0;
            UPDATE payment SET excess_cents = amount_cents WHERE kind = 'notice' AND outcome = 'already_paid';
            UPDATE payment SET excess_cents = MIN(amount_cents, MAX(0, COALESCE(
                    (SELECT s.paid_cents - s.total_cents FROM statement s WHERE s.id = payment.statement_id), 0)))
                WHERE kind = 'notice' AND outcome = 'overpaid';
            UPDATE statement SET paid_cents = total_cents WHERE paid_cents > total_cents AND total_cents >= 0;
            """)
    }
}
