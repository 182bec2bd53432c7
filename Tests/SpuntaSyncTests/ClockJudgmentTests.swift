import Foundation
import Testing
import SpuntaDomain
import SpuntaProtocol
@testable import SpuntaSync

/// The bracketing rule, case by case: an op is judged by the clock measurements taken before and after the device
/// recorded it, never by the one taken when it happened to be pushed.
@Suite("Clock judgment of one op")
struct ClockJudgmentTests {
    static let hour = RomeTime.hour
    static let day = RomeTime.day
    /// Monday 30 November 2026, 12:00 in Rome.
    static let noon = RomeTime.ms("2026-11-30", "12:00")
    static func date(_ ms: Int64) -> LocalDate { RomeTime.date(ms) }
    static func m(_ serverMs: Int64, _ offsetMs: Int64) -> ClockJudgment.Measurement { .init(serverMs: serverMs, offsetMs: offsetMs) }

    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        /// The device's clock when it recorded the op.
        let wallMs: Int64
        let before: ClockJudgment.Measurement?
        let after: ClockJudgment.Measurement?
        /// nil: trusted; else the likely day and whether the clock was certainly wrong.
        let expected: (likely: String, certain: Bool)?
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "no measurement at all: nothing to judge by", wallMs: noon + day, before: nil, after: nil, expected: nil),
        Case(name: "good clock before and after, recorded within: trusted",
             wallMs: noon - hour, before: m(noon - 2 * hour, 500), after: m(noon, -300), expected: nil),
        Case(name: "a few seconds outside the window, within the tolerance: trusted",
             wallMs: noon + 90_000, before: m(noon - hour, 0), after: m(noon, 60_000), expected: nil),
        Case(name: "door one day ahead, still ahead at sync: certain, the day before",
             wallMs: noon - hour + day, before: m(noon - 3 * hour, 0), after: m(noon, day), expected: ("2026-11-30", true)),
        Case(name: "door one day ahead, fixed before it synced: certain, the last moment it can have been",
             wallMs: noon - hour + day, before: m(noon - 3 * hour, 0), after: m(noon, 1_000), expected: ("2026-11-30", true)),
        Case(name: "recorded right, then the clock jumped a day back before the sync: trusted",
             wallMs: noon - 2 * hour, before: m(noon - 3 * hour, 0), after: m(noon, -day), expected: nil),
        Case(name: "recorded after the clock jumped a day back: certain, the next day",
             wallMs: noon - hour - day, before: m(noon - 3 * hour, 0), after: m(noon, -day), expected: ("2026-11-30", true)),
        Case(name: "between a good and a wrong measurement days apart, both fit: uncertain",
             wallMs: noon - 20 * hour, before: m(noon - 3 * day, 0), after: m(noon, day), expected: ("2026-11-28", false)),
        Case(name: "an hour ahead all along, same day either way: trusted",
             wallMs: noon + hour, before: m(noon - 3 * hour, hour), after: m(noon + 2 * hour, hour), expected: nil),
        Case(name: "an hour ahead at half past midnight: yesterday's fact",
             wallMs: noon + 12 * hour + 30 * 60_000, before: m(noon, hour), after: m(noon + 12 * hour + 20 * 60_000, hour),
             expected: ("2026-11-30", true)),
        Case(name: "no measurement before, a year behind after: uncertain, the year after",
             wallMs: noon - 365 * day, before: nil, after: m(noon, -365 * day), expected: ("2026-11-30", false)),
    ]

    @Test("each hypothesis the measurements allow decides the verdict", arguments: cases)
    func judge(_ c: Case) {
        let verdict = ClockJudgment.judge(wallMs: c.wallMs, businessDate: Self.date(c.wallMs), before: c.before, after: c.after)
        switch (verdict, c.expected) {
        case (.trusted, nil):
            break
        case (.doubtful(let doubt), let expected?):
            #expect(doubt.likelyDate.description == expected.likely)
            #expect(doubt.certain == expected.certain)
            #expect(doubt.assumedOffsetMs == c.wallMs - doubt.likelyMs)
            #expect(doubt.windowFromMs == c.before?.serverMs)
            #expect(doubt.windowToMs == c.after?.serverMs)
        default:
            Issue.record("\(c.name): \(verdict), expected \(String(describing: c.expected))")
        }
    }

    @Test("a day typed by the user is judged by the clock only: a right clock never doubts an earlier business date")
    func typedDate() {
        let verdict = ClockJudgment.judge(wallMs: Self.noon, businessDate: LocalDate("2026-11-27")!,
                                          before: Self.m(Self.noon - Self.hour, 0), after: Self.m(Self.noon + Self.hour, 0))
        #expect(verdict == .trusted)
    }

    @Test("a fixed clock's op is placed at the nearest moment of the window, never outside it")
    func clamped() throws {
        let before = Self.m(Self.noon - Self.day, 0), after = Self.m(Self.noon, 0)
        guard case .doubtful(let ahead) = ClockJudgment.judge(wallMs: Self.noon + 3 * Self.day, businessDate: LocalDate("2026-12-03")!,
                                                               before: before, after: after),
              case .doubtful(let behind) = ClockJudgment.judge(wallMs: Self.noon - 5 * Self.day, businessDate: LocalDate("2026-11-25")!,
                                                                before: before, after: after) else {
            Issue.record("both should be doubtful")
            return
        }
        #expect(ahead.likelyMs == after.serverMs)
        #expect(behind.likelyMs == before.serverMs)
        #expect(behind.likelyDate.description == "2026-11-29")
    }
}
