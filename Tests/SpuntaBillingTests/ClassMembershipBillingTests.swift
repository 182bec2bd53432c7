import Foundation
import Testing
@testable import SpuntaBilling
import SpuntaDomain
import SpuntaStore

/// The register books meals only on the days a child is in the class: a child who starts on the 12th is not
/// charged from the 1st. Scanned meals stay facts whatever the register says.
@Suite("Billing on dated class membership")
struct ClassMembershipBillingTests {
    /// (first day in class, last day in class) → meals booked by the register for B1 on MENSA-R in October, and
    /// meals charged to A1 on the scanned MENSA-S (3 scans on 5–7 October) with the same dates.
    ///
    /// By hand: 21 billable days; B1's marks send away the 5th (absent), the 7th (out at 09:00) and the 8th (in at
    /// 10:00): 18. From the 12th: 12–15, 19–23, 26–30 = 14 days, no mark among them: 14. Until the 9th: 1, 2, 5–9 =
    /// 7 days less the three = 4. From the 6th to the 8th: the 6th only (out at 11:00, after the cut-off) = 1.
    static let cases: [(String?, String?, Int)] = [
        (nil, nil, 18),
        ("2026-10-12", nil, 14),
        (nil, "2026-10-09", 4),
        ("2026-10-06", "2026-10-08", 1),
    ]

    @Test("a mid-month start books meals from the first day in class", arguments: cases)
    func midMonthStart(_ c: (String?, String?, Int)) throws {
        let (from, to, meals) = c
        let comune = try SmallComune { data in
            for index in data.beneficiaries.indices where ["B1", "A1"].contains(data.beneficiaries[index].id) {
                data.beneficiaries[index].classFrom = from.map(SmallComune.d)
                data.beneficiaries[index].classTo = to.map(SmallComune.d)
            }
        }
        try comune.merge(comune.goldenOctober())
        var notes = ChargeCalculator.Notes()
        let charges = try comune.queue.write { db in
            try ChargeCalculator(db).charges(for: SmallComune.october, notes: &notes, raiseConflicts: false, now: SmallComune.now)
        }
        let booked = charges.filter { $0.beneficiaryId == "B1" && $0.serviceId == "MENSA-R" && $0.kind == .charge }
        #expect(booked.count == meals)
        if let from { #expect(booked.allSatisfy { ($0.date ?? SmallComune.d("2000-01-01")) >= SmallComune.d(from) }) }
        #expect(charges.filter { $0.beneficiaryId == "A1" && $0.serviceId == "MENSA-S" && $0.kind == .charge }.count == 3)
    }
}
