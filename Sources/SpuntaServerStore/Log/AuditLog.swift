import Foundation
import SpuntaDomain
import SpuntaStore

/// Registro di audit: who did what, when, append-only (the table refuses updates and deletes).
public enum AuditLog {
    /// Appends one entry in the caller's transaction. `details` is stored as JSON with sorted keys.
    public static func record(
        _ db: Database, actor: String, action: String, subject: String, details: [String: any Sendable], at date: Date = Date()
    ) throws {
        let text = try JSONObjectText.sortedText(details)
        try db.run(
            "INSERT INTO audit_log (recorded_at, actor, action, subject, details) VALUES (?, ?, ?, ?, ?)",
            [UTCTime.string(date, fractional: true), actor, action, subject, text]
        )
    }
}
