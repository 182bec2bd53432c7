import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Instants as the device database stores them: ISO 8601 UTC to the second (`2026-10-05T07:31:02Z`), the
/// form `ISO8601DateFormatter` reads back. Written by hand: a formatter costs more than the rest of a scan.
enum DeviceTime {
    static func stamp(_ date: Date) -> String {
        var t = time_t(Int64((date.timeIntervalSince1970).rounded(.down)))
        var parts = tm()
        gmtime_r(&t, &parts)
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(Int(parts.tm_year) + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }
}
