import Testing
@testable import SpuntaBilling
import SpuntaDomain

/// Billing looks the month's scans and register marks up by day for every child and day that has one: `DayMap` keeps
/// them in a short list of the days that have a value instead of a dictionary of dates, and must answer as the
/// dictionary did.
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

    @Test("A value given again replaces the day's, nil removes it, and only the days with a value are contained")
    func replaceAndRemove() throws {
        var map = ChargeCalculator.DayMap<String>(try #require(BillingPeriod("2026-10")))
        let fifth = try #require(LocalDate("2026-10-05")), ninth = try #require(LocalDate("2026-10-09"))
        map[ninth] = "a"
        map[fifth] = "b"
        map[ninth] = "c"
        #expect(map[ninth] == "c")
        #expect(map.contains(fifth) && map.contains(ninth))
        #expect(!map.contains(try #require(LocalDate("2026-10-06"))))
        #expect(!map.contains(try #require(LocalDate("2026-11-05"))))
        map[fifth] = nil
        #expect(map[fifth] == nil && !map.contains(fifth))
        #expect(map.days.map(\.value) == ["c"])
        map[ninth] = nil
        #expect(map.isEmpty)
    }

    @Test("The days a child's facts can bill are the given days, in their order, that have a value in either map")
    func factDays() throws {
        let period = try #require(BillingPeriod("2026-10"))
        let days = try ["2026-10-01", "2026-10-02", "2026-10-05", "2026-10-06", "2026-10-07"].map { try #require(LocalDate($0)) }
        var scans = ChargeCalculator.DayMap<String>(period)
        var marks = ChargeCalculator.DayMap<Int>(period)
        #expect(ChargeCalculator.factDays(days, scans, marks).isEmpty)
        scans[days[3]] = "scan"
        marks[days[1]] = 1
        marks[days[3]] = 2
        // A fact on a day that is not among the given ones (the service does not run) is not a day to bill.
        marks[try #require(LocalDate("2026-10-04"))] = 3
        #expect(ChargeCalculator.factDays(days, scans, marks) == [days[1], days[3]])
    }

    @Test("The days common to two ascending lists come in order, whatever either holds that the other does not",
          arguments: [
              ([1, 2, 3, 4], [2, 4, 6], [2, 4]),
              ([5, 6, 7], [1, 2], []),
              ([], [1], []),
              ([1, 3, 5, 7, 9], [1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 5, 7, 9]),
          ])
    func common(first: [Int], second: [Int], expected: [Int]) throws {
        func days(_ numbers: [Int]) throws -> [LocalDate] { try numbers.map { try #require(LocalDate(year: 2026, month: 10, day: $0)) } }
        #expect(ChargeCalculator.common(try days(first), try days(second)) == (try days(expected)))
    }
}
