import SpuntaServerStore
import SpuntaStore

/// Pagamento: one row of the `payment` table — a payment read from the intermediary's file, of a pagoPA notice
/// (`kind` notice, with the statement it paid) or a top-up of prepaid credit, with what the import did with it. Every
/// reader and writer of the table goes through these columns: the import, the refunds to review, the tax statement.
public struct PaymentRecord: TableRecord, Equatable, Sendable {
    public var id: Int64 = 0
    /// The payment's reference in the file (unique: a file imported twice records nothing twice).
    public var reference: String
    public var paidOn: String
    public var amountCents: Int64
    public var method: String
    /// `notice` or `topup`.
    public var kind: String
    /// The codice avviso or IUV the payment names.
    public var noticeNumber: String?
    public var statementId: Int64?
    public var payerId: String?
    public var beneficiaryId: String?
    public var serviceId: String?
    /// paid, partial, overpaid, already_paid, topup, unknown…
    public var outcome: String
    public var file: String
    public var line: Int
    public var importedAt: String
    /// What was paid beyond the notice's amount: a refund to review.
    public var excessCents: Int64

    public static let table = "payment"
    public static let sql = TableRecordSQL(table: table, columnNames: [
        "id", "reference", "paid_on", "amount_cents", "method", "kind", "notice_number", "statement_id", "payer_id", "beneficiary_id",
        "service_id", "outcome", "file", "line", "imported_at", "excess_cents",
    ])
}

/// Its columns read and written in an extension, so that the struct keeps its memberwise initializer.
extension PaymentRecord {
    public init(row: Row, from first: Int) throws {
        self.init(
            id: try row[first], reference: try row[first + 1], paidOn: try row[first + 2], amountCents: try row[first + 3],
            method: try row[first + 4], kind: try row[first + 5], noticeNumber: try row[first + 6], statementId: try row[first + 7],
            payerId: try row[first + 8], beneficiaryId: try row[first + 9], serviceId: try row[first + 10], outcome: try row[first + 11],
            file: try row[first + 12], line: try row[first + 13], importedAt: try row[first + 14], excessCents: try row[first + 15]
        )
    }

    public var values: StatementArguments {
        [reference, paidOn, amountCents, method, kind, noticeNumber, statementId, payerId, beneficiaryId, serviceId, outcome, file, line,
         importedAt, excessCents]
    }

    /// The payments that `condition` (on the table aliased `p`) selects, in `order`, each with its payer's name
    /// (surname and given name, nil for a payer the master data does not know).
    static func withPayerNames(_ db: Database, where condition: String, _ arguments: StatementArguments = [], order: String)
        throws -> [(payment: PaymentRecord, payerName: String?, payerFiscalCode: String?)] {
        try db.fetchAll("""
            SELECT \(columns(of: "p")), y.surname || ' ' || y.given_name, y.fiscal_code
            FROM payment p LEFT JOIN payer y ON y.id = p.payer_id WHERE \(condition) ORDER BY \(order)
            """, arguments).map { row in
            (try PaymentRecord(row: row), try row[columnCount], try row[columnCount + 1])
        }
    }
}

