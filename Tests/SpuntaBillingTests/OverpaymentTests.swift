import Foundation
import Testing
import SpuntaBilling
import SpuntaDomain
import SpuntaServerStore
import SpuntaStore

/// A notice paid for more than it asked: the notice counts as paid — and deductible — only up to its amount;
/// the excess is a refund for the office to review, and the family's tax statement says so.
@Suite("Overpayments")
struct OverpaymentTests {
    /// October issued; PC's notice is €5.00 (one meal of C1 at the full price).
    static func paid(_ csvLines: [String]) throws -> (SmallComune, PaymentImport.Report) {
        let c = try SmallComune()
        try c.merge(c.goldenOctober())
        _ = try c.run(SmallComune.october)
        try c.issue(SmallComune.october)
        let nav = try #require(try c.statement("PC", SmallComune.october).noticeNumber)
        #expect(try c.statement("PC", SmallComune.october).totalCents == 500)
        let csv = (["date;amount;notice;kind;payer;beneficiary;service;method;reference"]
                   + csvLines.map { $0.replacingOccurrences(of: "NAV", with: nav) }).joined(separator: "\n")
        let path = c.path("pagamenti.csv")
        try Data(csv.utf8).write(to: URL(fileURLWithPath: path))
        let report = try c.queue.write { try PaymentImport.run($0, path: path, actor: "t", now: SmallComune.now) }
        return (c, report)
    }

    @Test("an overpaid notice counts as paid for its amount only; the excess is a refund to review")
    func overpaid() throws {
        let (c, report) = try Self.paid(["2026-11-04;6.00;NAV;notice;;;;pagopa;R1"])
        #expect(report.lines.map(\.outcome) == ["overpaid"])
        #expect(report.lines.first?.message.contains("1,00") == true)
        let statement = try c.statement("PC", SmallComune.october)
        #expect(statement.paidCents == 500)
        #expect(statement.paymentStatus == "paid")
        let refunds = try c.queue.read { try PaymentImport.refunds($0) }
        #expect(refunds.map(\.excessCents) == [100])
        #expect(refunds.first?.reference == "R1")
        #expect(refunds.first?.noticeNumber == statement.noticeNumber)
    }

    @Test("a second payment of a settled notice is wholly a refund to review, and the notice stays paid once")
    func paidTwice() throws {
        let (c, report) = try Self.paid(["2026-11-04;5.00;NAV;notice;;;;pagopa;R1", "2026-11-05;5.00;NAV;notice;;;;bank;R2"])
        #expect(report.lines.map(\.outcome) == ["paid", "already_paid"])
        #expect(try c.statement("PC", SmallComune.october).paidCents == 500)
        #expect(try c.queue.read { try PaymentImport.refunds($0) }.map { "\($0.reference) \($0.excessCents)" } == ["R2 500"])
    }

    @Test("the tax statement counts only the notice's amount as paid and deductible, and names the excess to be refunded")
    func taxStatement() throws {
        let (c, _) = try Self.paid(["2026-11-04;6.00;NAV;notice;;;;pagopa;R1"])
        let rows = try c.queue.read { try TaxStatement.rows($0, year: 2026) }.filter { $0.payerId == "PC" }
        #expect(rows.map { "\($0.beneficiaryId) \($0.paidCents) \($0.deductibleCents)" } == ["C1 500 500"])
        let excesses = try c.queue.read { try TaxStatement.excesses($0, year: 2026) }
        #expect(excesses.map { "\($0.payerId) \($0.excessCents)" } == ["PC 100"])
        let municipality = try #require(try c.queue.read { try MasterDataStore.load($0).municipality })
        let html = TaxStatement.html(rows, excesses: excesses, year: 2026, municipality: municipality)
        #expect(html.contains("1,00"))
        #expect(html.contains("non detraibili"))
        #expect(html.contains("che il Comune rimborsa"))
    }
}
