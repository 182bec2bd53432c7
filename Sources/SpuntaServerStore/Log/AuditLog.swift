import Foundation
import SpuntaStore

/// Registro di audit: who did what, when, append-only (the table refuses updates and deletes).
public enum AuditLog {
    /// Appends one entry in the caller's transaction. `details` is stored as JSON with sorted keys.
    public static func record(
        _ db: Database, actor: String, action: String, subject: String, details: [String: any Sendable], at date: Date = Date()
    ) throws {
        let data = try JSONSerialization.data(withJSONObject: details, options: [.sortedKeys])
        try db.run(
            "INSERT INTO audit_log (recorded_at, actor, action, subject, details) VALUES (?, ?, ?, ?, ?)",
            [Timestamp.string(date), actor, action, subject, String(decoding: data, as: UTF8.self)]
        )
    }
}

/// Instants as stored in the server database: ISO 8601 UTC with milliseconds (`2026-10-05T07:31:02.120Z`),
/// so that text order is time order.
public enum Timestamp {
    public static func string(_ date: Date) -> String {
        let ms = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        return string(milliseconds: ms)
    }

    public static func string(milliseconds ms: Int64) -> String {
        var t = time_t(ms / 1000)
        var parts = tm()
        gmtime_r(&t, &parts)
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let millis = Int(ms % 1000)
        let m = millis < 10 ? "00\(millis)" : (millis < 100 ? "0\(millis)" : "\(millis)")
        return "\(Int(parts.tm_year) + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)).\(m)Z"
    }
}
