import Foundation
import SpuntaDomain
import Testing

@Suite("UTC timestamps")
struct UTCTimeTests {
    @Test("to the second, exactly as ISO8601DateFormatter writes them, and read back by it",
          arguments: [0.0, 1_792_000_000.25, 1_761_355_800, 951_782_400, 4_102_444_799.999])
    func sameAsFormatter(_ seconds: Double) {
        let date = Date(timeIntervalSince1970: seconds)
        let formatter = ISO8601DateFormatter()
        #expect(UTCTime.string(date, fractional: false) == formatter.string(from: date))
        #expect(formatter.date(from: UTCTime.string(date, fractional: false)) == Date(timeIntervalSince1970: seconds.rounded(.down)))
    }

    @Test("with milliseconds, zero-padded, so that text order is time order")
    func milliseconds() {
        #expect(UTCTime.string(milliseconds: 1_791_187_862_120, fractional: true) == "2026-10-05T08:11:02.120Z")
        #expect(UTCTime.string(milliseconds: 1_791_187_862_007, fractional: true) == "2026-10-05T08:11:02.007Z")
        #expect(UTCTime.string(milliseconds: 1_791_187_862_070, fractional: true) == "2026-10-05T08:11:02.070Z")
        let stamps = [0, 9, 10, 99, 100, 999, 1000].map { UTCTime.string(milliseconds: 1_791_187_862_000 + Int64($0), fractional: true) }
        #expect(stamps == stamps.sorted())
    }

    @Test("reads back what it writes, with or without milliseconds, and nothing else", arguments: [
        ("2026-10-05T08:11:02.120Z", Optional(1_791_187_862.120)), ("2026-10-05T08:11:02Z", 1_791_187_862), ("2026-10-05", nil), ("", nil),
        ("2026-10-05T08:11:02", nil),
    ])
    func parses(text: String, seconds: Double?) throws {
        let date = UTCTime.date(text)
        #expect(date.map { ($0.timeIntervalSince1970 * 1000).rounded() } == seconds.map { ($0 * 1000).rounded() })
    }
}
