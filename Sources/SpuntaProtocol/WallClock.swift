import Foundation

/// The wall clock both programs read (orologio di sistema), in one place so that a test can give a real
/// `spunta` or `spunta-server` process a wrong clock — a handheld whose battery died, a door one day ahead.
///
/// Only debug builds honour `SPUNTA_TEST_CLOCK_SHIFT_MS` (milliseconds added to the system clock, negative for a
/// clock behind). The programs installed on handhelds and servers are release builds (`swift build -c release`,
/// see the README), where the variable is not even read: nothing in production can move this clock by accident.
public enum WallClock {
    /// The variable tests set on the processes they start.
    public static let testShiftVariable = "SPUNTA_TEST_CLOCK_SHIFT_MS"

    /// Whether this build reads `testShiftVariable`: a debug build does, a release build never. Programs started by
    /// one built alongside them (the tests, the demo) are built the same way.
    public static var honoursShift: Bool {
        #if DEBUG
        return true
        #else
        return false
        #endif
    }

    /// Milliseconds added to the system clock: 0 except in a debug build run with the variable set.
    public static let shiftMs: Int64 = {
        #if DEBUG
        return ProcessInfo.processInfo.environment[testShiftVariable].flatMap { Int64($0.trimmingCharacters(in: .whitespaces)) } ?? 0
        #else
        return 0
        #endif
    }()

    /// Now, as this program's clock says.
    public static let now: @Sendable () -> Date = {
        let shift = shiftMs
        return shift == 0 ? Date() : Date().addingTimeInterval(Double(shift) / 1000)
    }

    /// Now in milliseconds since 1970, as sent in `Spunta-Device-Time`.
    public static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }
}
