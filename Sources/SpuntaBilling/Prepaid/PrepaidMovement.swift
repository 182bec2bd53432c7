import SpuntaServerStore
import SpuntaStore

/// Movimento: one row of the `prepaid_movement` table — a debit for a fact consumed, its correction, or a top-up
/// (ricarica) of one payer's credit for a child and service. The position's balance is the sum of its movements.
public struct PrepaidMovement: TableRecord, Equatable, Sendable {
    public var id: Int64 = 0
    public var payerId: String
    public var beneficiaryId: String
    public var serviceId: String
    /// `debit`, `correction` or `topup`.
    public var kind: String
    /// The fact a debit or correction is for (a top-up has none).
    public var chargeKey: String?
    public var chargePeriod: String?
    public var movementDate: String
    /// Negative for a debit.
    public var amountCents: Int64
    public var description: String
    public var source: String
    /// Paid by a traceable method (the tax statement counts only those).
    public var traceable: Bool
    public var createdAt: String

    public static let table = "prepaid_movement"
    public static let sql = TableRecordSQL(table: table, columnNames: [
        "id", "payer_id", "beneficiary_id", "service_id", "kind", "charge_key", "charge_period", "movement_date", "amount_cents",
        "description", "source", "traceable", "created_at",
    ])
}

/// Its columns read and written in an extension, so that the struct keeps its memberwise initializer.
extension PrepaidMovement {
    public init(row: Row, from first: Int) throws {
        self.init(
            id: try row[first], payerId: try row[first + 1], beneficiaryId: try row[first + 2], serviceId: try row[first + 3],
            kind: try row[first + 4], chargeKey: try row[first + 5], chargePeriod: try row[first + 6], movementDate: try row[first + 7],
            amountCents: try row[first + 8], description: try row[first + 9], source: try row[first + 10], traceable: try row[first + 11],
            createdAt: try row[first + 12]
        )
    }

    public var values: StatementArguments {
        [payerId, beneficiaryId, serviceId, kind, chargeKey, chargePeriod, movementDate, amountCents, description, source, traceable,
         createdAt]
    }
}
