import Foundation
import SpuntaDomain
import SpuntaExchange
import SpuntaServerStore
import SpuntaStore

/// `payments import`: reconciles payments received (riconciliazione) with the issued notices, and records
/// top-ups of prepaid positions. A file with a bad line is refused whole; partial, duplicate and unknown
/// payments are recorded and reported — never guessed onto another notice.
///
/// A notice is paid up to its amount and no further: what a payment brings beyond it (an overpayment, or a second
/// payment of a settled notice) is its excess (eccedenza), kept on the payment as a refund for the office to review
/// (`refunds`). It is not credit on a later statement: the family may have no later statement, and money paid
/// for nothing is given back, not kept. Nor does it count for the tax statement.
public enum PaymentImport {
    /// Methods that count for the tax return (pagamenti tracciabili); cash does not.
    public static let traceableMethods: Set<String> = ["pagopa", "bank", "card", "postal"]
    public static let methods: Set<String> = traceableMethods.union(["cash"])

    public struct LineResult: Encodable, Sendable {
        public let line: Int
        public let reference: String
        public let outcome: String
        public let amountCents: Int64
        public let message: String

        enum CodingKeys: String, CodingKey {
            case line, reference, outcome, amountCents = "amount_cents", message
        }
    }

    public struct Report: Encodable, Sendable {
        public var file: String
        public var lines: [LineResult] = []

        public func count(_ outcome: String) -> Int { lines.filter { $0.outcome == outcome }.count }

        /// The summary, with the command that lists the refunds when a payment left some.
        public var italian: HintedText {
            var text = ["Pagamenti importati da \(file): \(lines.count) righe."]
            for (outcome, label) in [("paid", "avvisi saldati"), ("partial", "pagamenti parziali"), ("overpaid", "pagamenti in eccesso"),
                                     ("already_paid", "avvisi già saldati (pagamento doppio)"), ("duplicate", "righe già importate"),
                                     ("unknown", "pagamenti non riconosciuti"), ("topup", "ricariche")] {
                let n = count(outcome)
                if n > 0 { text.append("  \(label): \(n)") }
            }
            for line in lines where ["partial", "overpaid", "already_paid", "unknown"].contains(line.outcome) {
                text.append("  riga \(line.line) (\(line.reference)): \(line.message)")
            }
            let summary = HintedText(stringLiteral: text.joined(separator: "\n"))
            guard lines.contains(where: { ["overpaid", "already_paid"].contains($0.outcome) }) else { return summary }
            return summary + "\n  Per l'elenco delle eccedenze da rimborsare: \(CommandHint.server("payments", "refunds"))"
        }
    }

    /// A payment, or the part of one, that paid nothing due (eccedenza): the office checks it and gives it back.
    public struct Refund: Encodable, Sendable, Equatable {
        public let reference: String
        public let paidOn: String
        public let method: String
        public let amountCents: Int64
        public let excessCents: Int64
        public let noticeNumber: String?
        public let payerId: String?
        public let payerName: String?
        public let outcome: String

        enum CodingKeys: String, CodingKey {
            case reference, paidOn = "paid_on", method, amountCents = "amount_cents", excessCents = "excess_cents"
            case noticeNumber = "notice_number", payerId = "payer_id", payerName = "payer_name", outcome
        }
    }

    /// Every payment with an excess to refund, oldest first.
    public static func refunds(_ db: Database) throws -> [Refund] {
        try PaymentRecord.withPayerNames(db, where: "p.excess_cents > 0", order: "p.paid_on, p.id").map { p, payerName, _ in
            Refund(reference: p.reference, paidOn: p.paidOn, method: p.method, amountCents: p.amountCents, excessCents: p.excessCents,
                   noticeNumber: p.noticeNumber, payerId: p.payerId, payerName: payerName, outcome: p.outcome)
        }
    }

    struct Row {
        let line: Int
        let date: LocalDate
        let amount: Money
        let notice: String?
        let kind: String
        let payer: String?
        let beneficiary: String?
        let service: String?
        let method: String
        let reference: String
    }

    /// Reads and applies a payments file in the caller's transaction. Throws `ImportError` (nothing changed)
    /// when a line is malformed.
    public static func run(_ db: Database, path: String, actor: String, now: Date) throws -> Report {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ImportError(problems: [ImportProblem(SourceLocation(file: path, line: 0), "file non trovato o non leggibile")])
        }
        let rows = try parse(data, file: path)
        var report = Report(file: path)
        for row in rows {
            report.lines.append(try apply(db, row, file: path, actor: actor, now: now))
        }
        try AuditLog.record(db, actor: actor, action: "payments_import", subject: path, details: [
            "lines": rows.count, "paid": report.count("paid"), "partial": report.count("partial"), "unknown": report.count("unknown"),
            "duplicate": report.count("duplicate") + report.count("already_paid"), "topup": report.count("topup"),
        ], at: now)
        return report
    }

    static func parse(_ data: Data, file: String) throws -> [Row] {
        let table: CSVTable
        switch CSVTable.parse(data, file: file) {
        case .failure(let problem): throw ImportError(problems: [problem])
        case .success(let parsed): table = parsed
        }
        let required = ["date", "amount", "kind", "method", "reference"]
        let missing = required.filter { !table.header.contains($0) }
        if !missing.isEmpty {
            throw ImportError(problems: [ImportProblem(SourceLocation(file: file, line: table.headerLine),
                                                       "mancano le colonne \(missing.joined(separator: ", ")) (vedere protocol/billing.md)")])
        }
        var problems: [ImportProblem] = []
        var rows: [Row] = []
        var references: [String: Int] = [:]
        for record in table.records {
            let location = SourceLocation(file: file, line: record.line)
            guard record.fields.count == table.header.count else {
                problems.append(ImportProblem(location, "\(record.fields.count) colonne invece di \(table.header.count)"))
                continue
            }
            var v: [String: String] = [:]
            for (name, value) in zip(table.header, record.fields) { v[name] = value.trimmingCharacters(in: .whitespaces) }
            func value(_ name: String) -> String? { v[name].flatMap { $0.isEmpty ? nil : $0 } }
            var lineProblems: [String] = []
            let date = value("date").flatMap { LocalDate(typed: $0) }
            if date == nil { lineProblems.append("data «\(v["date"] ?? "")» non valida (AAAA-MM-GG o GG/MM/AAAA)") }
            let amount = value("amount").flatMap { Money(decimal: $0) }
            if amount == nil || amount?.cents == 0 { lineProblems.append("importo «\(v["amount"] ?? "")» non valido") }
            let kind = value("kind") ?? ""
            if kind != "notice" && kind != "topup" { lineProblems.append("tipo «\(kind)» non valido: notice (avviso) o topup (ricarica)") }
            let method = (value("method") ?? "").lowercased()
            if !methods.contains(method) { lineProblems.append("metodo «\(method)» non valido: \(methods.sorted().joined(separator: ", "))") }
            let reference = value("reference") ?? ""
            if reference.isEmpty { lineProblems.append("manca il riferimento del pagamento («reference»)") }
            if let first = references[reference], !reference.isEmpty {
                lineProblems.append("riferimento \(reference) ripetuto (già alla riga \(first))")
            }
            references[reference] = references[reference] ?? record.line
            if kind == "notice" {
                let notice = value("notice")?.filter { !$0.isWhitespace } ?? ""
                if !(notice.count == 18 || notice.count == 17) || !notice.allSatisfy(\.isNumber) {
                    lineProblems.append("codice avviso o IUV «\(notice)» non valido: 18 o 17 cifre")
                }
            }
            if kind == "topup", value("payer") == nil || value("beneficiary") == nil || value("service") == nil {
                lineProblems.append("per una ricarica servono payer, beneficiary e service")
            }
            if !lineProblems.isEmpty {
                problems.append(contentsOf: lineProblems.map { ImportProblem(location, $0) })
                continue
            }
            guard let date, let amount else { continue }
            rows.append(Row(line: record.line, date: date, amount: amount, notice: value("notice")?.filter { !$0.isWhitespace },
                            kind: kind, payer: value("payer"), beneficiary: value("beneficiary"), service: value("service"),
                            method: method, reference: reference))
        }
        if !problems.isEmpty { throw ImportError(problems: problems) }
        return rows
    }

    private static func apply(_ db: Database, _ row: Row, file: String, actor: String, now: Date) throws -> LineResult {
        func result(_ outcome: String, _ message: String) -> LineResult {
            LineResult(line: row.line, reference: row.reference, outcome: outcome, amountCents: row.amount.cents, message: message)
        }
        // Only whether the reference is known: the payment itself is not needed.
        if (try db.scalar("SELECT 1 FROM payment WHERE reference = ?", [row.reference]) as Int?) != nil {
            return result("duplicate", "già importato in precedenza: ignorato")
        }
        var outcome: String
        var message: String
        var excess: Int64 = 0
        var statementID: Int64?
        var payer = row.payer, beneficiary = row.beneficiary, service = row.service
        if row.kind == "notice", let code = row.notice {
            if let s = try StatementHeader.issued(db, notice: code) {
                statementID = s.id
                payer = s.payerId
                let due = s.totalCents - s.paidCents
                if due <= 0 {
                    outcome = "already_paid"
                    excess = row.amount.cents
                    message = "l'avviso \(code) risultava già saldato: pagamento doppio, \(row.amount.italian) da rimborsare"
                } else {
                    if row.amount.cents == due {
                        outcome = "paid"; message = "avviso saldato"
                    } else if row.amount.cents < due {
                        outcome = "partial"; message = "pagati \(row.amount.italian) di \(Money(cents: due).italian): restano \(Money(cents: due - row.amount.cents).italian)"
                    } else {
                        outcome = "overpaid"
                        excess = row.amount.cents - due
                        message = "pagati \(row.amount.italian) invece di \(Money(cents: due).italian): avviso saldato, eccedenza di "
                            + "\(Money(cents: excess).italian) da rimborsare"
                    }
                    // The notice is paid up to its amount: the excess stays on the payment, as a refund to review.
                    try StatementHeader.addPayment(db, id: s.id, cents: row.amount.cents - excess)
                }
            } else if let deficit = try PrepaidDeficit.noticed(db, code: code) {
                // A notice for prepaid credit below zero: the payment goes to the credit.
                (outcome, message) = try DeficitChase.pay(db, deficit, code: code, amount: row.amount, date: row.date, method: row.method,
                                                          reference: row.reference, now: now)
                payer = deficit.payerId; beneficiary = deficit.beneficiaryId; service = deficit.serviceId
            } else {
                outcome = "unknown"
                message = "nessun avviso emesso con codice \(code): verificare con l'intermediario"
            }
        } else {
            if let p = payer, !p.hasPrefix("P"), let id: String = try db.scalar("SELECT id FROM payer WHERE fiscal_code = ?", [p.uppercased()]) {
                payer = id
            }
            do {
                try PrepaidLedger.topUp(db, payer: payer ?? "", beneficiary: beneficiary ?? "", service: service ?? "", amount: row.amount,
                                        date: row.date, method: row.method, source: "pagamento \(row.reference)", actor: actor, now: now)
                outcome = "topup"
                message = "ricarica accreditata"
            } catch let error as BillingError {
                outcome = "unknown"
                message = error.userMessage
                payer = nil; beneficiary = nil; service = nil
            }
        }
        try PaymentRecord(
            reference: row.reference, paidOn: row.date.description, amountCents: row.amount.cents, method: row.method, kind: row.kind,
            noticeNumber: row.notice, statementId: statementID, payerId: payer, beneficiaryId: beneficiary, serviceId: service,
            outcome: outcome, file: file, line: row.line, importedAt: UTCTime.string(now, fractional: true), excessCents: excess
        ).insert(db)
        return result(outcome, message)
    }
}
