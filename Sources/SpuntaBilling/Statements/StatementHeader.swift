import SpuntaServerStore
import SpuntaStore

/// Rendiconto: one row of the `statement` table — a payer's statement of a month with, once issued, its pagoPA
/// notice (codice avviso, IUV, QR payload, due date) and what was paid on it. Its lines live in `statement_line`.
/// Every reader and writer of the table goes through these columns: the desk, the billing run's drafts, the
/// issue, payments, reminders and the tax statement.
public struct StatementHeader: TableRecord, Equatable, Sendable {
    public var id: Int64 = 0
    public var payerId: String
    /// `2026-10`.
    public var period: String
    /// `draft` or `issued` (an issued statement is frozen: a trigger refuses changes to its amounts).
    public var status: String
    public var totalCents: Int64
    public var createdAt: String
    public var issuedAt: String?
    /// Set on issue when there is something to pay.
    public var dueDate: String?
    /// The 18-digit codice avviso.
    public var noticeNumber: String?
    public var iuv: String?
    public var qrPayload: String?
    public var paidCents: Int64 = 0

    public static let table = "statement"
    public static let sql = TableRecordSQL(table: table, columnNames: [
        "id", "payer_id", "period", "status", "total_cents", "created_at", "issued_at", "due_date", "notice_number", "iuv",
        "qr_payload", "paid_cents",
    ])
}

/// Its columns read and written in an extension, so that the struct keeps its memberwise initializer.
extension StatementHeader {
    public init(row: Row, from first: Int) throws {
        self.init(
            id: try row[first], payerId: try row[first + 1], period: try row[first + 2], status: try row[first + 3],
            totalCents: try row[first + 4], createdAt: try row[first + 5], issuedAt: try row[first + 6], dueDate: try row[first + 7],
            noticeNumber: try row[first + 8], iuv: try row[first + 9], qrPayload: try row[first + 10], paidCents: try row[first + 11]
        )
    }

    public var values: StatementArguments {
        [payerId, period, status, totalCents, createdAt, issuedAt, dueDate, noticeNumber, iuv, qrPayload, paidCents]
    }

    public var isIssued: Bool { status == "issued" }

    /// The issued statement whose notice has this codice avviso (18 digits) or IUV.
    static func issued(_ db: Database, notice code: String) throws -> StatementHeader? {
        let column = code.count == 18 ? "notice_number" : "iuv"
        return try fetchAll(db, where: "\(column) = ? AND status = 'issued'", [code]).first
    }

    /// A draft's new total, when the billing run has rebuilt its lines: the total, then the id (the run prepares it
    /// once, as `StatementWriter`).
    static let setDraftTotalSQL = "UPDATE statement SET total_cents = ? WHERE id = ?"

    /// Adds an operator's adjustment to a draft's total (its line is written beside it).
    static func addToTotal(_ db: Database, id: Int64, cents: Int64) throws {
        try db.run("UPDATE statement SET total_cents = total_cents + ? WHERE id = ?", [cents, id])
    }

    /// Freezes a draft with its notice (none when there is nothing to pay).
    static func markIssued(
        _ db: Database, id: Int64, at issuedAt: String, dueDate: String?, noticeNumber: String?, iuv: String?, qrPayload: String?
    ) throws {
        try db.run("""
            UPDATE statement SET status = 'issued', issued_at = ?, due_date = ?, notice_number = ?, iuv = ?, qr_payload = ? WHERE id = ?
            """, [issuedAt, dueDate, noticeNumber, iuv, qrPayload, id])
    }

    /// Records what a payment paid on the notice (up to its amount: an excess stays on the payment).
    static func addPayment(_ db: Database, id: Int64, cents: Int64) throws {
        try db.run("UPDATE statement SET paid_cents = paid_cents + ? WHERE id = ?", [cents, id])
    }
}
