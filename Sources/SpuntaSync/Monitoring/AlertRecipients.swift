import Foundation
import SpuntaDomain
import SpuntaServerStore
import SpuntaStore

/// Destinatari degli avvisi: the office's e-mail addresses and mobile numbers that alerts go to, set by the
/// admin (`spunta-server alerts add-recipient` / `remove-recipient`), every change in the audit trail.
public enum AlertRecipients {
    /// The command that adds who receives the alerts: suggested wherever an alert found nobody to go to.
    public static let addCommand = CommandHint.server("alerts", "add-recipient", arguments: ["--email", "INDIRIZZO"])

    public struct Recipient: Sendable, Encodable, Equatable {
        public let channel: MessageQueue.Channel
        public let address: String
        public let addedAt: String
        public let addedBy: String

        enum CodingKeys: String, CodingKey { case channel, address, addedAt = "added_at", addedBy = "added_by" }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(channel.rawValue, forKey: .channel)
            try c.encode(address, forKey: .address)
            try c.encode(addedAt, forKey: .addedAt)
            try c.encode(addedBy, forKey: .addedBy)
        }
    }

    public enum RecipientError: UserFacingError, HintingError, Equatable {
        case alreadyThere(String)
        case notThere(String)

        public var code: String {
            switch self {
            case .alreadyThere: return "recipient_exists"
            case .notThere: return "unknown_recipient"
            }
        }

        public var userMessage: String { hintedMessage.description }

        public var hintedMessage: HintedText {
            switch self {
            case .alreadyThere(let address): return "\(address) riceve già gli avvisi: nulla da fare."
            case .notThere(let address): return "\(address) non è tra i destinatari degli avvisi: l'elenco con \(CommandHint.server("alerts", "recipients"))."
            }
        }
    }

    public static func all(_ db: Database) throws -> [Recipient] {
        try db.fetchAll("SELECT channel, address, added_at, added_by FROM alert_recipient ORDER BY channel, address").compactMap { row in
            guard let channel = MessageQueue.Channel(rawValue: try row[0]) else { return nil }
            return Recipient(channel: channel, address: try row[1], addedAt: try row[2], addedBy: try row[3])
        }
    }

    /// The address as stored: an e-mail address as validated, a mobile number as its national digits.
    public static func normalized(_ address: String, channel: MessageQueue.Channel) throws -> String {
        switch channel {
        case .email: return try EmailAddress(validating: address).value
        case .sms: return try MobileNumber(validating: address).nationalNumber
        }
    }

    /// A recipient just added, with the alerts that had gone to nobody and were queued to it.
    public struct Added: Sendable {
        public let address: String
        public let queued: [OfficeAlerts.Alert]
    }

    /// Adds an address; refused if invalid or already there. The alerts of the last day that were raised while
    /// nobody was set to receive them, and still matter, are queued to it in the same transaction
    /// (`OfficeAlerts.queueAwaiting`): the first recipient learns of a child left aboard before it was added.
    @discardableResult
    public static func add(_ db: Database, channel: MessageQueue.Channel, address: String, actor: String, now: Date) throws -> Added {
        let value = try normalized(address, channel: channel)
        let stamp = UTCTime.string(now, fractional: true)
        try db.run("INSERT OR IGNORE INTO alert_recipient (channel, address, added_at, added_by) VALUES (?, ?, ?, ?)",
                   [channel.rawValue, value, stamp, actor])
        guard db.changesCount > 0 else { throw RecipientError.alreadyThere(value) }
        try AuditLog.record(db, actor: actor, action: "alert_recipient_add", subject: value, details: ["channel": channel.rawValue], at: now)
        let recipient = Recipient(channel: channel, address: value, addedAt: stamp, addedBy: actor)
        return Added(address: value, queued: try OfficeAlerts.queueAwaiting(db, to: recipient, now: now))
    }

    public static func remove(_ db: Database, channel: MessageQueue.Channel, address: String, actor: String, now: Date) throws {
        let value = (try? normalized(address, channel: channel)) ?? address
        try db.run("DELETE FROM alert_recipient WHERE channel = ? AND address = ?", [channel.rawValue, value])
        guard db.changesCount > 0 else { throw RecipientError.notThere(value) }
        try AuditLog.record(db, actor: actor, action: "alert_recipient_remove", subject: value, details: ["channel": channel.rawValue], at: now)
    }
}

/// Impostazioni degli avvisi that are not per role: after how many hours an open conflict is reported.
public enum MonitoringSettings {
    public static func conflictAlertHours(_ db: Database) throws -> Int {
        try db.scalar("SELECT conflict_alert_hours FROM monitoring_setting WHERE id = 1") ?? 24
    }

    public static func setConflictAlertHours(_ db: Database, _ hours: Int, actor: String, now: Date) throws {
        guard (1...24 * 30).contains(hours) else {
            throw HealthRule.RuleError.outOfRange(field: "--conflict-hours", value: hours, range: 1...720)
        }
        let before = try conflictAlertHours(db)
        try db.run("""
            INSERT INTO monitoring_setting (id, conflict_alert_hours, updated_at, updated_by) VALUES (1, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET conflict_alert_hours = excluded.conflict_alert_hours, updated_at = excluded.updated_at,
                updated_by = excluded.updated_by
            """, [hours, UTCTime.string(now, fractional: true), actor])
        try AuditLog.record(db, actor: actor, action: "alert_setting_set", subject: "conflict_alert_hours",
                            details: ["before": before, "after": hours], at: now)
    }
}
