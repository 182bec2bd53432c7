import Foundation
import Testing
import SpuntaBilling
import SpuntaDomain
import SpuntaExchange
import SpuntaStore

/// Prepaid rules beyond the threshold: free meals, and whose position a top-up credits.
@Suite("Prepaid free meals and top-ups")
struct PrepaidRuleTests {
    /// P1 (payer PB, threshold €10.00) eats free: exempt, or in a €0.00 ISEE band.
    static func free(_ how: String) -> (inout MasterDataSet) -> Void {
        { s in
            if how == "exempt" {
                if let i = s.enrollments.firstIndex(where: { $0.id == "E8" }) { s.enrollments[i].exemptionPercent = 100 }
            } else if let t = s.tariffs.firstIndex(where: { $0.id == "T-P" }), let p = s.payers.firstIndex(where: { $0.id == "PB" }) {
                s.tariffs[t].bands = [.init(upTo: Money(cents: 500_000), price: .zero), .init(upTo: nil, price: Money(cents: 500))]
                s.payers[p].isee = Isee(value: Money(cents: 400_000), filedOn: SmallComune.d("2026-09-01"), expiresOn: SmallComune.d("2026-12-31"))
            }
        }
    }

    @Test("a free prepaid meal is posted at zero, once, and raises no low-balance alert", arguments: ["exempt", "zero band"])
    func freeMeals(how: String) throws {
        let c = try SmallComune(customize: Self.free(how))
        try c.merge(["2026-10-01", "2026-10-02", "2026-10-05"].map { c.meal("P1", $0, service: "MENSA-P") })
        let report = try c.run(SmallComune.october)
        _ = try c.run(SmallComune.october)
        let movements = try c.queue.read { db in
            try db.fetchAll("SELECT kind, amount_cents FROM prepaid_movement WHERE beneficiary_id = 'P1' ORDER BY id")
                .map { "\(try $0[0] as String) \(try $0[1] as Int64)" }
        }
        #expect(movements == ["debit 0", "debit 0", "debit 0"])
        #expect(report.prepaidDebits == 3)
        #expect(report.lowBalanceAlerts == 0)
        #expect(try c.queue.read { try $0.scalar("SELECT COUNT(*) FROM outbox_message WHERE kind = 'low_balance'") as Int? } == 0)
        let balance = try c.queue.read { try PrepaidLedger.balances($0, belowOnly: true) }
        #expect(balance.isEmpty, "a free position is never «below the threshold»")
    }

    /// P1 has two payers: PB, primary, and PA.
    static func twoPayers(_ s: inout MasterDataSet) {
        if let i = s.beneficiaries.firstIndex(where: { $0.id == "P1" }) {
            s.beneficiaries[i].payers = [.init(payerId: "PB", primary: true), .init(payerId: "PA", primary: false)]
        }
    }

    @Test("a top-up naming a payer who is not the primary payer is refused, naming the primary payer, and creates nothing")
    func secondaryPayerTopUp() throws {
        let c = try SmallComune(customize: Self.twoPayers)
        do {
            try c.queue.write { db in
                try PrepaidLedger.topUp(db, payer: "PA", beneficiary: "P1", service: "MENSA-P", amount: Money(cents: 2000),
                                        date: LocalDate("2026-10-01")!, method: "pagopa", source: "t", actor: "t", now: SmallComune.now)
            }
            Issue.record("a top-up by a secondary payer must be refused")
        } catch let error as BillingError {
            #expect(error.code == "not_primary_payer")
            #expect(error.userMessage.contains("PB"))
            #expect(error.userMessage.contains("principale"))
        }
        #expect(try c.queue.read { try $0.scalar("SELECT COUNT(*) FROM prepaid_position") as Int? } == 0)
        #expect(try c.queue.read { try $0.scalar("SELECT COUNT(*) FROM prepaid_movement") as Int? } == 0)
        // The primary payer tops up the position that the meals debit.
        try c.queue.write { db in
            try PrepaidLedger.topUp(db, payer: "PB", beneficiary: "P1", service: "MENSA-P", amount: Money(cents: 2000),
                                    date: LocalDate("2026-10-01")!, method: "pagopa", source: "t", actor: "t", now: SmallComune.now)
        }
        try c.merge([c.meal("P1", "2026-10-01", service: "MENSA-P")])
        _ = try c.run(SmallComune.october)
        let positions = try c.queue.read { try PrepaidLedger.balances($0, belowOnly: false) }
        #expect(positions.map { "\($0.payerId) \($0.balanceCents)" } == ["PB 1500"])
    }

    @Test("in a payments file, a top-up by a secondary payer is reported with the reason and credits nothing")
    func secondaryPayerInPaymentsFile() throws {
        let c = try SmallComune(customize: Self.twoPayers)
        let csv = """
            date;amount;notice;kind;payer;beneficiary;service;method;reference
            2026-10-01;20.00;;topup;PA;P1;MENSA-P;pagopa;R1
            """
        let path = c.path("ricariche.csv")
        try Data(csv.utf8).write(to: URL(fileURLWithPath: path))
        let report = try c.queue.write { try PaymentImport.run($0, path: path, actor: "t", now: SmallComune.now) }
        #expect(report.lines.map { $0.outcome } == ["unknown"])
        #expect(report.lines.first?.message.contains("principale") == true)
        #expect(try c.queue.read { try $0.scalar("SELECT COUNT(*) FROM prepaid_position") as Int? } == 0)
    }
}
