import Testing
@testable import SpuntaDomain

@Suite("Festività nazionali")
struct ItalianHolidaysTests {
    @Test("2026: the first year with San Francesco on 4 October")
    func year2026() {
        let holidays = ItalianHolidays.holidays(year: 2026)
        #expect(holidays.map(\.date.description) == [
            "2026-01-01", "2026-01-06", "2026-04-05", "2026-04-06", "2026-04-25", "2026-05-01", "2026-06-02",
            "2026-08-15", "2026-10-04", "2026-11-01", "2026-12-08", "2026-12-25", "2026-12-26",
        ])
        #expect(holidays.map(\.name) == [
            "Capodanno", "Epifania", "Pasqua", "Lunedì dell'Angelo (Pasquetta)", "Festa della Liberazione",
            "Festa del Lavoro", "Festa della Repubblica", "Assunzione (Ferragosto)",
            "San Francesco d'Assisi, patrono d'Italia", "Ognissanti", "Immacolata Concezione", "Natale",
            "Santo Stefano",
        ])
    }

    @Test("2027: Easter on 28 March, San Francesco on a Monday")
    func year2027() throws {
        let holidays = ItalianHolidays.holidays(year: 2027)
        #expect(holidays.map(\.date.description) == [
            "2027-01-01", "2027-01-06", "2027-03-28", "2027-03-29", "2027-04-25", "2027-05-01", "2027-06-02",
            "2027-08-15", "2027-10-04", "2027-11-01", "2027-12-08", "2027-12-25", "2027-12-26",
        ])
        let saintFrancis = try #require(LocalDate("2027-10-04"))
        #expect(saintFrancis.weekday == 1)
        #expect(ItalianHolidays.isHoliday(saintFrancis))
        #expect(!ItalianHolidays.isHoliday(try #require(LocalDate("2027-10-05"))))
    }

    @Test("before 2026 there is no 4 October")
    func before2026() throws {
        let holidays = ItalianHolidays.holidays(year: 2025)
        #expect(holidays.count == 12)
        #expect(!ItalianHolidays.isHoliday(try #require(LocalDate("2025-10-04"))))
        #expect(ItalianHolidays.isHoliday(try #require(LocalDate("2025-04-21"))))
    }

    /// Known dates, including the earliest (22 March) and latest (25 April) possible Easter.
    @Test("computes Easter Sunday", arguments: [
        (2024, "2024-03-31"), (2025, "2025-04-20"), (2026, "2026-04-05"), (2027, "2027-03-28"),
        (2028, "2028-04-16"), (2038, "2038-04-25"), (2011, "2011-04-24"), (2000, "2000-04-23"),
        (1818, "1818-03-22"), (1943, "1943-04-25"), (2285, "2285-03-22"), (1583, "1583-04-10"),
        (9999, "9999-03-28"),
    ])
    func easter(year: Int, expected: String) {
        #expect(ItalianHolidays.easterSunday(year: year)?.description == expected)
    }

    @Test("Easter is always a Sunday between 22 March and 25 April")
    func easterRange() throws {
        for year in 1583...4099 {
            let easter = try #require(ItalianHolidays.easterSunday(year: year))
            let earliest = try #require(LocalDate(year: year, month: 3, day: 22))
            let latest = try #require(LocalDate(year: year, month: 4, day: 25))
            #expect(easter.weekday == 7, "\(year)")
            #expect(earliest <= easter && easter <= latest, "\(year)")
        }
    }

    @Test("when Easter falls on Liberation Day both holidays are kept, in a stable order")
    func coinciding() {
        let april25 = ItalianHolidays.holidays(year: 2038).filter { $0.date.description == "2038-04-25" }
        #expect(april25.map(\.name) == ["Festa della Liberazione", "Pasqua"])
    }

    @Test("years outside the Gregorian computus and LocalDate have no list")
    func outOfRange() {
        #expect(ItalianHolidays.holidays(year: 1582).isEmpty)
        #expect(ItalianHolidays.holidays(year: 10_000).isEmpty)
        #expect(ItalianHolidays.easterSunday(year: 1000) == nil)
    }

    @Test("a term ending on a Sunday or a national holiday runs to the next day that is neither", arguments: [
        ("2026-12-02", "2026-12-02"),  // Wednesday
        ("2026-12-05", "2026-12-05"),  // Saturday is a working day
        ("2026-12-20", "2026-12-21"),  // Sunday
        ("2027-01-01", "2027-01-02"),  // Capodanno, Friday
        ("2026-12-25", "2026-12-28"),  // Natale, Santo Stefano, then Sunday
        ("2027-03-28", "2027-03-30"),  // Easter Sunday, then Pasquetta
    ])
    func firstWorkingDay(date: String, expected: String) throws {
        let day = try #require(LocalDate(date))
        #expect(ItalianHolidays.firstWorkingDay(onOrAfter: day).description == expected)
    }
}
