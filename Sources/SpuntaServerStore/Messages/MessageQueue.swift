import Foundation
import SpuntaDomain
import SpuntaStore

/// The one queue of messages to people (posta in uscita) — families about their credit and notices, the office
/// about alerts: written in the same transaction as the fact that causes them, each with a key that makes it
/// exist once; `outbox send` delivers them, whatever created them. Not to be confused with a device's outbox of
/// ops: only the table keeps the name `outbox_message`, as renaming it would take a migration.
public enum MessageQueue {
    public enum Channel: String, Sendable, CaseIterable {
        case email, sms

        /// `e-mail` or `SMS`, as the office reads it.
        public var italian: String { self == .sms ? "SMS" : "e-mail" }
    }

    /// A queued message as a check made at send time sees it: what it is and why it was queued.
    public struct Queued: Sendable {
        public let id: Int64
        /// What created it: `reminder`, `low_balance`, `office_alert_…`.
        public let kind: String
        /// The key it was queued under, its channel appended (`reminder|<statement>|<round>|email`).
        public let key: String
        public let recipient: String

        public init(id: Int64, kind: String, key: String, recipient: String) {
            self.id = id
            self.kind = kind
            self.key = key
            self.recipient = recipient
        }
    }

    /// A reason, owned by whoever queues a kind of message, not to send one after all: its cause went away while
    /// it waited (a reminder whose notice was paid meanwhile). The sender checks it in the transaction that would
    /// mark the message sending, and a message withdrawn is `dropped`, never sent.
    public struct Withdrawal: Sendable {
        /// Why one message is withdrawn: kept with the message and told to the operator.
        public struct Reason: Sendable, Equatable {
            /// Stored as the message's last error: `non inviato: l'avviso … risulta pagato`.
            public let stored: String
            /// One line of the sender's report.
            public let note: String

            public init(stored: String, note: String) {
                self.stored = stored
                self.note = note
            }
        }

        /// The report's line for the messages withdrawn, before their count.
        public let summary: String
        /// The reason to withdraw `message`, or nil to send it.
        public let check: @Sendable (Database, Queued) throws -> Reason?

        public init(summary: String, check: @escaping @Sendable (Database, Queued) throws -> Reason?) {
            self.summary = summary
            self.check = check
        }
    }

    /// Queues a message once per `key` and channel. Returns false when it was already queued.
    @discardableResult
    public static func enqueue(
        _ db: Database, key: String, kind: String, channel: Channel, recipient: String, subject: String, body: String,
        payer: String?, now: Date
    ) throws -> Bool {
        try db.run("""
            INSERT OR IGNORE INTO outbox_message (dedup_key, kind, channel, recipient, subject, body, payer_id, created_at, status, next_attempt_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?)
            """, ["\(key)|\(channel.rawValue)", kind, channel.rawValue, recipient, subject, body, payer, UTCTime.string(now, fractional: true), UTCTime.string(now, fractional: true)])
        return db.changesCount > 0
    }

    /// Queues a message to a payer in every channel they chose (e-mail, SMS). Returns how many were queued.
    @discardableResult
    public static func notify(
        _ db: Database, payer: Payer, key: String, kind: String, subject: String, body: String, sms: String, now: Date
    ) throws -> Int {
        var queued = 0
        if payer.notifyByEmail, let email = payer.email {
            if try enqueue(db, key: key, kind: kind, channel: .email, recipient: email, subject: subject, body: body, payer: payer.id, now: now) {
                queued += 1
            }
        }
        if payer.notifyBySMS, let mobile = payer.mobile {
            if try enqueue(db, key: key, kind: kind, channel: .sms, recipient: mobile, subject: subject, body: sms, payer: payer.id, now: now) {
                queued += 1
            }
        }
        return queued
    }
}
