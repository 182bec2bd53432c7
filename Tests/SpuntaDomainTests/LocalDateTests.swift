import Testing
@testable import SpuntaDomain

@Suite("LocalDate and BillingPeriod")
struct LocalDateTests {
    @Test("parses and prints ISO dates, refusing impossible ones", arguments: [
        ("2026-10-25", true), ("2024-02-29", true), ("2026-02-29", false), ("2026-04-31", false),
        ("2026-13-01", false), ("2026-1-01", false), ("26-10-25", false), ("2026-10-2x", false), ("", false),
    ])
    func parsing(text: String, valid: Bool) {
        let date = LocalDate(text)
        #expect((date != nil) == valid)
        if let date { #expect(date.description == text) }
    }

    @Test("writes every date of a span as ISO and as Italians do, zero-padded, matching the parts")
    func writing() throws {
        var date = try #require(LocalDate("0999-12-25"))
        #expect(date.description == "0999-12-25")
        #expect(date.italian == "25/12/0999")
        date = try #require(LocalDate("2026-01-01"))
        for _ in 0..<800 {
            let iso = String(format: "%04d-%02d-%02d", date.year, date.month, date.day)
            #expect(date.description == iso)
            #expect(date.italian == String(format: "%02d/%02d/%04d", date.day, date.month, date.year))
            #expect(LocalDate(date.description) == date)
            date = date.adding(days: 1)
        }
    }

    @Test("day numbers round-trip and weekdays are right")
    func dayNumbers() throws {
        let epoch = try #require(LocalDate("1970-01-01"))
        #expect(epoch.dayNumber == 0)
        #expect(epoch.weekday == 4)
        let d = try #require(LocalDate("2026-10-25"))
        #expect(d.weekday == 7) // a Sunday
        for n in stride(from: -800_000, through: 800_000, by: 997) {
            #expect(LocalDate(dayNumber: n).dayNumber == n)
        }
        #expect(d.adding(days: 7).description == "2026-11-01")
        #expect(LocalDate("2026-12-31")!.adding(days: 1).description == "2027-01-01")
    }

    @Test("billing periods know their days and neighbours")
    func periods() throws {
        let p = try #require(BillingPeriod("2026-02"))
        #expect(p.dayCount == 28)
        #expect(p.next.description == "2026-03")
        #expect(BillingPeriod("2026-12")!.next.description == "2027-01")
        #expect(BillingPeriod("2027-01")!.previous.description == "2026-12")
        #expect(BillingPeriod("2026-13") == nil)
        #expect(BillingPeriod("2026-10")!.italian == "ottobre 2026")
    }
}

@Suite("Money")
struct MoneyTests {
    @Test("parses decimal amounts into cents", arguments: [
        ("4.50", Int64(450)), ("4,5", 450), ("0", 0), ("1234", 123_400), ("0.05", 5), ("12.3", 1230),
    ])
    func parsing(text: String, cents: Int64) {
        #expect(Money(decimal: text)?.cents == cents)
    }

    @Test("refuses what is not an amount", arguments: ["", "-1", "4.505", "1.234,50", "abc", "4.", ".5", "1e3"])
    func refusing(text: String) {
        #expect(Money(decimal: text) == nil)
    }

    @Test("prints the Italian way")
    func italian() {
        #expect(Money(cents: 123_450).italian == "€ 1.234,50")
        #expect(Money(cents: 5).italian == "€ 0,05")
        #expect(Money(cents: -450).italian == "-€ 4,50")
        #expect(Money(cents: 100_000_000).italian == "€ 1.000.000,00")
        #expect(Money(cents: 450).decimalString == "4.50")
    }
}
