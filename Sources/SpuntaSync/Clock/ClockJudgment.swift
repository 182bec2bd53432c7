import Foundation
import SpuntaDomain
import SpuntaProtocol

/// Whether an op's date can be trusted, judged from the clock measurements taken before and after the device
/// recorded it (giudizio sull'orologio). A pure function, without I/O, so that its cases are tested one by one.
///
/// The device numbers its ops; every request it makes carries its time and the number of its last op, so each
/// op lies between the last measurement taken before it was recorded and the first one taken after. That gives
/// two facts the device's own clock cannot fake: the op was recorded between the server's times of those two
/// measurements (the window), and the device's clock was off by one of the two measured offsets — or was right
/// in between. Each hypothesis either puts the recorded time inside the window or it is impossible:
///
/// - the clock was right (the time as recorded falls within the window): the date stands, unless
/// - the clock was wrong by a measured offset, which also fits the window: then it is uncertain which is true;
///   flagged only when the two hypotheses give different days;
/// - only a wrong clock fits: the op was recorded while the clock was wrong, flagged with the day it really was;
/// - nothing fits (the clock was wrong between two good measurements: fixed before it synced): flagged, with
///   the nearest moment of the window as the likely time.
///
/// A device whose clock later jumps back keeps its earlier, correctly dated ops: they fit the window as recorded
/// and cannot fit it shifted by the later offset.
public enum ClockJudgment {
    /// A measurement of the device's clock: the server's time and the device's offset from it.
    public struct Measurement: Sendable, Hashable {
        public let serverMs: Int64
        public let offsetMs: Int64

        public init(serverMs: Int64, offsetMs: Int64) {
            self.serverMs = serverMs
            self.offsetMs = offsetMs
        }

        public var clockOK: Bool { DeviceClock.isWithinTolerance(offsetMs) }
    }

    /// What the measurements say of one op.
    public enum Verdict: Sendable, Hashable {
        /// The op's date holds under every hypothesis the measurements allow.
        case trusted
        /// The op may belong to another day.
        case doubtful(Doubt)
    }

    public struct Doubt: Sendable, Hashable {
        /// When the op was most likely recorded, by the server's clock.
        public let likelyMs: Int64
        /// The day in Europe/Rome of `likelyMs`.
        public let likelyDate: LocalDate
        /// True when the clock was certainly wrong at recording; false when it may also have been right.
        public let certain: Bool
        /// The clock's error assumed for `likelyMs` (recorded time minus likely time).
        public let assumedOffsetMs: Int64
        /// Server times between which the op was recorded (nil: unbounded on that side).
        public let windowFromMs: Int64?
        public let windowToMs: Int64?
    }

    /// Judges an op recorded at `wallMs` by the device's clock, dated `businessDate`, between the measurements
    /// `before` and `after` (nil when there is none on that side).
    public static func judge(
        wallMs: Int64, businessDate: LocalDate, before: Measurement?, after: Measurement?,
        toleranceMs: Int64 = DeviceClock.toleranceMs
    ) -> Verdict {
        guard before != nil || after != nil else { return .trusted }
        func fits(_ instant: Int64) -> Bool {
            if let before, instant < before.serverMs - toleranceMs { return false }
            if let after, instant > after.serverMs + toleranceMs { return false }
            return true
        }
        let rightFits = fits(wallMs)
        // The offsets measured while the clock was wrong, nearest after the op first: the clock that was found
        // wrong after recording most likely was wrong while recording.
        var wrongOffsets: [Int64] = []
        for m in [after, before].compactMap({ $0 }) where !m.clockOK && !wrongOffsets.contains(m.offsetMs) {
            wrongOffsets.append(m.offsetMs)
        }
        let fittingOffset = wrongOffsets.first { fits(wallMs - $0) }
        if rightFits && fittingOffset == nil { return .trusted }
        let likelyMs: Int64
        if let fittingOffset {
            likelyMs = wallMs - fittingOffset
        } else {
            // Wrong by an amount no measurement saw: the nearest moment the op can have been recorded.
            var clamped = wallMs
            if let before { clamped = max(clamped, before.serverMs) }
            if let after { clamped = min(clamped, after.serverMs) }
            likelyMs = clamped
        }
        let likelyDate = BusinessCalendar.date(of: Date(timeIntervalSince1970: Double(likelyMs) / 1000))
        guard likelyDate != businessDate else { return .trusted }
        return .doubtful(Doubt(
            likelyMs: likelyMs, likelyDate: likelyDate, certain: !rightFits, assumedOffsetMs: wallMs - likelyMs,
            windowFromMs: before?.serverMs, windowToMs: after?.serverMs
        ))
    }
}
