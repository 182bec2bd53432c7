import Foundation
import SpuntaDomain
import SpuntaServerStore
import SpuntaStore

/// Prepaid credit below zero (saldo negativo) is chased like an unpaid notice: `reminders` queues one reminder
/// when it first sees the deficit and, `noticeDays` later if the credit is still below zero, issues one pagoPA
/// notice for the deficit as it is then, and queues it to the family. Paying the notice credits the position
/// (`payments import`), like a top-up. One row per deficit (`prepaid_deficit`), closed when the credit is back
/// at zero or above, so each deficit has one reminder and one notice however often the command runs; the next
/// time the credit goes below zero is a new deficit.
public enum DeficitChase {
    /// Days between the reminder of a deficit and its notice, unless `reminders --deficit-notice-days` says otherwise.
    public static let defaultNoticeDays = 15
    /// Days the family has to pay a deficit notice.
    public static let noticeDueDays = 30

    /// A deficit's reminder or notice is checked once more when the sender is about to deliver it: if the credit is
    /// back at zero or above meanwhile (a top-up, the notice paid), the family is not told it owes money.
    public static let withdrawWhenCovered = MessageQueue.Withdrawal(
        summary: "Messaggi di credito negativo non inviati perché il credito è stato ricaricato nel frattempo"
    ) { db, message in
        let parts = message.key.split(separator: "|")
        guard message.kind.hasPrefix("deficit_"), parts.count >= 2, parts[0] == "deficit", let id = Int64(parts[1]) else { return nil }
        guard let balance: Int64 = try db.scalar("""
            SELECT p.balance_cents FROM prepaid_deficit d JOIN prepaid_position p
                ON p.payer_id = d.payer_id AND p.beneficiary_id = d.beneficiary_id AND p.service_id = d.service_id
            WHERE d.id = ?
            """, [id]), balance >= 0 else { return nil }
        return .init(stored: "non inviato: il credito è tornato a \(Money(cents: balance).italian)",
                     note: "messaggio \(message.id) a \(message.recipient) non inviato: il credito negativo è stato coperto dopo la messa in coda")
    }

    /// One deficit as `reminders` reports it.
    public struct Deficit: Encodable, Sendable {
        public let id: Int64
        public let payerId: String
        public let payerName: String
        public let beneficiaryId: String
        public let serviceId: String
        public let balanceCents: Int64
        public let openedOn: String
        /// What this run did: `reminded`, `notice` (issued now), `waiting` (reminded, notice not due yet), `noticed`
        /// (a notice was issued earlier), `closed` (the credit is back at zero or above).
        public let action: String
        public let noticeNumber: String?
        public let noticeCents: Int64?
        public let queued: Int

        enum CodingKeys: String, CodingKey {
            case id, payerId = "payer_id", payerName = "payer_name", beneficiaryId = "beneficiary_id", serviceId = "service_id"
            case balanceCents = "balance_cents", openedOn = "opened_on", action, noticeNumber = "notice_number"
            case noticeCents = "notice_cents", queued
        }
    }

    /// Opens, reminds, notifies and closes deficits as of `asOf`. With `send` false, only lists them.
    public static func run(_ db: Database, asOf: LocalDate, noticeDays: Int, send: Bool, now: Date) throws -> [Deficit] {
        let payers = Dictionary(try MasterDataStore.load(db).payers.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let municipality: String = try db.scalar("SELECT name FROM municipality") ?? ""
        var result: [Deficit] = []
        var issuer: NoticeIssuer?
        // Positions below zero, and positions of open deficits whatever their balance.
        let rows = try db.fetchAll("""
            SELECT p.payer_id, p.beneficiary_id, p.service_id, p.balance_cents, COALESCE(b.given_name, p.beneficiary_id),
                   COALESCE(s.name, p.service_id), \(PrepaidDeficit.columns(of: "d"))
            FROM prepaid_position p
            LEFT JOIN prepaid_deficit d ON d.payer_id = p.payer_id AND d.beneficiary_id = p.beneficiary_id AND d.service_id = p.service_id
                AND d.closed_on IS NULL
            LEFT JOIN beneficiary b ON b.id = p.beneficiary_id LEFT JOIN service s ON s.id = p.service_id
            WHERE p.balance_cents < 0 OR d.id IS NOT NULL
            ORDER BY p.payer_id, p.beneficiary_id, p.service_id
            """)
        for row in rows {
            let payerID: String = try row[0], child: String = try row[1], service: String = try row[2]
            let balance: Int64 = try row[3]
            let childName: String = try row[4], serviceName: String = try row[5]
            let deficit = try PrepaidDeficit(joined: row, from: 6)
            var id = deficit?.id
            var openedOn = deficit?.openedOn ?? asOf.description
            var notice = deficit?.noticeNumber
            var noticeCents = deficit?.noticeCents
            var action: String
            var queued = 0
            let payer = payers[payerID].map(Reminders.reachable)
            if balance >= 0 {
                // Back at zero or above (a top-up, the notice paid): this deficit is over.
                guard let open = id else { continue }
                if send { try PrepaidDeficit.close(db, id: open, on: asOf.description) }
                action = "closed"
            } else if id == nil {
                action = "reminded"
                if send {
                    id = try PrepaidDeficit(payerId: payerID, beneficiaryId: child, serviceId: service, openedOn: asOf.description,
                                            remindedCents: -balance).insert(db)
                    openedOn = asOf.description
                    if let payer, let id {
                        let amount = Money(cents: -balance)
                        queued = try MessageQueue.notify(
                            db, payer: payer, key: "deficit|\(id)|reminder", kind: "deficit_reminder",
                            subject: "Credito prepagato esaurito — \(municipality)",
                            body: """
                                Gentile \(payer.givenName) \(payer.surname),
                                il credito prepagato di \(childName) per il servizio «\(serviceName)» è sotto zero: mancano \(amount.italian) per i pasti già consumati.
                                La preghiamo di effettuare una ricarica con pagoPA. Se entro \(noticeDays) giorni il credito sarà ancora negativo, riceverà un avviso di pagamento pagoPA per la differenza.
                                Ufficio scuola, \(municipality)
                                """,
                            sms: "\(municipality): credito \(serviceName) di \(childName) sotto zero di \(amount.italian). Ricaricare con pagoPA.",
                            now: now
                        )
                    }
                }
            } else if notice != nil {
                action = "noticed"
            } else if let opened = LocalDate(openedOn), opened.adding(days: noticeDays) <= asOf {
                action = "notice"
                if send, let open = id {
                    if issuer == nil { issuer = try NoticeIssuer(db) }
                    guard var numbering = issuer else { continue }
                    let number = try numbering.allocate(db)
                    issuer = numbering
                    let amount = Money(cents: -balance)
                    let due = ItalianHolidays.firstWorkingDay(onOrAfter: asOf.adding(days: noticeDueDays))
                    try PrepaidDeficit.markNoticed(
                        db, id: open, noticeNumber: number.value, iuv: number.iuv, qrPayload: numbering.payload(number, amount: amount),
                        cents: amount.cents, on: asOf.description, dueDate: due.description
                    )
                    notice = number.value
                    noticeCents = amount.cents
                    if let payer {
                        queued = try MessageQueue.notify(
                            db, payer: payer, key: "deficit|\(open)|notice", kind: "deficit_notice",
                            subject: "Avviso di pagamento pagoPA: credito prepagato negativo — \(municipality)",
                            body: """
                                Gentile \(payer.givenName) \(payer.surname),
                                il credito prepagato di \(childName) per il servizio «\(serviceName)» è ancora sotto zero di \(amount.italian).
                                Può pagare con pagoPA (app IO, home banking, tabaccherie) l'avviso \(number.grouped) di \(amount.italian), entro il \(due.italian): l'importo sarà accreditato sul credito.
                                Ufficio scuola, \(municipality)
                                """,
                            sms: "\(municipality): avviso pagoPA \(number.grouped) di \(amount.italian) per il credito \(serviceName) di \(childName), entro il \(due.italian).",
                            now: now
                        )
                    }
                }
            } else {
                action = "waiting"
            }
            result.append(Deficit(id: id ?? 0, payerId: payerID, payerName: payers[payerID]?.fullName ?? payerID, beneficiaryId: child,
                                  serviceId: service, balanceCents: balance, openedOn: openedOn, action: action, noticeNumber: notice,
                                  noticeCents: noticeCents, queued: queued))
        }
        return result
    }

    /// Records the payment of a deficit notice: the whole amount credits the position the notice was for, as a
    /// top-up by the means paid (a credit is the family's prepaid money, so a payment beyond the notice stays as
    /// credit rather than a refund). Returns the outcome and the Italian message of the payments report.
    static func pay(
        _ db: Database, _ deficit: PrepaidDeficit, code: String, amount: Money, date: LocalDate, method: String, reference: String, now: Date
    ) throws -> (outcome: String, message: String) {
        try PrepaidLedger.movement(db, payer: deficit.payerId, beneficiary: deficit.beneficiaryId, service: deficit.serviceId, kind: "topup",
                                   key: nil, period: nil, date: date, amount: amount.cents,
                                   description: "Pagamento dell'avviso pagoPA \((try? NoticeNumber(validating: code).grouped) ?? code) (\(method))",
                                   source: "pagamento \(reference)", traceable: method != "cash", now: now)
        try PrepaidDeficit.addPayment(db, id: deficit.id, cents: amount.cents)
        try BalanceLog.record(db, beneficiary: deficit.beneficiaryId, service: deficit.serviceId, at: now)
        if let payer = try MasterDataStore.load(db).payers.first(where: { $0.id == deficit.payerId }) {
            _ = try PrepaidLedger.checkThreshold(db, payer: payer, beneficiary: deficit.beneficiaryId, service: deficit.serviceId, now: now)
        }
        let due = (deficit.noticeCents ?? 0) - deficit.paidCents
        if due <= 0 {
            return ("already_paid", "l'avviso \(code) del credito negativo risultava già pagato: \(amount.italian) accreditati sul credito prepagato")
        }
        if amount.cents < due {
            return ("partial", "pagati \(amount.italian) di \(Money(cents: due).italian) dell'avviso del credito negativo, accreditati sul credito prepagato")
        }
        return ("paid", "avviso del credito negativo saldato: \(amount.italian) accreditati sul credito prepagato")
    }
}
