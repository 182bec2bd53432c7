import Testing
@testable import SpuntaBilling
import SpuntaDomain

/// Billing looks the month's scans and register marks up by day for every child and day: `DayMap` keeps them in an
/// array of the month's days instead of a dictionary of dates, and must answer as the dictionary did.
@Suite("A month's facts by day")
struct DayMapTests {
    @Test("A day of the month has the value it was given; a day without one, or of another month, has none")
    func lookups() throws {
        var map = ChargeCalculator.DayMap<String>(try #require(BillingPeriod("2026-10")))
        #expect(map.isEmpty)
        #expect(map[try #require(LocalDate("2026-10-05"))] == nil)
        map[try #require(LocalDate("2026-10-31"))] = "op-31"
        map[try #require(LocalDate("2026-10-01"))] = "op-1"
        #expect(!map.isEmpty)
        #expect(map[try #require(LocalDate("2026-10-31"))] == "op-31")
        #expect(map[try #require(LocalDate("2026-10-01"))] == "op-1")
        #expect(map[try #require(LocalDate("2026-10-02"))] == nil)
        #expect(map[try #require(LocalDate("2026-11-01"))] == nil)
        #expect(map[try #require(LocalDate("2025-10-01"))] == nil)
    }

    @Test("A day of another month takes no value, and nil given to an empty month leaves it empty")
    func otherMonths() throws {
        var map = ChargeCalculator.DayMap<Int>(try #require(BillingPeriod("2026-10")))
        map[try #require(LocalDate("2026-09-30"))] = 1
        map[try #require(LocalDate("2026-10-03"))] = nil
        #expect(map.isEmpty)
        #expect(map.days.isEmpty)
    }

    @Test("The days with a value come in the order of the month, the last one given for a day counting")
    func daysInOrder() throws {
        var map = ChargeCalculator.DayMap<String>(try #require(BillingPeriod("2026-10")))
        for (day, value) in [("2026-10-20", "c"), ("2026-10-02", "a"), ("2026-10-09", "x"), ("2026-10-09", "b")] {
            map[try #require(LocalDate(day))] = value
        }
        #expect(map.days.map { "\($0.day) \($0.value)" } == ["2026-10-02 a", "2026-10-09 b", "2026-10-20 c"])
    }
}
