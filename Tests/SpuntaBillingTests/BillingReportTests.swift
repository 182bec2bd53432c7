import Foundation
import Testing
import SpuntaBilling
import SpuntaDomain
import SpuntaStore

/// The run's report tells everything it decided: facts on days the service does not charge are listed, late
/// prepaid facts say so, and every price is rounded by the one rule of protocol/billing.md.
@Suite("What the billing report tells")
struct BillingReportTests {
    @Test("a ride on a closing day is listed among the facts not billed, as a meal is, and not charged")
    func rideOnClosingDay() throws {
        let c = try SmallComune(customize: RidesNotEnrolledTests.withBus)
        let bus = try RidesNotEnrolledTests.Bus(c)
        // 16/10 is the Patrono (closing day of the year); 5/10 an ordinary Monday.
        let closed = try bus.boards("B1", "2026-10-16")
        try bus.boards("B1", "2026-10-05")
        try c.merge([c.meal("A1", "2026-10-16")])
        let report = try c.run(SmallComune.october)
        let ride = try #require(report.notBilled.first { $0.contains("corsa del 16/10/2026") })
        #expect(ride.hasPrefix("B1:"))
        #expect(ride.contains("non addebitata"))
        #expect(ride.contains(closed.id))
        #expect(report.notBilled.contains { $0.contains("pasto del 16/10/2026") })
        // By hand: one ride on 5/10 at €1.00; the one of 16/10 is not on the statement.
        let s = try c.statement("PB", SmallComune.october)
        let rides = s.lines.filter { $0.serviceId == "BUS" }
        #expect(rides.map(\.date) == ["2026-10-05"])
        #expect(rides.map(\.amountCents) == [100])
    }

    /// When the month was last run, the day of the meal, and whether its debit is late.
    @Test("a prepaid meal of a day already over when its month was last run is debited saying it came after billing, and counted late",
          arguments: [
              // October run on 20/11, the meal of 5/10 arrives, October run again: late.
              ("2026-10", "2026-11-20", "2026-10-05", true),
              // November run on 5/11 at 10:00; the meal of 4/11 (over then) arrives: late.
              ("2026-11", "2026-11-05", "2026-11-04", true),
              // The meal of 5/11 itself (the day of that run, not over): billed now, not late.
              ("2026-11", "2026-11-05", "2026-11-05", false),
              // A meal of 6/11, a day that had not come yet: not late.
              ("2026-11", "2026-11-05", "2026-11-06", false),
          ])
    func latePrepaidMeal(month: String, firstRun: String, day: String, late: Bool) throws {
        let c = try SmallComune()
        let period = try #require(BillingPeriod(month))
        let first = BusinessCalendar.instant(date: SmallComune.d(firstRun), time: LocalTime(hour: 10, minute: 0)!)
        try c.queue.write { db in
            try PrepaidLedger.topUp(db, payer: "PB", beneficiary: "P1", service: "MENSA-P", amount: Money(cents: 5000),
                                    date: SmallComune.d("2026-09-30"), method: "pagopa", source: "t", actor: "t", now: first)
        }
        // A first meal of the month, debited by the first run.
        try c.merge([c.meal("P1", month == "2026-10" ? "2026-10-01" : "2026-11-02", service: "MENSA-P")])
        _ = try c.queue.write { try BillingRun.run($0, period: period, actor: "test", now: first) }
        try c.merge([c.meal("P1", day, service: "MENSA-P")])
        let report = try c.run(period)
        #expect(report.prepaidDebits == 1)
        #expect(report.prepaidLate == (late ? 1 : 0))
        let description: String = try #require(try c.queue.read {
            try $0.scalar("SELECT description FROM prepaid_movement WHERE charge_key = ?", ["meal|P1|MENSA-P|\(day)"])
        })
        #expect(description.contains("registrato dopo la fatturazione di \(period.italian)") == late)
        // By hand: €50.00 − €5.00 (the first meal) − €5.00 = €40.00, whatever the note.
        #expect(try c.queue.read { try PrepaidLedger.balances($0, belowOnly: false) }.first { $0.beneficiaryId == "P1" }?.balanceCents == 4000)
    }

    /// A meal at €3.33 and reductions that leave half a cent: the family pays the lower cent.
    @Test("a statement line whose reduction leaves half a cent charges the lower cent", arguments: [
        // By hand: €3.33 − 50% = €1.665 → €1.66.
        (Int64(333), 50, Int64(166)),
        // €4.45 − 70% = €1.335 → €1.33.
        (445, 70, 133),
        // €3.35 − 10% = €3.015 → €3.01.
        (335, 10, 301),
        // €5.00 − 33% = €3.35 exactly.
        (500, 33, 335),
    ])
    func halfCentOnTheLine(price: Int64, exemption: Int, expected: Int64) throws {
        let c = try SmallComune { s in
            // PC has no ISEE in force in October: the price without ISEE applies.
            if let t = s.tariffs.firstIndex(where: { $0.id == "T-S" }) { s.tariffs[t].priceWithoutIsee = Money(cents: price) }
            if let e = s.enrollments.firstIndex(where: { $0.id == "E5" }) { s.enrollments[e].exemptionPercent = exemption }
        }
        try c.merge([c.meal("C1", "2026-10-05")])
        _ = try c.run(SmallComune.october)
        let line = try #require(try c.statement("PC", SmallComune.october).lines.first { $0.serviceId == "MENSA-S" })
        #expect(line.amountCents == expected)
    }
}
