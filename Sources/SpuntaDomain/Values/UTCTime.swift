import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Instants written as ISO 8601 in UTC (`2026-10-05T07:31:02Z`, or `2026-10-05T07:31:02.120Z` with
/// milliseconds), so that text order is time order. Written by hand: `ISO8601DateFormatter` and
/// `String(format:)` cost more than the database work around them on Linux.
public enum UTCTime {
    public static func string(milliseconds ms: Int64, fractional: Bool) -> String {
        let seconds = ms >= 0 ? ms / 1000 : (ms - 999) / 1000
        var t = time_t(seconds)
        var parts = tm()
        gmtime_r(&t, &parts)
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let date = LocalDate(year: Int(parts.tm_year) + 1900, month: Int(parts.tm_mon) + 1, day: Int(parts.tm_mday))?.description ?? ""
        var text = "\(date)T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))"
        if fractional {
            let millis = Int(ms - seconds * 1000)
            text += millis < 10 ? ".00\(millis)" : (millis < 100 ? ".0\(millis)" : ".\(millis)")
        }
        return text + "Z"
    }

    public static func string(_ date: Date, fractional: Bool) -> String {
        string(milliseconds: Int64((date.timeIntervalSince1970 * 1000).rounded(.down)), fractional: fractional)
    }

    /// The instant written by `string(_:fractional:)` (`2026-10-05T07:31:02Z` or `2026-10-05T07:31:02.120Z`); nil for
    /// any other text. By hand, as `string` is: stored instants are read back for every line a person is shown.
    public static func date(_ text: some StringProtocol) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count == 20 || bytes.count == 24, bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"),
              bytes[16] == UInt8(ascii: ":"), bytes[bytes.count - 1] == UInt8(ascii: "Z"),
              let day = LocalDate(String(decoding: bytes[0..<10], as: UTF8.self)) else { return nil }
        guard let hour = ASCII.number(bytes, 11..<13), hour < 24, let minute = ASCII.number(bytes, 14..<16), minute < 60,
              let second = ASCII.number(bytes, 17..<19), second < 61 else { return nil }
        var millis = 0
        if bytes.count == 24 {
            guard bytes[19] == UInt8(ascii: "."), let fraction = ASCII.number(bytes, 20..<23) else { return nil }
            millis = fraction
        }
        let seconds = day.dayNumber * 86_400 + hour * 3_600 + minute * 60 + second
        return Date(timeIntervalSince1970: Double(seconds) + Double(millis) / 1000)
    }
}
