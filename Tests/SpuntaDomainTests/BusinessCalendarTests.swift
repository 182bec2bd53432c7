import Foundation
import Testing
@testable import SpuntaDomain

@Suite("Business date and time in Europe/Rome")
struct BusinessCalendarTests {
    static func utc(_ text: String) throws -> Date {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return try #require(formatter.date(from: text), "not an ISO 8601 instant: \(text)")
    }

    @Test("reads instants as Rome's wall clock", arguments: [
        // The night DST ends: 00:30 UTC is already 02:30 in Rome, on the 25th.
        ("2026-10-25T00:30:00Z", "2026-10-25", "02:30"),
        ("2026-10-24T21:59:00Z", "2026-10-24", "23:59"),
        ("2026-10-24T22:00:00Z", "2026-10-25", "00:00"),
        ("2026-10-25T01:30:00Z", "2026-10-25", "02:30"),
        ("2026-10-25T07:29:59Z", "2026-10-25", "08:29"),
        ("2026-12-31T23:30:00Z", "2027-01-01", "00:30"),
        ("2026-06-30T22:30:00Z", "2026-07-01", "00:30"),
        ("2026-03-29T00:59:00Z", "2026-03-29", "01:59"),
        ("2026-03-29T01:00:00Z", "2026-03-29", "03:00"),
        ("1969-12-31T23:30:00Z", "1970-01-01", "00:30"),
    ])
    func businessDateAndTime(instant: String, date: String, time: String) throws {
        let moment = try Self.utc(instant)
        #expect(BusinessCalendar.date(of: moment).description == date)
        #expect(BusinessCalendar.time(of: moment).description == time)
    }

    @Test("drops seconds instead of rounding, so 09:29:59 is before a 09:30 cut-off")
    func truncates() throws {
        let moment = try Self.utc("2026-11-16T08:29:59Z")
        #expect(BusinessCalendar.time(of: moment).description == "09:29")
        let fraction = moment.addingTimeInterval(0.999)
        #expect(BusinessCalendar.time(of: fraction).description == "09:29")
    }

    @Test("turns a wall-clock time into an instant, choosing deterministically around DST", arguments: [
        ("2026-11-16", "09:30", "2026-11-16T08:30:00Z"),
        ("2026-07-01", "00:30", "2026-06-30T22:30:00Z"),
        // Gap: 02:30 does not exist on 29 March 2026; read with the winter offset, it is 03:30 CEST.
        ("2026-03-29", "02:30", "2026-03-29T01:30:00Z"),
        ("2026-03-29", "02:00", "2026-03-29T01:00:00Z"),
        ("2026-03-29", "01:59", "2026-03-29T00:59:00Z"),
        ("2026-03-29", "03:00", "2026-03-29T01:00:00Z"),
        // Overlap: 02:30 happens twice on 25 October 2026; the first one, in summer time.
        ("2026-10-25", "02:30", "2026-10-25T00:30:00Z"),
        ("2026-10-25", "02:00", "2026-10-25T00:00:00Z"),
        ("2026-10-25", "01:59", "2026-10-24T23:59:00Z"),
        ("2026-10-25", "03:00", "2026-10-25T02:00:00Z"),
    ])
    func instants(date: String, time: String, expected: String) throws {
        let day = try #require(LocalDate(date))
        let clock = try #require(LocalTime(time))
        #expect(BusinessCalendar.instant(date: day, time: clock) == (try Self.utc(expected)))
    }

    @Test("every minute of the DST days round-trips, except the hour that does not exist")
    func roundTrip() throws {
        let springForward: Set = ["2026-03-29", "2027-03-28"]
        for text in ["2026-03-29", "2026-10-25", "2027-03-28", "2027-10-31", "2026-01-15", "2026-08-15"] {
            let day = try #require(LocalDate(text))
            for minutes in 0..<1_440 {
                let clock = try #require(LocalTime(hour: minutes / 60, minute: minutes % 60))
                let instant = BusinessCalendar.instant(date: day, time: clock)
                if springForward.contains(text), (120..<180).contains(minutes) {
                    #expect(BusinessCalendar.time(of: instant).minutes == minutes + 60, "\(text) \(clock)")
                } else {
                    #expect(BusinessCalendar.date(of: instant) == day, "\(text) \(clock)")
                    #expect(BusinessCalendar.time(of: instant) == clock, "\(text) \(clock)")
                }
            }
        }
    }

    @Test("agrees with Foundation's calendar in Europe/Rome on random instants")
    func agreesWithFoundation() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "Europe/Rome"))
        let seed: UInt64 = 19_980_325
        var generator = SeededGenerator(seed: seed)
        for _ in 0..<5_000 {
            // 1990 to 2040.
            let seconds = Double(Int64.random(in: 631_152_000...2_208_988_800, using: &generator))
            let instant = Date(timeIntervalSince1970: seconds)
            let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: instant)
            #expect(BusinessCalendar.date(of: instant) == LocalDate(
                year: parts.year ?? 0, month: parts.month ?? 0, day: parts.day ?? 0
            ), "seed \(seed), instant \(seconds)")
            #expect(BusinessCalendar.time(of: instant) == LocalTime(hour: parts.hour ?? -1, minute: parts.minute ?? -1),
                    "seed \(seed), instant \(seconds)")
        }
    }

    @Test("instants out of range are clamped instead of trapping")
    func extremes() {
        #expect(BusinessCalendar.date(of: Date(timeIntervalSince1970: .nan)).description == "1970-01-01")
        #expect(BusinessCalendar.date(of: Date(timeIntervalSince1970: 1e300)).year == 9999)
        #expect(BusinessCalendar.date(of: Date(timeIntervalSince1970: -1e300)).year == 1)
        #expect(BusinessCalendar.date(of: .distantFuture).year == 4001)
    }

    @Test("uses the Europe/Rome time zone")
    func zone() {
        #expect(BusinessCalendar.timeZone.identifier == "Europe/Rome")
    }
}
