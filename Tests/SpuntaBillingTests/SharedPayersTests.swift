import Foundation
import Testing
@testable import SpuntaBilling
import SpuntaDomain
import SpuntaExchange
import SpuntaServerStore
import SpuntaStore

/// Separated parents sharing a child's cost: each pays their share of every line, priced with their own ISEE, on
/// their own statement; the odd cent goes to the primary payer; either may top up the child's prepaid credit.
@Suite("Two payers of one child with shares")
struct SharedPayersTests {
    /// PF (no ISEE) and PG (ISEE €3,000, in force from September), and MENSA-X: a postpaid canteen by scan at €4.45 a
    /// meal, €2.01 with an ISEE up to €5,000 — odd prices, so that halves leave a cent over. X1 eats there.
    static func comune(_ links: [Beneficiary.PayerLink]) -> (inout MasterDataSet) -> Void {
        { s in
            let d = SmallComune.d
            for (id, surname, isee) in [("PF", "Effe", nil as Isee?),
                                        ("PG", "Gi", Isee(value: Money(cents: 300_000), filedOn: d("2026-09-01"), expiresOn: d("2026-12-31")))] {
                s.payers.append(Payer(
                    id: id, fiscalCode: CodiceFiscale.make(surname: surname, givenName: "Paolo", birthDate: d("1980-01-01"), sex: .male,
                                                           birthplaceCode: "G224").value,
                    surname: surname, givenName: "Paolo", email: "\(id.lowercased())@posta.example", mobile: nil, pec: nil, address: nil,
                    resident: true, isee: isee, notifyByEmail: true, notifyBySMS: false, lowBalanceThreshold: nil))
            }
            s.services.append(Service(id: "MENSA-X", kind: .canteen, name: "Mensa X", billingMode: .postpaid, chargeBasis: .scan, yearId: "Y",
                                      startDate: d("2026-10-01"), endDate: d("2027-06-04"), weekdays: [1, 2, 3, 4, 5], siteIds: ["S1"],
                                      cutoff: nil))
            s.tariffs.append(Tariff(id: "T-X", serviceId: "MENSA-X", name: "Pasto", unit: .meal, validFrom: d("2026-09-01"), validTo: nil,
                                    bands: [.init(upTo: Money(cents: 500_000), price: Money(cents: 201)), .init(upTo: nil, price: Money(cents: 445))],
                                    priceWithoutIsee: Money(cents: 445), nonResidentPrice: nil, secondSiblingDiscountPercent: 0,
                                    thirdSiblingDiscountPercent: 0, monthlyMinimum: nil, monthlyMaximum: nil, proRata: false))
            s.beneficiaries.append(Beneficiary(
                id: "X1", fiscalCode: CodiceFiscale.make(surname: "Effe", givenName: "Xeno", birthDate: d("2018-04-04"), sex: .male,
                                                         birthplaceCode: "G224").value,
                surname: "Effe", givenName: "Xeno", birthDate: d("2018-04-04"), classId: "C1", payers: links))
            s.enrollments.append(Enrollment(id: "EX1", beneficiaryId: "X1", serviceId: "MENSA-X", siteId: "S1", dietId: nil, routeId: nil,
                                            outboundStopId: nil, returnStopId: nil, tariffId: nil, startDate: d("2026-10-01"), endDate: nil,
                                            exemptionPercent: 0))
        }
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let links: [Beneficiary.PayerLink]
        /// What each payer is billed for X1's two meals, worked out by hand below.
        let expected: [String: Int64]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        // One payer: 2 × €4.45 = €8.90.
        Case(name: "no shares: the primary payer pays all", links: [.init(payerId: "PF", primary: true)], expected: ["PF": 890]),
        // 50% of €4.45 = €2.225: PB €2.22 (half a cent in the family's favour), PF the rest, €2.23. Two meals: €4.46 + €4.44 = €8.90.
        Case(name: "50/50, same price: the odd cent to the primary payer", links: [
            .init(payerId: "PF", primary: true, share: 50), .init(payerId: "PB", primary: false, share: 50),
        ], expected: ["PF": 446, "PB": 444]),
        // 30% of €4.45 = €1.335 → PB €1.33; PF €4.45 − €1.33 = €3.12. Two meals: €6.24 + €2.66 = €8.90.
        Case(name: "70/30, same price", links: [
            .init(payerId: "PF", primary: true, share: 70), .init(payerId: "PB", primary: false, share: 30),
        ], expected: ["PF": 624, "PB": 266]),
        // PG's band €2.01, PF without ISEE €4.45: the line is 50% × 2.01 + 50% × 4.45 = €3.23; PF 50% of €4.45 = €2.225 →
        // €2.22; PG €3.23 − €2.22 = €1.01 (own half €1.005). Two meals: PG €2.02, PF €4.44.
        Case(name: "50/50, the primary payer with ISEE and the other without", links: [
            .init(payerId: "PG", primary: true, share: 50), .init(payerId: "PF", primary: false, share: 50),
        ], expected: ["PG": 202, "PF": 444]),
        // 70% × 2.01 + 30% × 4.45 = 1.407 + 1.335 = €2.742 → €2.74; PF 30% of €4.45 → €1.33; PG €1.41. Two meals: €2.82, €2.66.
        Case(name: "70/30, the primary payer with ISEE and the other without", links: [
            .init(payerId: "PG", primary: true, share: 70), .init(payerId: "PF", primary: false, share: 30),
        ], expected: ["PG": 282, "PF": 266]),
        // The other way round: PF's line part 50% of 4.45 + PG's 50% of 2.01 = €3.23; PG 50% of €2.01 = €1.005 → €1.00;
        // PF €2.23. Two meals: PF €4.46, PG €2.00.
        Case(name: "50/50, the primary payer without ISEE and the other with", links: [
            .init(payerId: "PF", primary: true, share: 50), .init(payerId: "PG", primary: false, share: 50),
        ], expected: ["PF": 446, "PG": 200]),
    ]

    /// X1's lines of October on each payer's statement, by payer.
    static func billed(_ c: SmallComune) throws -> [String: Int64] {
        var result: [String: Int64] = [:]
        try c.queue.read { db in
            for row in try db.fetchAll("""
                SELECT s.payer_id, SUM(l.amount_cents) FROM statement_line l JOIN statement s ON s.id = l.statement_id
                WHERE l.beneficiary_id = 'X1' AND s.period = '2026-10' GROUP BY s.payer_id
                """) {
                result[try row[0] as String] = try row[1]
            }
        }
        return result
    }

    @Test("each payer is billed their share of each meal, priced with their own ISEE, on their own statement", arguments: cases)
    func split(_ example: Case) throws {
        let c = try SmallComune(customize: Self.comune(example.links))
        try c.merge([c.meal("X1", "2026-10-05", service: "MENSA-X"), c.meal("X1", "2026-10-06", service: "MENSA-X")])
        let report = try c.run(SmallComune.october)
        #expect(try Self.billed(c) == example.expected)
        if example.expected.count > 1 {
            let split = try #require(report.splits.first { $0.beneficiaryId == "X1" })
            #expect(split.payers.map(\.payerId) == example.links.map(\.payerId))
            #expect(split.payers.map(\.percent) == example.links.compactMap(\.share))
            #expect(Dictionary(uniqueKeysWithValues: split.payers.map { ($0.payerId, $0.amountCents) }) == example.expected)
            #expect(report.italian.contains("X1 MENSA-X: \(example.links[0].payerId) \(example.links[0].share ?? 0)%"), "\(report.italian)")
            // Each line says the share it bills.
            let second = example.links[1]
            let lines = try c.statement(second.payerId, SmallComune.october).lines.filter { $0.beneficiaryId == "X1" }
            #expect(lines.count == 2 && lines.allSatisfy { $0.description.contains("quota \(second.share ?? 0)%") }, "\(lines.map(\.description))")
        } else {
            #expect(report.splits.isEmpty)
        }
        // Running the month again bills nothing twice.
        _ = try c.run(SmallComune.october)
        #expect(try Self.billed(c) == example.expected)
    }

    @Test("the split itself: the parts always add up to the line, the odd cent to the primary payer", arguments: [
        // (prices in cents, percents, parts): 4.45 at 50/50 → 2.23 + 2.22; 0.01 at 50/50 → 0.01 + 0.00;
        // a credit of −1.01 at 50/50 → −0.50 + −0.51 (the half cent towards the larger credit for the other payer).
        ([Int64(445), 445], [50, 50], [Int64(223), 222]), ([1, 1], [50, 50], [1, 0]), ([-101, -101], [50, 50], [-50, -51]),
        // 3 payers, 34/33/33 of €1.00: 33 + 33 for the others, 34 for the primary payer.
        ([100, 100, 100], [34, 33, 33], [34, 33, 33]),
        // €3.33 at 70/30: 30% = 0.999 → 1.00; primary 2.33. Total 3.33.
        ([333, 333], [70, 30], [233, 100]),
    ])
    func oddCents(prices: [Int64], percents: [Int], parts: [Int64]) {
        let split = CostSharing.split(zip(prices, percents).enumerated().map {
            CostSharing.Part(payerId: "P\($0.offset)", percent: $0.element.1, price: Money(cents: $0.element.0), detail: "")
        })
        #expect(split.map(\.cents) == parts)
        #expect(split.reduce(Int64(0)) { $0 + $1.cents } == prices[0], "with one price for all, the parts add up to it")
    }

    @Test("shares changed after the month was issued become a conguaglio on each payer's next statement, netting to zero")
    func sharesChangedAfterIssue() throws {
        let fifty: [Beneficiary.PayerLink] = [.init(payerId: "PF", primary: true, share: 50), .init(payerId: "PB", primary: false, share: 50)]
        let c = try SmallComune(customize: Self.comune(fifty))
        try c.merge([c.meal("X1", "2026-10-05", service: "MENSA-X"), c.meal("X1", "2026-10-06", service: "MENSA-X")])
        _ = try c.run(SmallComune.october)
        try c.issue(SmallComune.october)
        // October issued at 50/50: PF €4.46, PB €4.44. Now 70/30: PF €6.24, PB €2.66 — PF +€1.78, PB −€1.78 in November.
        try c.reimport { s in
            if let i = s.beneficiaries.firstIndex(where: { $0.id == "X1" }) {
                s.beneficiaries[i].payers = [.init(payerId: "PF", primary: true, share: 70), .init(payerId: "PB", primary: false, share: 30)]
            }
        }
        _ = try c.run(SmallComune.november)
        let conguagli = try c.queue.read { db in
            try db.fetchAll("""
                SELECT s.payer_id, SUM(l.amount_cents) FROM statement_line l JOIN statement s ON s.id = l.statement_id
                WHERE s.period = '2026-11' AND l.kind = 'conguaglio' AND l.beneficiary_id = 'X1' GROUP BY s.payer_id ORDER BY s.payer_id
                """).map { "\(try $0[0] as String) \(try $0[1] as Int64)" }
        }
        #expect(conguagli == ["PB -178", "PF 178"])
        #expect(try c.billed("meal|X1|MENSA-X|2026-10-05") == 445, "the meal is billed once in all, whoever pays it")
    }

    @Test("a monthly maximum caps the child's total, and the cap is split like every line")
    func capOfTheChild() throws {
        // MENSA-S: €5.00 a meal without ISEE, at most €30.00 a month. X1 eats there 7 times, 70/30 between PF and PB
        // (neither with ISEE): PB 30% of €5.00 = €1.50 a meal, €10.50; PF €3.50 a meal, €24.50; the child's total €35.00
        // is €5.00 over the cap, split 30% → −€1.50 for PB, −€3.50 for PF: PB €9.00, PF €21.00, together €30.00.
        let c = try SmallComune { s in
            Self.comune([.init(payerId: "PF", primary: true, share: 70), .init(payerId: "PB", primary: false, share: 30)])(&s)
            s.enrollments.append(Enrollment(id: "EX2", beneficiaryId: "X1", serviceId: "MENSA-S", siteId: "S1", dietId: nil, routeId: nil,
                                            outboundStopId: nil, returnStopId: nil, tariffId: nil, startDate: SmallComune.d("2026-10-01"),
                                            endDate: nil, exemptionPercent: 0))
        }
        try c.merge(["05", "06", "07", "08", "09", "12", "13"].map { c.meal("X1", "2026-10-\($0)") })
        _ = try c.run(SmallComune.october)
        let caps = try c.queue.read { db in
            try db.fetchAll("""
                SELECT s.payer_id, SUM(l.amount_cents), SUM(CASE WHEN l.kind = 'cap' THEN l.amount_cents ELSE 0 END)
                FROM statement_line l JOIN statement s ON s.id = l.statement_id
                WHERE l.beneficiary_id = 'X1' AND l.service_id = 'MENSA-S' GROUP BY s.payer_id ORDER BY s.payer_id
                """).map { "\(try $0[0] as String) \(try $0[1] as Int64) \(try $0[2] as Int64)" }
        }
        #expect(caps == ["PB 900 -150", "PF 2100 -350"])
    }

    @Test("either payer with a share tops up the child's credit; each part pays that payer's share; the deficit and the tax statement name the right payer")
    func prepaidTopUpBySecondPayer() throws {
        // P1 eats at the prepaid MENSA-P (€5.00 a meal): PB (primary) and PA pay 50/50; PC is linked without a share.
        let c = try SmallComune { s in
            if let i = s.beneficiaries.firstIndex(where: { $0.id == "P1" }) {
                s.beneficiaries[i].payers = [.init(payerId: "PB", primary: true, share: 50), .init(payerId: "PA", primary: false, share: 50),
                                             .init(payerId: "PC", primary: false)]
            }
        }
        func topUp(_ payer: String, _ cents: Int64) throws {
            try c.queue.write { db in
                try PrepaidLedger.topUp(db, payer: payer, beneficiary: "P1", service: "MENSA-P", amount: Money(cents: cents),
                                        date: SmallComune.d("2026-10-01"), method: "pagopa", source: "t-\(payer)", actor: "t", now: SmallComune.now)
            }
        }
        try topUp("PA", 2000)
        // PC pays no share: no meal debits a position of theirs, so their money would sit there unused.
        #expect(throws: BillingError.notPrimaryPayer(payer: "PC", beneficiary: "P1", primary: "PB")) { try topUp("PC", 1000) }

        // Three meals: €2.50 each for PB and PA. PA: €20.00 − €7.50 = €12.50; PB: −€7.50. The child's credit €5.00.
        try c.merge(["05", "06", "07"].map { c.meal("P1", "2026-10-\($0)", service: "MENSA-P") })
        let first = try c.run(SmallComune.october)
        #expect(first.prepaidDebits == 6)
        let balances = try c.queue.read { try PrepaidLedger.balances($0, belowOnly: false) }
        #expect(balances.map { "\($0.payerId) \($0.balanceCents)" } == ["PA 1250", "PB -750"])
        #expect(try c.queue.read { try $0.scalar("SELECT SUM(balance_cents) FROM prepaid_position WHERE beneficiary_id = 'P1'") as Int64? } == 500)
        let again = try c.run(SmallComune.october)
        #expect(again.prepaidDebits == 0 && again.prepaidCorrections == 0, "each part is debited once")

        // reminders: only the part below zero is chased.
        let deficits = try c.queue.write { db in
            try DeficitChase.run(db, asOf: SmallComune.d("2026-11-02"), noticeDays: 15, send: true, now: SmallComune.earlyNovember)
        }
        #expect(deficits.map { "\($0.payerId) \($0.balanceCents)" } == ["PB -750"], "PB's part is below zero, PA's is not")

        try topUp("PB", 1000)
        let rows = try c.queue.read { try TaxStatement.rows($0, year: 2026) }.filter { $0.beneficiaryId == "P1" }
        #expect(rows.map { "\($0.payerId) \($0.paidCents) \($0.deductibleCents)" } == ["PA 2000 2000", "PB 1000 1000"])
        #expect(rows.allSatisfy { $0.capShared })
    }
}
