import Foundation
import SpuntaDomain

/// A hybrid logical clock stamp (marca HLC): wall-clock milliseconds since the Unix epoch in the high
/// 47 bits and a logical counter in the low 16, packed in one `Int64`. Stamps sort as their integers,
/// are stored as an SQLite INTEGER and travel on the wire as a JSON integer.
public struct HLCTimestamp: RawRepresentable, Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// Bits of the logical counter.
    public static let counterBitCount = 16
    /// The largest wall-clock part that fits: 2^47 - 1 ms, in the year 6429.
    public static let maxMilliseconds: Int64 = (1 << 47) - 1
    /// The stamp before every other: 1970-01-01T00:00:00.000Z, counter 0.
    public static let zero = HLCTimestamp(milliseconds: 0, counter: 0)
    /// The stamp after every other.
    public static let max = HLCTimestamp(milliseconds: maxMilliseconds, counter: .max)

    /// `milliseconds << 16 | counter`; never negative.
    public let rawValue: Int64

    /// Fails for a negative value, which no stamp packs to.
    public init?(rawValue: Int64) {
        guard rawValue >= 0 else { return nil }
        self.rawValue = rawValue
    }

    /// A stamp from its parts. `milliseconds` must lie in `0...maxMilliseconds`.
    public init(milliseconds: Int64, counter: UInt16) {
        precondition((0...HLCTimestamp.maxMilliseconds).contains(milliseconds),
                     "HLC milliseconds must fit in 47 bits and not be negative")
        rawValue = milliseconds << HLCTimestamp.counterBitCount | Int64(counter)
    }

    /// Wall-clock part: milliseconds since 1970-01-01T00:00:00Z.
    public var milliseconds: Int64 { rawValue >> HLCTimestamp.counterBitCount }

    /// Logical part: orders stamps that share a millisecond.
    public var counter: UInt16 { UInt16(truncatingIfNeeded: rawValue) }

    /// The wall-clock part as a `Date`.
    public var date: Date { Date(timeIntervalSince1970: Double(milliseconds) / 1000) }

    /// The next stamp after this one: the counter plus one, or the next millisecond when the counter is
    /// full. `HLCTimestamp.max` has no successor and stays itself.
    public var successor: HLCTimestamp {
        if counter < .max { return HLCTimestamp(milliseconds: milliseconds, counter: counter + 1) }
        if milliseconds < HLCTimestamp.maxMilliseconds { return HLCTimestamp(milliseconds: milliseconds + 1, counter: 0) }
        return self
    }

    /// UTC time to the millisecond and the counter: `2026-10-25T00:30:00.123Z/5`.
    public var description: String {
        let millisecondsPerDay: Int64 = 86_400_000
        let day = LocalDate(dayNumber: Int(milliseconds / millisecondsPerDay))
        let inDay = milliseconds % millisecondsPerDay
        let hours = inDay / 3_600_000
        let minutes = inDay / 60_000 % 60
        let seconds = inDay / 1000 % 60
        let millis = inDay % 1000
        func pad(_ value: Int64, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: Swift.max(0, width - digits.count)) + digits
        }
        return "\(day)T\(pad(hours, 2)):\(pad(minutes, 2)):\(pad(seconds, 2)).\(pad(millis, 3))Z/\(counter)"
    }

    public static func < (lhs: HLCTimestamp, rhs: HLCTimestamp) -> Bool {
        lhs.rawValue < rhs.rawValue
    }

    /// Decodes the packed integer; a negative number is refused as corrupt data.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let raw = try container.decode(Int64.self)
        guard let stamp = HLCTimestamp(rawValue: raw) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "HLC stamp \(raw) is negative")
        }
        self = stamp
    }

    /// Encodes the packed integer.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
