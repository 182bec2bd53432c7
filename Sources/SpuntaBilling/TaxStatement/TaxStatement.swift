import Foundation
import SpuntaDomain
import SpuntaExchange
import SpuntaMarkup
import SpuntaServerStore
import SpuntaStore

/// The yearly statement of fees paid (attestazione per la dichiarazione dei redditi): per payer, child and
/// service, what was paid in the calendar year by traceable means (cash principle; cash top-ups excluded), with
/// the deductible amount within the yearly caps of the child.
///
/// Two caps, two laws: school services (canteen, transport, pre/post school) are school fees of art. 15 c.1 lett.
/// e-bis TUIR (AdE circolare 3/E/2016), €800 per pupil; nursery fees have their own deduction, art. 1 c.335
/// L. 266/2005, made permanent by art. 2 c.6 L. 203/2008, €632 per child. Both caps belong to the child, whoever
/// paid (AdE circolare 6/E/2006 for the nursery: the limit is the child's however the parents share the cost): when
/// several payers paid for one child, the cap is shared among them in proportion to what each paid.
public enum TaxStatement {
    /// Yearly caps per child: school services (art. 15 c.1 lett. e-bis TUIR) €800; nursery (art. 1 c.335
    /// L. 266/2005, art. 2 c.6 L. 203/2008) €632.
    public static let schoolCap = Money(cents: 80_000)
    public static let nurseryCap = Money(cents: 63_200)

    public struct Row: Encodable, Sendable, Equatable {
        public let payerId: String
        public let payerFiscalCode: String
        public let payerName: String
        public let beneficiaryId: String
        public let beneficiaryFiscalCode: String
        public let beneficiaryName: String
        public let serviceId: String
        public let serviceName: String
        public let paidCents: Int64
        public let deductibleCents: Int64
        /// Whether the service is a nursery (its own cap and legal basis).
        public let nursery: Bool
        /// Whether other payers paid for the same child under the same cap, so that the cap is shared.
        public let capShared: Bool

        enum CodingKeys: String, CodingKey {
            case payerId = "payer_id", payerFiscalCode = "payer_fiscal_code", payerName = "payer_name", beneficiaryId = "beneficiary_id"
            case beneficiaryFiscalCode = "beneficiary_fiscal_code", beneficiaryName = "beneficiary_name", serviceId = "service_id"
            case serviceName = "service_name", paidCents = "paid_cents", deductibleCents = "deductible_cents", nursery
            case capShared = "cap_shared"
        }
    }

    /// What a payer paid in the year beyond a notice's amount: not a fee, so not deductible, and refunded.
    public struct Excess: Encodable, Sendable, Equatable {
        public let payerId: String
        public let payerName: String
        public let payerFiscalCode: String
        public let noticeNumber: String?
        public let paidOn: String
        public let excessCents: Int64

        enum CodingKeys: String, CodingKey {
            case payerId = "payer_id", payerName = "payer_name", payerFiscalCode = "payer_fiscal_code", noticeNumber = "notice_number"
            case paidOn = "paid_on", excessCents = "excess_cents"
        }
    }

    /// The excesses paid in `year`, by payer and date.
    public static func excesses(_ db: Database, year: Int) throws -> [Excess] {
        try PaymentRecord.withPayerNames(
            db, where: "p.kind = 'notice' AND p.excess_cents > 0 AND p.payer_id IS NOT NULL AND p.paid_on BETWEEN ? AND ?",
            ["\(year)-01-01", "\(year)-12-31"], order: "p.payer_id, p.paid_on, p.id"
        ).compactMap { p, payerName, fiscalCode in
            // The condition leaves out payments without a payer.
            guard let payer = p.payerId else { return nil }
            return Excess(payerId: payer, payerName: payerName ?? payer, payerFiscalCode: fiscalCode ?? "", noticeNumber: p.noticeNumber,
                          paidOn: p.paidOn, excessCents: p.excessCents)
        }
    }

    public static func rows(_ db: Database, year: Int) throws -> [Row] {
        let data = try MasterDataStore.load(db)
        let payers = Dictionary(data.payers.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let children = Dictionary(data.beneficiaries.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let services = Dictionary(data.services.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var paid: [String: Int64] = [:]   // payer|beneficiary|service
        let traceable = PaymentImport.traceableMethods.sorted()
        let placeholders = traceable.map { _ in "?" }.joined(separator: ", ")
        // Notices: each payment shared among the statement's children and services in proportion to what it billed;
        // what was paid beyond the notice (the excess, refunded) is no fee. Sums per statement, not `PaymentRecord`s.
        for row in try db.fetchAll("""
            SELECT p.statement_id, SUM(p.amount_cents - p.excess_cents) FROM payment p
            WHERE p.kind = 'notice' AND p.statement_id IS NOT NULL AND p.outcome IN ('paid', 'partial', 'overpaid')
                AND p.paid_on BETWEEN ? AND ? AND p.method IN (\(placeholders))
            GROUP BY p.statement_id ORDER BY p.statement_id
            """, ["\(year)-01-01", "\(year)-12-31"] + traceable) {
            let statement: Int64 = try row[0]
            let amount: Int64 = try row[1]
            guard let payer = try StatementHeader.load(db, id: statement)?.payerId else { continue }
            var shares: [(key: String, weight: Int64)] = []
            for line in try db.fetchAll("""
                SELECT beneficiary_id, service_id, SUM(amount_cents) FROM statement_line
                WHERE statement_id = ? AND beneficiary_id IS NOT NULL AND service_id IS NOT NULL
                GROUP BY beneficiary_id, service_id ORDER BY beneficiary_id, service_id
                """, [statement]) {
                let weight: Int64 = try line[2]
                if weight > 0 { shares.append(("\(payer)|\(try line[0] as String)|\(try line[1] as String)", weight)) }
            }
            for (key, share) in allocate(amount, shares) { paid[key, default: 0] += share }
        }
        // Prepaid: traceable top-ups of the year, summed per position (not `PrepaidMovement`s).
        for row in try db.fetchAll("""
            SELECT payer_id, beneficiary_id, service_id, SUM(amount_cents) FROM prepaid_movement
            WHERE kind = 'topup' AND traceable = 1 AND movement_date BETWEEN ? AND ?
            GROUP BY payer_id, beneficiary_id, service_id
            """, ["\(year)-01-01", "\(year)-12-31"]) {
            paid["\(try row[0] as String)|\(try row[1] as String)|\(try row[2] as String)", default: 0] += try row[3]
        }
        // Caps per child, whoever paid: school services together, nursery apart. Over the cap, each payer and service
        // of the child gets a share of the cap in proportion to what it paid, to the cent.
        var groups: [String: [(key: String, weight: Int64)]] = [:]
        for (key, amount) in paid where amount > 0 {
            let parts = key.split(separator: "|").map(String.init)
            guard parts.count == 3 else { continue }
            let nursery = services[parts[2]]?.kind == .nursery
            groups["\(parts[1])|\(nursery ? "nido" : "scuola")", default: []].append((key, amount))
        }
        var deductible: [String: Int64] = [:]
        var shared: Set<String> = []
        for (group, shares) in groups {
            let cap = (group.hasSuffix("|nido") ? nurseryCap : schoolCap).cents
            let total = shares.reduce(Int64(0)) { $0 + $1.weight }
            let sorted = shares.sorted { $0.key < $1.key }
            for (key, value) in total <= cap ? sorted.map({ ($0.key, $0.weight) }) : allocate(cap, sorted) { deductible[key] = value }
            if Set(shares.map { $0.key.split(separator: "|").first ?? "" }).count > 1 { shared.formUnion(shares.map(\.key)) }
        }
        var rows: [Row] = []
        for key in paid.keys.sorted() {
            let parts = key.split(separator: "|").map(String.init)
            guard parts.count == 3, let amount = paid[key], amount > 0 else { continue }
            let service = services[parts[2]]
            let payer = payers[parts[0]], child = children[parts[1]]
            rows.append(Row(
                payerId: parts[0], payerFiscalCode: payer?.fiscalCode ?? "", payerName: payer?.fullName ?? parts[0],
                beneficiaryId: parts[1], beneficiaryFiscalCode: child?.fiscalCode ?? "", beneficiaryName: child?.fullName ?? parts[1],
                serviceId: parts[2], serviceName: service?.name ?? parts[2], paidCents: amount, deductibleCents: deductible[key] ?? 0,
                nursery: service?.kind == .nursery, capShared: shared.contains(key)
            ))
        }
        return rows
    }

    /// Splits `amount` in proportion to the weights, to the cent, largest remainders first (ties by key).
    static func allocate(_ amount: Int64, _ shares: [(key: String, weight: Int64)]) -> [(String, Int64)] {
        let total = shares.reduce(Int64(0)) { $0 + $1.weight }
        guard total > 0 else { return [] }
        var parts = shares.map { share -> (key: String, value: Int64, remainder: Int64) in
            let exact = amount * share.weight
            return (share.key, exact / total, exact % total)
        }
        var left = amount - parts.reduce(Int64(0)) { $0 + $1.value }
        for index in parts.indices.sorted(by: { (parts[$0].remainder, parts[$1].key) > (parts[$1].remainder, parts[$0].key) }) where left > 0 {
            parts[index].value += 1
            left -= 1
        }
        return parts.map { ($0.key, $0.value) }
    }

    /// The statements as CSV: amounts in cents as numbers, names and codes as text neutralised by `CSVWriter`
    /// (a name starting with `=` cannot become a formula).
    public static func csv(_ rows: [Row], year: Int) -> String {
        var csv = CSVWriter(header: ["anno", "codice_fiscale_pagante", "pagante", "codice_fiscale_fruitore", "fruitore", "servizio",
                                     "pagato_centesimi", "detraibile_centesimi"])
        for r in rows {
            csv.addRow([.integer(Int64(year)), .text(r.payerFiscalCode), .text(r.payerName), .text(r.beneficiaryFiscalCode),
                        .text(r.beneficiaryName), .text(r.serviceName), .integer(r.paidCents), .integer(r.deductibleCents)])
        }
        return csv.text
    }

    /// One A4 page per payer: what was paid for each child and service, what of it is deductible and why, and any
    /// excess paid beyond a notice, which is refunded and deductible by no one.
    public static func html(_ rows: [Row], excesses: [Excess], year: Int, municipality: Municipality) -> String {
        let e: (String) -> String = { Markup.escape($0) }
        var html = """
            <!DOCTYPE html>
            <html lang="it"><head><meta charset="utf-8"><title>Attestazioni \(year) — \(e(municipality.name))</title>
            <style>
            @page { size: A4; margin: 20mm 18mm; }
            body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 10pt; }
            .page { page-break-after: always; }
            .page:last-child { page-break-after: auto; }
            table { width: 100%; border-collapse: collapse; margin-top: 5mm; }
            th, td { border-bottom: 0.3mm solid #bbb; padding: 1.5mm; text-align: left; }
            td.amount, th.amount { text-align: right; }
            .small { font-size: 8pt; color: #444; }
            </style></head><body>

            """
        let rowsByPayer = Dictionary(grouping: rows, by: \.payerId)
        let excessesByPayer = Dictionary(grouping: excesses, by: \.payerId)
        for payer in Set(rowsByPayer.keys).union(excessesByPayer.keys).sorted() {
            let list = rowsByPayer[payer] ?? [], extra = excessesByPayer[payer] ?? []
            let name = list.first?.payerName ?? extra.first?.payerName ?? payer
            let fiscalCode = list.first?.payerFiscalCode ?? extra.first?.payerFiscalCode ?? ""
            html += "<section class=\"page\"><h1>\(e(municipality.name))</h1>\n"
            html += "<h2>Attestazione delle spese per servizi scolastici pagate nel \(year)</h2>\n"
            html += "<p>Pagante: <strong>\(e(name))</strong>, codice fiscale \(e(fiscalCode))</p>\n"
            if !list.isEmpty {
                html += "<table><tr><th>Fruitore</th><th>Codice fiscale</th><th>Servizio</th><th class=\"amount\">Pagato</th>"
                html += "<th class=\"amount\">Detraibile</th></tr>\n"
                for r in list {
                    html += "<tr><td>\(e(r.beneficiaryName))</td><td>\(e(r.beneficiaryFiscalCode))</td>"
                    html += "<td>\(e(r.serviceName))\(r.capShared ? " *" : "")</td><td class=\"amount\">\(Money(cents: r.paidCents).italian)</td>"
                    html += "<td class=\"amount\">\(Money(cents: r.deductibleCents).italian)</td></tr>\n"
                }
                html += "</table>\n"
            }
            if list.contains(where: \.capShared) {
                html += "<p class=\"small\">* Anche altri paganti hanno versato somme per questo fruitore: il limite annuo è del fruitore ed è "
                html += "condiviso tra i paganti in proporzione a quanto pagato da ciascuno.</p>\n"
            }
            for x in extra {
                let notice = x.noticeNumber.map { (try? NoticeNumber(validating: $0).grouped) ?? $0 } ?? ""
                html += "<p>Pagamento del \(e(LocalDate(x.paidOn)?.italian ?? x.paidOn)) sull'avviso \(e(notice)): "
                html += "<strong>\(Money(cents: x.excessCents).italian)</strong> pagati in più del dovuto, che il Comune rimborsa. "
                html += "Non sono una spesa per i servizi: non detraibili e non compresi negli importi pagati qui sopra.</p>\n"
            }
            html += "<p class=\"small\">Somme pagate nell'anno con mezzi tracciabili (pagoPA, bonifico, carta, bollettino); "
            html += "le ricariche in contanti non sono detraibili. Detrazione del 19%: per mensa, trasporto, pre e post-scuola "
            html += "art. 15, c. 1, lett. e-bis TUIR (circolare AdE 3/E/2016), entro \(schoolCap.italian) per alunno; "
            html += "per l'asilo nido art. 1, c. 335, L. 266/2005, applicato ogni anno dall'art. 2, c. 6, L. 203/2008, entro "
            html += "\(nurseryCap.italian) per figlio. Pagante \(e(payer)).</p></section>\n"
        }
        html += "</body></html>\n"
        return html
    }
}
