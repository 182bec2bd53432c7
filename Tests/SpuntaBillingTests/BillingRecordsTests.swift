import Foundation
import Testing
@testable import SpuntaBilling
import SpuntaServerStore
import SpuntaStore

/// The billing tables' columns are named once: each record reads back whole what it writes, and its list names
/// every column of its table, so that a column left out of the list (or read at the wrong place) shows here.
@Suite("Billing records' columns in one place")
struct BillingRecordsTests {
    /// Writes `record` (every column set, each to a value no other column has) through its columns into a fresh
    /// database and reads it back by the id the table gave it; `more` reads what else the test compares, in the same
    /// database. Checks that the record's list names every column of its table.
    static func roundTrip<Record: TableRecord, More>(
        _ record: Record, more: (Database, Int64) throws -> More
    ) throws -> (id: Int64, read: Record?, more: More) {
        let comune = try SmallComune()
        let (id, read, columns, more) = try comune.queue.write { db in
            let id = try record.insert(db)
            let columns = try db.fetchAll("SELECT name FROM pragma_table_info(?)", [Record.table]).map { try $0[0] as String }
            return (id, try Record.load(db, id: id), columns, try more(db, id))
        }
        #expect(columns.sorted() == Record.sql.columnNames.sorted())
        return (id, read, more)
    }

    @Test("a statement written and read back through its columns keeps every column, its notice too")
    func statement() throws {
        var record = StatementHeader(
            payerId: "P9", period: "2026-10", status: "issued", totalCents: 12_345, createdAt: "2026-11-02T08:00:00.000Z",
            issuedAt: "2026-11-03T09:00:00.000Z", dueDate: "2026-12-03", noticeNumber: "301000000000000017", iuv: "01000000000000017",
            qrPayload: "PAGOPA|002|301000000000000017|00000000000|12345", paidCents: 6_000
        )
        let (id, read, shown) = try Self.roundTrip(record) { db, id in try StatementDesk.statement(db, id: id) }
        record.id = id
        #expect(read == record)
        // The desk reads the same columns, with the payer's.
        #expect([shown.payerId, shown.period, shown.status, shown.issuedAt, shown.dueDate, shown.noticeNumber, shown.iuv, shown.qrPayload]
            == [record.payerId, record.period, record.status, record.issuedAt, record.dueDate, record.noticeNumber, record.iuv, record.qrPayload])
        #expect(shown.totalCents == record.totalCents && shown.paidCents == record.paidCents)
    }

    @Test("a payment written and read back through its columns keeps every column")
    func payment() throws {
        var record = PaymentRecord(
            reference: "PSP-77", paidOn: "2026-11-20", amountCents: 5_100, method: "pagopa", kind: "notice",
            noticeNumber: "301000000000000017", statementId: 8, payerId: "P9", beneficiaryId: "B4", serviceId: "MENSA", outcome: "overpaid",
            file: "/tmp/pagamenti.csv", line: 12, importedAt: "2026-11-21T10:00:00.000Z", excessCents: 100
        )
        let (id, read, refunds) = try Self.roundTrip(record) { db, _ in try PaymentImport.refunds(db) }
        record.id = id
        #expect(read == record)
        // The refunds list reads the same columns, with the payer's name.
        #expect(refunds.map(\.reference) == ["PSP-77"])
        #expect(refunds.first?.excessCents == 100 && refunds.first?.noticeNumber == record.noticeNumber)
    }

    @Test("a prepaid movement written and read back through its columns keeps every column")
    func prepaidMovement() throws {
        var record = PrepaidMovement(
            payerId: "P9", beneficiaryId: "B4", serviceId: "MENSA", kind: "correction", chargeKey: "meal|B4|2026-10-30|MENSA",
            chargePeriod: "2026-10", movementDate: "2026-10-01", amountCents: 480, description: "Storno: consumo annullato",
            source: "pagamento PSP-3", traceable: false, createdAt: "2026-11-02T08:00:00.000Z"
        )
        let (id, read, _) = try Self.roundTrip(record) { _, _ in () }
        record.id = id
        #expect(read == record)
    }

    @Test("a prepaid deficit written and read back through its columns keeps every column, its notice too; a LEFT JOIN without one reads none")
    func prepaidDeficit() throws {
        var record = PrepaidDeficit(
            payerId: "P9", beneficiaryId: "B4", serviceId: "MENSA", openedOn: "2026-11-02", remindedCents: 930,
            noticeNumber: "301000000000000025", iuv: "01000000000000025", qrPayload: "PAGOPA|002|301000000000000025|00000000000|1240",
            noticeCents: 1_240, noticeOn: "2026-11-17", dueDate: "2026-12-17", paidCents: 500, closedOn: "2026-12-01"
        )
        let (id, read, more) = try Self.roundTrip(record) { db, _ in
            let none = try #require(try db.fetchOne("""
                SELECT \(PrepaidDeficit.columns(of: "d")) FROM (SELECT 1) LEFT JOIN prepaid_deficit d ON d.id = -1
                """))
            return (try PrepaidDeficit.noticed(db, code: "01000000000000025"), try PrepaidDeficit(joined: none, from: 0))
        }
        record.id = id
        #expect(read == record)
        #expect(more.0 == record)
        #expect(more.1 == nil)
    }
}
