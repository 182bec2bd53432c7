import Foundation
import Testing
import SpuntaBilling
import SpuntaDomain
import SpuntaExchange
import SpuntaServerStore
import SpuntaStore

/// The yearly caps of the tax statement belong to the child: €800 for school services (art. 15 c.1 lett. e-bis
/// TUIR), €632 for the nursery (art. 1 c.335 L. 266/2005, made permanent by art. 2 c.6 L. 203/2008). When two
/// payers paid for one child, the cap is shared between them in proportion to what each paid.
@Suite("Tax statement caps per child")
struct TaxStatementCapTests {
    /// P1's prepaid canteen, and a prepaid nursery for N1 (both children of PB); PA is linked to both as well.
    static func comune() throws -> SmallComune {
        try SmallComune { s in
            let d = SmallComune.d
            s.services.append(Service(id: "NIDO-P", kind: .nursery, name: "Nido (prepagato)", billingMode: .prepaid, chargeBasis: .enrollment,
                                      yearId: "Y", startDate: d("2026-10-01"), endDate: d("2027-06-30"), weekdays: [1, 2, 3, 4, 5],
                                      siteIds: ["N"], cutoff: nil))
            for child in ["P1", "N1"] {
                if let index = s.beneficiaries.firstIndex(where: { $0.id == child }) {
                    s.beneficiaries[index].payers.append(.init(payerId: "PA", primary: false))
                }
            }
        }
    }

    /// The family moves the child to the other parent halfway through the year: each parent tops up while primary.
    static func topUps(_ c: SmallComune, child: String, service: String, first: Int64, second: Int64) throws {
        try c.queue.write { db in
            try PrepaidLedger.topUp(db, payer: "PB", beneficiary: child, service: service, amount: Money(cents: first),
                                    date: LocalDate("2026-03-02")!, method: "pagopa", source: "t", actor: "t", now: SmallComune.now)
        }
        try c.reimport { s in
            if let index = s.beneficiaries.firstIndex(where: { $0.id == child }) {
                s.beneficiaries[index].payers = [.init(payerId: "PA", primary: true), .init(payerId: "PB", primary: false)]
            }
        }
        try c.queue.write { db in
            try PrepaidLedger.topUp(db, payer: "PA", beneficiary: child, service: service, amount: Money(cents: second),
                                    date: LocalDate("2026-09-14")!, method: "bank", source: "t", actor: "t", now: SmallComune.now)
        }
    }

    static func deductible(_ c: SmallComune, child: String) throws -> [String] {
        try c.queue.read { try TaxStatement.rows($0, year: 2026) }.filter { $0.beneficiaryId == child }
            .map { "\($0.payerId) \($0.paidCents) \($0.deductibleCents)" }.sorted()
    }

    @Test("two payers of one child share the child's cap in proportion to what each paid", arguments: [
        // school services: cap €800.00
        ("P1", "MENSA-P", Int64(50_000), Int64(50_000), ["PA 50000 40000", "PB 50000 40000"]),
        ("P1", "MENSA-P", 60_000, 30_000, ["PA 30000 26667", "PB 60000 53333"]),
        ("P1", "MENSA-P", 30_000, 40_000, ["PA 40000 40000", "PB 30000 30000"]),
        // nursery: cap €632.00
        ("N1", "NIDO-P", 40_000, 40_000, ["PA 40000 31600", "PB 40000 31600"]),
        ("N1", "NIDO-P", 10_000, 60_000, ["PA 60000 54171", "PB 10000 9029"]),
    ])
    func sharedCap(child: String, service: String, first: Int64, second: Int64, expected: [String]) throws {
        let c = try Self.comune()
        try Self.topUps(c, child: child, service: service, first: first, second: second)
        #expect(try Self.deductible(c, child: child) == expected)
    }

    @Test("the school cap and the nursery cap are the child's own, one apart from the other")
    func capsApart() throws {
        let c = try Self.comune()
        try c.queue.write { db in
            for (service, cents) in [("MENSA-P", Int64(70_000)), ("NIDO-P", 70_000)] {
                try PrepaidLedger.topUp(db, payer: "PB", beneficiary: "P1", service: service, amount: Money(cents: cents),
                                        date: LocalDate("2026-03-02")!, method: "card", source: "t", actor: "t", now: SmallComune.now)
            }
        }
        let rows = try c.queue.read { try TaxStatement.rows($0, year: 2026) }.filter { $0.beneficiaryId == "P1" }
        #expect(rows.map { "\($0.serviceId) \($0.deductibleCents)" }.sorted() == ["MENSA-P 70000", "NIDO-P 63200"])
    }

    @Test("the printed statement cites the legal basis of each cap and says when a cap was shared")
    func citations() throws {
        let c = try Self.comune()
        try Self.topUps(c, child: "N1", service: "NIDO-P", first: 40_000, second: 40_000)
        let rows = try c.queue.read { try TaxStatement.rows($0, year: 2026) }
        let municipality = try #require(try c.queue.read { try MasterDataStore.load($0).municipality })
        let html = TaxStatement.html(rows, excesses: [], year: 2026, municipality: municipality)
        #expect(html.contains("art. 15, c. 1, lett. e-bis"))
        #expect(html.contains("art. 1, c. 335, L. 266/2005"))
        #expect(html.contains("art. 2, c. 6, L. 203/2008"))
        #expect(html.contains("condiviso"))
    }
}
