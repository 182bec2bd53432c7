import Foundation
import Synchronization

/// The hybrid logical clock of one process (Kulkarni et al., "Logical Physical Clocks", 2014): stamps
/// that follow wall-clock time, never go backwards even when the physical clock does, and order every
/// event after the remote events it has seen. Thread-safe: one instance is shared by the whole process.
///
/// A remote stamp further ahead of local physical time than `maxDriftMilliseconds` is refused with
/// `HLCDriftError` and leaves the clock untouched, so a device with a wrong clock can never drag the
/// server's clock into the future.
public final class HybridLogicalClock: Sendable {
    /// Default tolerance for remote stamps ahead of local time: 24 hours.
    public static let defaultMaxDriftMilliseconds: Int64 = 24 * 60 * 60 * 1000

    /// Remote stamps more than this many ms ahead of local physical time are refused.
    public let maxDriftMilliseconds: Int64

    private let physicalClock: @Sendable () -> Int64
    private let last: Mutex<HLCTimestamp>

    /// A clock that continues after `last` (the greatest stamp persisted before a restart, or `.zero`),
    /// reading physical time from `physicalClock` (ms since the epoch; the system clock by default).
    public init(
        last: HLCTimestamp = .zero,
        maxDriftMilliseconds: Int64 = HybridLogicalClock.defaultMaxDriftMilliseconds,
        physicalClock: @escaping @Sendable () -> Int64 = HybridLogicalClock.systemMilliseconds
    ) {
        precondition(maxDriftMilliseconds >= 0, "the drift tolerance is a duration, never negative")
        self.last = Mutex(last)
        self.maxDriftMilliseconds = maxDriftMilliseconds
        self.physicalClock = physicalClock
    }

    /// The greatest stamp issued or adopted so far.
    public var current: HLCTimestamp {
        last.withLock { $0 }
    }

    /// A stamp for a local or send event: greater than every stamp before it (so never `.zero`), and at
    /// least the physical time. (Paper: l' = max(l, pt); c = l' == l ? c + 1 : 0.)
    public func now() -> HLCTimestamp {
        let physical = HLCTimestamp(milliseconds: clampedPhysicalTime(), counter: 0)
        return last.withLock { last in
            last = Swift.max(last.successor, physical)
            return last
        }
    }

    /// Observes a stamp received from another node and returns a local stamp greater than both it and
    /// every earlier local stamp. (Paper: l' = max(l, l_m, pt), with the counter one past the greatest
    /// counter at l', or 0 when l' is the physical time alone.) A full counter moves to the next millisecond.
    ///
    /// Throws `HLCDriftError`, and adopts nothing, when `remote` is more than `maxDriftMilliseconds`
    /// ahead of local physical time.
    @discardableResult
    public func receive(_ remote: HLCTimestamp) throws(HLCDriftError) -> HLCTimestamp {
        let physicalMilliseconds = clampedPhysicalTime()
        guard remote.milliseconds - physicalMilliseconds <= maxDriftMilliseconds else {
            throw HLCDriftError(remote: remote, physicalMilliseconds: physicalMilliseconds,
                                maxDriftMilliseconds: maxDriftMilliseconds)
        }
        let physical = HLCTimestamp(milliseconds: physicalMilliseconds, counter: 0)
        return last.withLock { last in
            last = Swift.max(Swift.max(last, remote).successor, physical)
            return last
        }
    }

    /// Milliseconds since the epoch from the system's real-time clock.
    @Sendable
    public static func systemMilliseconds() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
    }

    /// The physical clock's reading forced into the representable range: a clock set before 1970 reads
    /// as the epoch, one beyond the year 6429 as the last representable millisecond.
    private func clampedPhysicalTime() -> Int64 {
        Swift.min(Swift.max(physicalClock(), 0), HLCTimestamp.maxMilliseconds)
    }
}
