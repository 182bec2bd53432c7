import Foundation
import SpuntaDomain
import SpuntaProtocol

/// A "now" shared by the real processes of one test: the server and every device read the system clock moved by
/// the same shift (`SPUNTA_TEST_CLOCK_SHIFT_MS`, honoured by debug builds only, see `WallClock`), and a device
/// with a wrong clock gets its error on top. So a test can put the town hall at noon on 30 November 2026,
/// whatever the day it runs, and one canteen door a day ahead of it.
struct TestClock: Sendable {
    /// Whether the programs under test read the variable (they are built in the same configuration as the tests).
    static var honoured: Bool { WallClock.honoursShift }

    let shiftMs: Int64

    /// A clock that reads `time` on `date` in Rome now, and moves on from there (nil for a date or time that is not one).
    init?(_ date: String, _ time: String) {
        guard let day = LocalDate(date), let clock = LocalTime(time) else { return nil }
        shiftMs = Int64((BusinessCalendar.instant(date: day, time: clock).timeIntervalSinceNow * 1000).rounded())
    }

    /// A clock that reads `instant` now, and moves on from there.
    init(at instant: Date) {
        shiftMs = Int64((instant.timeIntervalSinceNow * 1000).rounded())
    }

    /// The environment of a process whose clock is `errorMs` off the shared now (positive: ahead).
    func environment(errorMs: Int64 = 0) -> [String: String] {
        [WallClock.testShiftVariable: String(shiftMs + errorMs)]
    }

    static let hour: Int64 = 3_600_000
    static let day: Int64 = 24 * hour
}
