import Foundation
import SpuntaDomain
import SpuntaServerStore
import SpuntaStore

/// `reminders`: overdue notices and their reminders (solleciti), queued in the outbox once per round.
public enum Reminders {
    /// Days between two reminders of the same notice.
    public static let defaultGraceDays = 15

    /// A reminder is checked once more when the sender is about to deliver it: one whose notice was paid while it
    /// waited in the queue is withdrawn — a family that has paid is not told it has not.
    public static let withdrawWhenPaid = MessageQueue.Withdrawal(
        summary: "Solleciti non inviati perché l'avviso è stato pagato nel frattempo"
    ) { db, message in
        guard let notice = try paidNotice(db, kind: message.kind, key: message.key) else { return nil }
        return .init(stored: "non inviato: l'avviso \(notice) risulta pagato",
                     note: "sollecito \(message.id) a \(message.recipient) non inviato: l'avviso \(notice) è stato pagato dopo la messa in coda")
    }

    /// The notice of a reminder, grouped for reading, when it has been paid in full since the reminder was queued;
    /// nil for any other message. A reminder's key is `reminder|<statement>|<round>|<channel>`.
    static func paidNotice(_ db: Database, kind: String, key: String) throws -> String? {
        let parts = key.split(separator: "|")
        guard kind == "reminder", parts.count >= 2, parts[0] == "reminder", let statement = Int64(parts[1]) else { return nil }
        guard let paid = try StatementHeader.load(db, id: statement), let notice = paid.noticeNumber, paid.paidCents >= paid.totalCents
        else { return nil }
        return (try? NoticeNumber(validating: notice).grouped) ?? notice
    }

    /// A reminder must reach the family: without a chosen channel, the e-mail on file is used.
    static func reachable(_ payer: Payer) -> Payer {
        var chosen = payer
        if !payer.notifyByEmail && !payer.notifyBySMS { chosen.notifyByEmail = payer.email != nil }
        return chosen
    }

    public struct Overdue: Encodable, Sendable {
        public let statementId: Int64
        public let payerId: String
        public let payerName: String
        public let period: String
        public let noticeNumber: String
        public let dueDate: String
        public let remainingCents: Int64
        public let round: Int?
        public let queued: Int

        enum CodingKeys: String, CodingKey {
            case statementId = "statement_id", payerId = "payer_id", payerName = "payer_name", period, noticeNumber = "notice_number"
            case dueDate = "due_date", remainingCents = "remaining_cents", round, queued
        }
    }

    public static func run(_ db: Database, asOf: LocalDate, graceDays: Int, send: Bool, actor: String, now: Date) throws -> [Overdue] {
        let payers = Dictionary(try MasterDataStore.load(db).payers.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let municipality: String = try db.scalar("SELECT name FROM municipality") ?? ""
        var result: [Overdue] = []
        for statement in try StatementHeader.fetchAll(db, where: """
            status = 'issued' AND notice_number IS NOT NULL AND due_date < ? AND paid_cents < total_cents
            """, [asOf.description], order: "due_date, payer_id") {
            // The condition leaves out statements without a notice or a due date.
            guard let nav = statement.noticeNumber, let due = statement.dueDate else { continue }
            let id = statement.id, payerID = statement.payerId, period = statement.period
            let remaining = statement.totalCents - statement.paidCents
            let last: String? = try db.scalar("SELECT MAX(created_at) FROM outbox_message WHERE dedup_key LIKE ?", ["reminder|\(id)|%"])
            // Keys are reminder|statement|round|channel: the rounds so far are the highest round number.
            let rounds = try db.fetchAll("SELECT dedup_key FROM outbox_message WHERE dedup_key LIKE ?", ["reminder|\(id)|%"])
                .compactMap { Int((try $0[0] as String).split(separator: "|").dropFirst(2).first ?? "") }.max() ?? 0
            var round: Int?
            var queued = 0
            let cutoff = UTCTime.string(now.addingTimeInterval(-Double(graceDays) * 86_400), fractional: true)
            if send, let payer = payers[payerID], last.map({ $0 <= cutoff }) ?? true {
                round = rounds + 1
                let formatted = (try? NoticeNumber(validating: nav).grouped) ?? nav
                let amount = Money(cents: remaining)
                queued = try MessageQueue.notify(
                    db, payer: reachable(payer), key: "reminder|\(id)|\(rounds + 1)", kind: "reminder",
                    subject: "Sollecito di pagamento — \(municipality)",
                    body: """
                        Gentile \(payer.givenName) \(payer.surname),
                        risulta non ancora pagato l'avviso pagoPA \(formatted) del rendiconto di \(BillingPeriod(period)?.italian ?? period), scaduto il \(LocalDate(due)?.italian ?? due), per \(amount.italian).
                        Se ha già pagato, non tenga conto di questo messaggio. Altrimenti può pagare con pagoPA (app IO, home banking, tabaccherie) con il codice avviso.
                        Ufficio scuola, \(municipality)
                        """,
                    sms: "\(municipality): avviso pagoPA \(formatted) scaduto il \(LocalDate(due)?.italian ?? due), da pagare \(amount.italian).",
                    now: now
                )
            }
            result.append(Overdue(statementId: id, payerId: payerID, payerName: payers[payerID]?.fullName ?? payerID, period: period,
                                  noticeNumber: nav, dueDate: due, remainingCents: remaining, round: round, queued: queued))
        }
        if send {
            try AuditLog.record(db, actor: actor, action: "reminders", subject: asOf.description, details: [
                "overdue": result.count, "queued": result.reduce(0) { $0 + $1.queued },
            ], at: now)
        }
        return result
    }
}
