import SpuntaServerStore
import SpuntaStore

/// Saldo negativo: one row of the `prepaid_deficit` table — a prepaid position below zero, from the day it is first
/// seen until the credit is back at zero or above, with the pagoPA notice issued for it (codice avviso, IUV, QR
/// payload, amount, due date) and what was paid on that notice. Every reader and writer of the table goes through
/// these columns: the chase that reminds and issues, and the payments import that pays the notice.
public struct PrepaidDeficit: TableRecord, Equatable, Sendable {
    public var id: Int64 = 0
    public var payerId: String
    public var beneficiaryId: String
    public var serviceId: String
    public var openedOn: String
    /// The deficit the reminder named.
    public var remindedCents: Int64
    /// The 18-digit codice avviso, once the notice is issued.
    public var noticeNumber: String?
    public var iuv: String?
    public var qrPayload: String?
    public var noticeCents: Int64?
    public var noticeOn: String?
    public var dueDate: String?
    public var paidCents: Int64 = 0
    /// The day the credit was seen back at zero or above; nil while the deficit is open.
    public var closedOn: String?

    public static let table = "prepaid_deficit"
    public static let sql = TableRecordSQL(table: table, columnNames: [
        "id", "payer_id", "beneficiary_id", "service_id", "opened_on", "reminded_cents", "notice_number", "iuv", "qr_payload",
        "notice_cents", "notice_on", "due_date", "paid_cents", "closed_on",
    ])
}

/// Its columns read and written in an extension, so that the struct keeps its memberwise initializer.
extension PrepaidDeficit {
    public init(row: Row, from first: Int) throws {
        self.init(
            id: try row[first], payerId: try row[first + 1], beneficiaryId: try row[first + 2], serviceId: try row[first + 3],
            openedOn: try row[first + 4], remindedCents: try row[first + 5], noticeNumber: try row[first + 6], iuv: try row[first + 7],
            qrPayload: try row[first + 8], noticeCents: try row[first + 9], noticeOn: try row[first + 10], dueDate: try row[first + 11],
            paidCents: try row[first + 12], closedOn: try row[first + 13]
        )
    }

    public var values: StatementArguments {
        [payerId, beneficiaryId, serviceId, openedOn, remindedCents, noticeNumber, iuv, qrPayload, noticeCents, noticeOn, dueDate,
         paidCents, closedOn]
    }

    /// The deficit read from `row` at `first` by a LEFT JOIN: nil where the join found none (its id is NULL).
    init?(joined row: Row, from first: Int) throws {
        guard !row.values[first].isNull else { return nil }
        try self.init(row: row, from: first)
    }

    /// The open or closed deficit whose notice is `code` (the codice avviso, 18 digits, or the IUV, 17), for
    /// `payments import`: the payer, child and service whose credit the payment goes to.
    static func noticed(_ db: Database, code: String) throws -> PrepaidDeficit? {
        let column = code.count == 18 ? "notice_number" : "iuv"
        return try fetchAll(db, where: "\(column) = ?", [code]).first
    }

    static func close(_ db: Database, id: Int64, on day: String) throws {
        try db.run("UPDATE prepaid_deficit SET closed_on = ? WHERE id = ?", [day, id])
    }

    /// Records the notice issued for the deficit.
    static func markNoticed(
        _ db: Database, id: Int64, noticeNumber: String, iuv: String, qrPayload: String, cents: Int64, on day: String, dueDate: String
    ) throws {
        try db.run("""
            UPDATE prepaid_deficit SET notice_number = ?, iuv = ?, qr_payload = ?, notice_cents = ?, notice_on = ?, due_date = ? WHERE id = ?
            """, [noticeNumber, iuv, qrPayload, cents, day, dueDate, id])
    }

    /// Records what a payment paid on the deficit's notice.
    static func addPayment(_ db: Database, id: Int64, cents: Int64) throws {
        try db.run("UPDATE prepaid_deficit SET paid_cents = paid_cents + ? WHERE id = ?", [cents, id])
    }
}
