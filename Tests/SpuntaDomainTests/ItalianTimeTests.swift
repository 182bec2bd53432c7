import Foundation
import Testing
@testable import SpuntaDomain

@Suite("Times as a person in Italy reads them")
struct ItalianTimeTests {
    @Test("instants are shown on Rome's clock with the Italian date, summer and winter", arguments: [
        ("2026-10-05T06:12:00Z", "05/10/2026 08:12"),
        ("2026-12-01T06:12:00.500Z", "01/12/2026 07:12"),
        ("2026-10-24T23:30:00Z", "25/10/2026 01:30"),
        ("2026-12-31T23:59:59Z", "01/01/2027 00:59"),
    ])
    func dateTime(stored: String, shown: String) {
        #expect(ItalianTime.dateTime(stored: stored) == shown)
    }

    @Test("a stored text that is not an instant is shown as it is, never hidden")
    func notAnInstant() {
        #expect(ItalianTime.dateTime(stored: "ieri") == "ieri")
    }

    @Test("UTC instants written by UTCTime read back to the same instant", arguments: [0 as Int64, 1_791_187_800_000, 1_791_187_800_123, -86_400_000])
    func roundTrip(ms: Int64) throws {
        for fractional in [true, false] {
            let text = UTCTime.string(milliseconds: ms, fractional: fractional)
            let date = try #require(UTCTime.date(text))
            #expect(Int64((date.timeIntervalSince1970 * 1000).rounded()) == (fractional ? ms : ms - ((ms % 1000) + 1000) % 1000))
        }
    }

    @Test("malformed instants are refused", arguments: ["2026-10-05", "2026-10-05T06:12:00", "2026-10-05 06:12:00Z", "2026-13-05T06:12:00Z",
                                                        "2026-10-05T24:00:00Z", "2026-10-05T06:12:00.5Z", "2026-10-05T06:1x:00Z"])
    func malformed(text: String) {
        #expect(UTCTime.date(text) == nil)
    }

    static let ages: [(Int, String)] = [
        (0, "adesso"), (4, "adesso"), (40, "40 s fa"), (59, "59 s fa"), (60, "1 min fa"), (779, "12 min fa"),
        (12_000, "3 h fa"), (169_200, "47 h fa"), (172_805, "2 g fa"), (-30, "adesso"),
    ]

    @Test("how long ago, in the largest whole unit", arguments: ages)
    func ago(seconds: Int, text: String) {
        #expect(ItalianTime.ago(seconds: seconds) == text)
    }

    static let offsets: [(Int64, String)] = [
        (0, "0 s"), (400, "0 s"), (12_400, "+12 s"), (-3_600_000, "-1 h"), (-3_590_000, "-1 h"), (240_000, "+4 min"),
        (5_400_000, "+1 h 30 min"), (-172_800_000, "-2 g"), (-59_600, "-1 min"),
    ]

    @Test("a clock offset, signed and rounded to what matters", arguments: offsets)
    func offset(ms: Int64, text: String) {
        #expect(ItalianTime.offset(milliseconds: ms) == text)
    }

    @Test("a span in two units at most: hours and minutes, days and hours, years and days", arguments: [
        (0, "meno di 1 min"), (59, "meno di 1 min"), (60, "1 min"), (3 * 60 + 59, "3 min"), (3600, "1 h"), (5 * 3600 + 10 * 60, "5 h 10 min"),
        (23 * 3600 + 59 * 60, "23 h 59 min"), (86_400, "1 giorno"), (3 * 86_400, "3 giorni"), (2 * 86_400 + 5 * 3600 + 7 * 60, "2 giorni e 5 h"),
        (-(5 * 3600 + 10 * 60), "5 h 10 min"), (365 * 86_400, "1 anno"), (3 * 365 * 86_400 + 2 * 86_400 + 3600, "3 anni e 2 giorni"),
    ])
    func span(_ seconds: Int, _ expected: String) {
        #expect(ItalianTime.span(seconds: seconds) == expected)
    }
}
