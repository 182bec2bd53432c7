import Foundation
import Testing
import SpuntaBilling
import SpuntaDomain
import SpuntaProtocol
import SpuntaStore

/// Facts that reach the server after their month was billed: each is billed exactly once, whichever month is
/// run first, and one voided later is credited back exactly once.
@Suite("Late facts across months")
struct LateFactsTests {
    static let december = BillingPeriod(year: 2026, month: 12)!
    static let lateKey = "meal|F1|MENSA-S|2026-10-08"

    /// October issued for everyone who had something to pay; PE had nothing then.
    static func octoberIssuedWithoutPE() throws -> SmallComune {
        let c = try SmallComune(customize: SmallComune.withEpsilon)
        try c.merge(c.goldenOctober())
        _ = try c.run(SmallComune.october)
        try c.issue(SmallComune.october)
        #expect(try c.queue.read { try $0.scalar("SELECT COUNT(*) FROM statement WHERE payer_id = 'PE'") as Int? } == 0)
        return c
    }

    static func statementCount(_ c: SmallComune, _ payer: String, _ period: BillingPeriod) throws -> Int {
        try c.queue.read { try $0.scalar("SELECT COUNT(*) FROM statement WHERE payer_id = ? AND period = ?", [payer, period.description]) ?? 0 }
    }

    @Test("a late October meal of a payer with no October statement is billed once when November is run first, then October")
    func novemberThenOctober() throws {
        let c = try Self.octoberIssuedWithoutPE()
        try c.merge([c.meal("F1", "2026-10-08")])
        _ = try c.run(SmallComune.november)
        let november = try c.statement("PE", SmallComune.november)
        let conguaglio = try #require(november.lines.first { $0.chargeKey == Self.lateKey })
        #expect(conguaglio.kind == "conguaglio")
        #expect(conguaglio.amountCents == 500)
        // October is run again (another payer's late fact, a correction): PE's October must not bill the meal again.
        _ = try c.run(SmallComune.october)
        #expect(try c.billed(Self.lateKey) == 500)
        #expect(try Self.statementCount(c, "PE", SmallComune.october) == 0, "nothing left to bill in October for PE")
        // Whatever is issued and re-run in whatever order, the meal stays billed once.
        try c.issue(SmallComune.november, payer: "PE", beforeMonthEnd: true)
        _ = try c.run(SmallComune.october)
        _ = try c.run(Self.december)
        #expect(try c.billed(Self.lateKey) == 500)
    }

    @Test("a late October meal of a payer with no October statement is billed once when October is run first, then November")
    func octoberThenNovember() throws {
        let c = try Self.octoberIssuedWithoutPE()
        try c.merge([c.meal("F1", "2026-10-08")])
        _ = try c.run(SmallComune.october)
        #expect(try c.statement("PE", SmallComune.october).lines.map(\.chargeKey) == [Self.lateKey])
        _ = try c.run(SmallComune.november)
        #expect(try c.billed(Self.lateKey) == 500)
        try c.issue(SmallComune.october, payer: "PE")
        _ = try c.run(SmallComune.november)
        _ = try c.run(Self.december)
        #expect(try c.billed(Self.lateKey) == 500)
    }

    @Test("a late meal billed as conguaglio in an issued statement, then voided, is credited back once in the next one")
    func conguaglioVoidedAfterIssue() throws {
        let c = try Self.octoberIssuedWithoutPE()
        let late = c.meal("F1", "2026-10-08")
        try c.merge([late])
        _ = try c.run(SmallComune.november)
        try c.issue(SmallComune.november, payer: "PE", beforeMonthEnd: true)
        try c.merge([c.op("2026-10-08", .void(VoidOp(targetOpId: late.id, reason: "letto per errore")))])
        _ = try c.run(Self.december)
        let december = try c.statement("PE", Self.december)
        let storno = try #require(december.lines.first { $0.chargeKey == Self.lateKey })
        #expect(storno.amountCents == -500)
        #expect(storno.description.contains("annullato dopo l'emissione"))
        _ = try c.run(Self.december)
        _ = try c.run(SmallComune.october)
        #expect(try c.billed(Self.lateKey) == 0)
    }

    @Test("a prepaid meal that arrives after its month was run is debited at the next run, once, saying so")
    func latePrepaidMeal() throws {
        let c = try SmallComune()
        try c.queue.write { db in
            try PrepaidLedger.topUp(db, payer: "PB", beneficiary: "P1", service: "MENSA-P", amount: Money(cents: 5000),
                                    date: LocalDate("2026-09-30")!, method: "pagopa", source: "t", actor: "t", now: SmallComune.now)
        }
        try c.merge(["2026-10-01", "2026-10-02"].map { c.meal("P1", $0, service: "MENSA-P") })
        _ = try c.run(SmallComune.october)
        let late = c.meal("P1", "2026-10-05", service: "MENSA-P")
        try c.merge([late])
        let report = try c.run(SmallComune.november)
        #expect(report.prepaidDebits == 1)
        let key = "meal|P1|MENSA-P|2026-10-05"
        func movements() throws -> [(Int64, String)] {
            try c.queue.read { db in
                try db.fetchAll("SELECT amount_cents, description FROM prepaid_movement WHERE charge_key = ? ORDER BY id", [key])
                    .map { (try $0[0] as Int64, try $0[1] as String) }
            }
        }
        #expect(try movements().map(\.0) == [-500])
        #expect(try movements().first?.1.contains("dopo la fatturazione di ottobre 2026") == true)
        // Running either month again debits nothing more.
        _ = try c.run(SmallComune.october)
        _ = try c.run(SmallComune.november)
        #expect(try movements().count == 1)
        #expect(try c.queue.read { try PrepaidLedger.balances($0, belowOnly: false) }.first { $0.beneficiaryId == "P1" }?.balanceCents == 3500)
        // Voided after it was debited: credited back at the next run, once.
        try c.merge([c.op("2026-10-05", .void(VoidOp(targetOpId: late.id, reason: "errore")))])
        _ = try c.run(SmallComune.november)
        _ = try c.run(SmallComune.november)
        _ = try c.run(SmallComune.october)
        #expect(try movements().map(\.0) == [-500, 500])
        #expect(try movements().last?.1.contains("annullato") == true)
        #expect(try c.queue.read { try PrepaidLedger.balances($0, belowOnly: false) }.first { $0.beneficiaryId == "P1" }?.balanceCents == 4000)
    }
}
