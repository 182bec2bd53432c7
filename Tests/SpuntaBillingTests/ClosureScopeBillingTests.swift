import Foundation
import Testing
@testable import SpuntaBilling
import SpuntaDomain
import SpuntaStore

/// Billing follows the closures of the exchange file: a snow day that closes the school books no meal there,
/// while the nursery, open that day, is charged its month as usual.
@Suite("Billing on closures per service and site")
struct ClosureScopeBillingTests {
    /// (services closed, sites closed on Tuesday 20 October) → meals booked by the register for B1 on MENSA-R
    /// (site S1), the nursery's pro rata fraction for N1 (site N, enrolled from 12 October).
    ///
    /// By hand: October has 21 billable days (22 weekdays, the patron's day closed); B1's marks send 3 meals away
    /// (absent on the 5th, out at 09:00 on the 7th, in at 10:00 on the 8th): 18 meals. N1 is enrolled 14 of the 21
    /// days: €400.00 × 14/21 = €266.67. A closure of the school's site takes one meal; one of the nursery one day
    /// of each term of the fraction: 13/20 → €260.00.
    static let cases: [([String], [String], Int, String, Int64)] = [
        ([], [], 17, "13/20", 26_000),
        ([], ["S1"], 17, "14/21", 26_667),
        (["NIDO"], [], 18, "13/20", 26_000),
        (["MENSA-R"], [], 17, "14/21", 26_667),
        (["MENSA-S"], ["N"], 18, "13/20", 26_000),
    ]

    @Test("a snow day for the school only books no meal at the school and leaves the nursery's month whole", arguments: cases)
    func snowDay(_ c: ([String], [String], Int, String, Int64)) throws {
        let (services, sites, meals, fraction, nurseryCents) = c
        let comune = try SmallComune { data in
            data.schoolYears[0].closures.append(.init(from: SmallComune.d("2026-10-20"), to: SmallComune.d("2026-10-20"),
                                                      reason: "Neve", serviceIds: services, siteIds: sites))
        }
        try comune.merge(comune.goldenOctober())
        var notes = ChargeCalculator.Notes()
        let charges = try comune.queue.write { db in
            try ChargeCalculator(db).charges(for: SmallComune.october, notes: &notes, raiseConflicts: false, now: SmallComune.now)
        }
        let booked = charges.filter { $0.beneficiaryId == "B1" && $0.serviceId == "MENSA-R" && $0.kind == .charge }
        #expect(booked.count == meals)
        #expect(booked.contains { $0.date == SmallComune.d("2026-10-20") } == (meals == 18))
        let nursery = try #require(charges.first { $0.beneficiaryId == "N1" && $0.serviceId == "NIDO" })
        #expect(nursery.description.contains("\(fraction) giorni del mese"))
        #expect(nursery.amount.cents == nurseryCents)
    }
}
