import Foundation
import Testing
import SpuntaBilling
import SpuntaDomain

/// Each tariff rule on its own.
@Suite("Tariff rules")
struct TariffRuleTests {
    static func m(_ c: Int64) -> Money { Money(cents: c) }
    static let tariff = Tariff(
        id: "T", serviceId: "S", name: "Pasto", unit: .meal, validFrom: LocalDate("2026-09-01")!, validTo: nil,
        bands: [.init(upTo: m(300_000), price: m(0)), .init(upTo: m(800_000), price: m(250)), .init(upTo: nil, price: m(480))],
        priceWithoutIsee: m(500), nonResidentPrice: m(620), secondSiblingDiscountPercent: 20, thirdSiblingDiscountPercent: 50,
        monthlyMinimum: nil, monthlyMaximum: nil, proRata: false
    )

    static func payer(isee: Isee?, resident: Bool = true) -> Payer {
        Payer(id: "P", fiscalCode: "X", surname: "R", givenName: "A", email: nil, mobile: nil, pec: nil, address: nil, resident: resident,
              isee: isee, notifyByEmail: false, notifyBySMS: false, lowBalanceThreshold: nil)
    }

    static func isee(_ cents: Int64, filed: String, expires: String = "2026-12-31") -> Isee {
        Isee(value: m(cents), filedOn: LocalDate(filed)!, expiresOn: LocalDate(expires)!)
    }

    static func price(_ payer: Payer, _ date: String, rank: Int = 1, exemption: Int = 0) -> Int64 {
        TariffEngine.quote(tariff: tariff, payer: payer, date: LocalDate(date)!, siblingRank: rank, exemptionPercent: exemption).amount.cents
    }

    @Test("the ISEE band sets the price; the boundary belongs to the lower band")
    func bands() {
        #expect(Self.price(Self.payer(isee: Self.isee(250_000, filed: "2026-09-01")), "2026-10-05") == 0)
        #expect(Self.price(Self.payer(isee: Self.isee(300_000, filed: "2026-09-01")), "2026-10-05") == 0)
        #expect(Self.price(Self.payer(isee: Self.isee(300_001, filed: "2026-09-01")), "2026-10-05") == 250)
        #expect(Self.price(Self.payer(isee: Self.isee(2_000_000, filed: "2026-09-01")), "2026-10-05") == 480)
    }

    @Test("no ISEE on file: the price without ISEE")
    func noIsee() {
        #expect(Self.price(Self.payer(isee: nil), "2026-10-05") == 500)
    }

    @Test("an ISEE filed by the 15th counts from that month, after the 15th from the next, never before")
    func filingDate() {
        let by15 = Self.payer(isee: Self.isee(100_000, filed: "2026-10-15"))
        #expect(Self.price(by15, "2026-10-01") == 0)
        #expect(Self.price(by15, "2026-09-30") == 500)
        let after15 = Self.payer(isee: Self.isee(100_000, filed: "2026-10-16"))
        #expect(Self.price(after15, "2026-10-30") == 500)
        #expect(Self.price(after15, "2026-11-02") == 0)
    }

    @Test("an expired ISEE gives the full price the day after expiry")
    func expired() {
        let p = Self.payer(isee: Self.isee(100_000, filed: "2026-02-01", expires: "2026-12-31"))
        #expect(Self.price(p, "2026-12-31") == 0)
        #expect(Self.price(p, "2027-01-07") == 500)
    }

    @Test("non-residents pay the non-resident price whatever their ISEE")
    func nonResident() {
        #expect(Self.price(Self.payer(isee: Self.isee(100_000, filed: "2026-09-01"), resident: false), "2026-10-05") == 620)
    }

    @Test("non-residents pay the full, highest price when the tariff has no non-resident price, whatever their ISEE", arguments: [
        (Int64(500), Int64(100_000)), (500, 2_000_000), (480, 100_000),
    ])
    func nonResidentWithoutItsPrice(priceWithoutIsee: Int64, iseeCents: Int64) {
        var tariff = Self.tariff
        tariff.nonResidentPrice = nil
        tariff.priceWithoutIsee = Self.m(priceWithoutIsee)
        // The top band is 4.80: the highest price is the larger of it and the price without ISEE.
        let expected = max(priceWithoutIsee, 480)
        for isee in [Self.isee(iseeCents, filed: "2026-09-01"), nil] {
            let quote = TariffEngine.quote(tariff: tariff, payer: Self.payer(isee: isee, resident: false), date: LocalDate("2026-10-05")!,
                                           siblingRank: 1, exemptionPercent: 0)
            #expect(quote.amount.cents == expected)
            #expect(quote.explanation.contains("non residente"))
        }
        // A resident with the same ISEE keeps the band.
        #expect(TariffEngine.quote(tariff: tariff, payer: Self.payer(isee: Self.isee(100_000, filed: "2026-09-01")), date: LocalDate("2026-10-05")!,
                                   siblingRank: 1, exemptionPercent: 0).amount.cents == 0)
    }

    @Test("sibling reduction: full price for the first child, −20% the second, −50% the third and after", arguments: [
        (1, Int64(500)), (2, 400), (3, 250), (4, 250),
    ])
    func siblings(rank: Int, cents: Int64) {
        #expect(Self.price(Self.payer(isee: nil), "2026-10-05", rank: rank) == cents)
    }

    @Test("an exemption reduces the price by its percent, after the sibling reduction", arguments: [
        (0, Int64(500)), (50, 250), (100, 0), (33, 335),
    ])
    func exemption(percent: Int, cents: Int64) {
        #expect(Self.price(Self.payer(isee: nil), "2026-10-05", exemption: percent) == cents)
        #expect(Self.price(Self.payer(isee: nil), "2026-10-05", rank: 2, exemption: 50) == 200)
    }

    // By hand: 333 × 50% = 166.5 → 166 (the half cent to the family); 1 × 50% = 0.5 → 0; 999 × 67% = 669.33 → 669;
    // 667 × 50% = 333.5 → 333; 335 × 90% = 301.5 → 301; 999 × 85% = 849.15 → 849; 1001 × 15% = 150.15 → 150;
    // 445 × 30% = 133.5 → 133; 3 × 50% = 1.5 → 1; 5 × 10% = 0.5 → 0; a credit of −333 × 50% = −166.5 → −167 (the larger credit); 0 stays 0.
    @Test("a discounted price is rounded to the nearest cent, an exact half cent in the family's favour", arguments: [
        (Int64(333), 50, Int64(166)), (1, 50, 0), (999, 33, 669), (667, 50, 333), (335, 10, 301), (999, 15, 849),
        (1001, 85, 150), (445, 70, 133), (-333, 50, -167), (0, 20, 0), (3, 50, 1), (5, 90, 0),
    ])
    func rounding(amount: Int64, percent: Int, expected: Int64) {
        #expect(TariffEngine.percentOff(Money(cents: amount), percent).cents == expected)
    }

    // By hand: 101 × 1/2 = 50.5 → 50; 10 001 × 1/2 = 5 000.5 → 5 000; 7 × 3/4 = 5.25 → 5; 7 × 5/6 = 5.83 → 6;
    // −101 × 1/2 = −50.5 → −51; 100 × 1/0: nothing.
    @Test("every fraction of a price follows the same rounding", arguments: [
        (Int64(101), Int64(1), Int64(2), Int64(50)), (10_001, 1, 2, 5_000), (7, 3, 4, 5), (7, 5, 6, 6), (-101, 1, 2, -51), (100, 1, 0, 0),
    ])
    func fraction(amount: Int64, numerator: Int64, denominator: Int64, expected: Int64) {
        #expect(TariffEngine.fraction(of: Money(cents: amount), numerator, denominator).cents == expected)
        if denominator > 0 {
            #expect(TariffEngine.proRata(Money(cents: amount), Int(numerator), Int(denominator)).cents == expected)
        }
    }

    @Test("a monthly fee pro rata by the days enrolled", arguments: [
        (40_000 as Int64, 14, 21, 26_667 as Int64), (40_000, 21, 21, 40_000), (10_000, 1, 3, 3_333), (10_000, 2, 3, 6_667), (10_000, 0, 20, 0),
    ])
    func proRata(amount: Int64, days: Int, of total: Int, expected: Int64) {
        #expect(TariffEngine.proRata(Money(cents: amount), days, total).cents == expected)
    }
}

@Suite("Charge rules in a month")
struct ChargeRuleTests {
    @Test("the monthly maximum caps a child's month with one line")
    func maximum() throws {
        let c = try SmallComune()
        // Payer PC, no ISEE in force in October: 5.00 a meal; 7 meals = 35.00, capped at 30.00.
        let days = ["2026-10-01", "2026-10-02", "2026-10-05", "2026-10-06", "2026-10-07", "2026-10-08", "2026-10-09"]
        try c.merge(days.map { c.meal("C1", $0) })
        _ = try c.run(SmallComune.october)
        let s = try c.statement("PC", SmallComune.october)
        #expect(s.totalCents == 3000)
        let cap = try #require(s.lines.first { $0.kind == "cap" })
        #expect(cap.amountCents == -500)
        #expect(cap.description.contains("Tetto mensile"))
    }

    @Test("a meal on a weekend, a closing day or outside the service dates is not billed")
    func calendar() throws {
        let c = try SmallComune()
        try c.merge([c.meal("C1", "2026-10-03"), c.meal("C1", "2026-10-16"), c.meal("C1", "2026-09-30"), c.meal("C1", "2026-10-02")])
        let report = try c.run(SmallComune.october)
        #expect(try c.statement("PC", SmallComune.october).lines.map(\.date) == ["2026-10-02"])
        #expect(report.notBilled.filter { $0.contains("C1") }.count == 2, "Saturday and the closing day are reported; 30/9 is another month")
    }

    @Test("a national holiday is never billed, even when the school year's closing days omit it", arguments: [
        "2026-12-08", "2026-12-25", "2027-01-06", "2027-03-29", "2027-06-02",
    ])
    func nationalHolidays(day: String) throws {
        let c = try SmallComune()
        let date = SmallComune.d(day)
        let period = date.period
        let services = SmallComune.data().services
        let days = try c.queue.read { db in
            let calculator = try ChargeCalculator(db)
            return services.map { calculator.billableDays($0, period) }
        }
        #expect(days.allSatisfy { !$0.contains(date) })
        // A meal scanned that day is reported, not billed; the register does not book it either.
        try c.merge([c.meal("C1", day)])
        let report = try c.run(period)
        #expect(report.notBilled.contains { $0.contains(date.italian) })
        let lines = try c.queue.read { try StatementDesk.statements($0, period: period, payer: nil, status: nil) }.flatMap(\.lines)
        #expect(!lines.contains { $0.date == day })
    }

    @Test("two scans of the same meal on two doors are one charge")
    func duplicates() throws {
        let c = try SmallComune()
        try c.merge([c.meal("C1", "2026-10-05", device: "X"), c.meal("C1", "2026-10-05", device: "Y")])
        _ = try c.run(SmallComune.october)
        #expect(try c.statement("PC", SmallComune.october).totalCents == 500)
    }

    @Test("with the register as basis, no roll call means the meal was booked")
    func registerDefault() throws {
        let c = try SmallComune()
        _ = try c.run(SmallComune.october)
        let meals = try c.statement("PB", SmallComune.october).lines.filter { $0.serviceId == "MENSA-R" }
        #expect(meals.count == 21)
        #expect(meals.allSatisfy { $0.sourceOps.isEmpty })
    }
}
