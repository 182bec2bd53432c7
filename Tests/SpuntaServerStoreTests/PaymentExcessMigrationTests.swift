import Foundation
import Testing
@testable import SpuntaServerStore
@testable import SpuntaStore

/// A database whose payments were imported before excesses were kept: the upgrade gives each its excess and
/// leaves no statement paid for more than it asked.
@Suite("Migration v5-payment-excess")
struct PaymentExcessMigrationTests {
    @Test("an overpaid notice keeps its excess on the payment, a second payment is all excess, the statement is paid its total")
    func upgrade() throws {
        let dir = try TemporaryDirectory()
        let queue = try databaseMigrated(through: "v3-billing", at: dir.path("old.sqlite"))
        try queue.write { db in
            for (id, total, paid) in [(1, 500, 600), (2, 1000, 400), (3, 700, 700)] as [(Int64, Int64, Int64)] {
                try db.run("""
                    INSERT INTO statement (id, payer_id, period, status, total_cents, created_at, paid_cents) VALUES (?, ?, '2026-10', 'issued', ?, '', ?)
                    """, [id, "P\(id)", total, paid])
            }
            for (reference, statement, amount, outcome) in [("A1", 1, 600, "overpaid"), ("A2", 1, 500, "already_paid"), ("B1", 2, 400, "partial"),
                                                            ("C1", 3, 700, "paid")] as [(String, Int64, Int64, String)] {
                try db.run("""
                    INSERT INTO payment (reference, paid_on, amount_cents, method, kind, statement_id, outcome, file, line, imported_at)
                    VALUES (?, '2026-11-04', ?, 'pagopa', 'notice', ?, ?, 'p.csv', 2, '')
                    """, [reference, amount, statement, outcome])
            }
        }
        try ServerMigrations.migrator.migrate(queue)
        let excesses = try queue.read { db in
            try db.fetchAll("SELECT reference, excess_cents FROM payment ORDER BY reference").map { "\(try $0[0] as String) \(try $0[1] as Int64)" }
        }
        #expect(excesses == ["A1 100", "A2 500", "B1 0", "C1 0"])
        let paid = try queue.read { db in try db.fetchAll("SELECT paid_cents FROM statement ORDER BY id").map { try $0[0] as Int64 } }
        #expect(paid == [500, 400, 700])
    }
}
