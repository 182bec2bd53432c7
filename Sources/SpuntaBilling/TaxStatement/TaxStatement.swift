import Foundation
import SpuntaDomain
import SpuntaExchange
import SpuntaServerStore
import SpuntaStore

/// The yearly statement of fees paid (attestazione per la dichiarazione dei redditi): per payer, child and
/// service, what was paid in the calendar year by traceable means (cash principle; cash top-ups excluded;
/// art. 15 c.1 lett. e-bis TUIR, AdE circolare 3/E/2016), with the deductible amount within the yearly caps.
public enum TaxStatement {
    /// Yearly caps per pupil: school services (canteen, transport, pre/post school) €800; nursery €632.
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

        enum CodingKeys: String, CodingKey {
            case payerId = "payer_id", payerFiscalCode = "payer_fiscal_code", payerName = "payer_name", beneficiaryId = "beneficiary_id"
            case beneficiaryFiscalCode = "beneficiary_fiscal_code", beneficiaryName = "beneficiary_name", serviceId = "service_id"
            case serviceName = "service_name", paidCents = "paid_cents", deductibleCents = "deductible_cents"
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
        // Notices: each payment shared among the statement's children and services in proportion to what it billed.
        for row in try db.fetchAll("""
            SELECT p.statement_id, SUM(p.amount_cents) FROM payment p
            WHERE p.kind = 'notice' AND p.statement_id IS NOT NULL AND p.outcome IN ('paid', 'partial', 'overpaid')
                AND p.paid_on BETWEEN ? AND ? AND p.method IN (\(placeholders))
            GROUP BY p.statement_id ORDER BY p.statement_id
            """, ["\(year)-01-01", "\(year)-12-31"] + traceable) {
            let statement: Int64 = try row[0]
            let amount: Int64 = try row[1]
            guard let payer: String = try db.scalar("SELECT payer_id FROM statement WHERE id = ?", [statement]) else { continue }
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
        // Prepaid: traceable top-ups of the year.
        for row in try db.fetchAll("""
            SELECT payer_id, beneficiary_id, service_id, SUM(amount_cents) FROM prepaid_movement
            WHERE kind = 'topup' AND traceable = 1 AND movement_date BETWEEN ? AND ?
            GROUP BY payer_id, beneficiary_id, service_id
            """, ["\(year)-01-01", "\(year)-12-31"]) {
            paid["\(try row[0] as String)|\(try row[1] as String)|\(try row[2] as String)", default: 0] += try row[3]
        }
        // Caps per payer and child: school services together, nursery apart.
        var used: [String: Int64] = [:]
        var rows: [Row] = []
        for key in paid.keys.sorted() {
            let parts = key.split(separator: "|").map(String.init)
            guard parts.count == 3, let amount = paid[key], amount > 0 else { continue }
            let service = services[parts[2]]
            let nursery = service?.kind == .nursery
            let capKey = "\(parts[0])|\(parts[1])|\(nursery ? "nido" : "scuola")"
            let cap = (nursery ? nurseryCap : schoolCap).cents
            let deductible = max(0, min(amount, cap - (used[capKey] ?? 0)))
            used[capKey, default: 0] += deductible
            let payer = payers[parts[0]], child = children[parts[1]]
            rows.append(Row(
                payerId: parts[0], payerFiscalCode: payer?.fiscalCode ?? "", payerName: payer?.fullName ?? parts[0],
                beneficiaryId: parts[1], beneficiaryFiscalCode: child?.fiscalCode ?? "", beneficiaryName: child?.fullName ?? parts[1],
                serviceId: parts[2], serviceName: service?.name ?? parts[2], paidCents: amount, deductibleCents: deductible
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

    public static func html(_ rows: [Row], year: Int, municipality: Municipality) -> String {
        var html = """
            <!DOCTYPE html>
            <html lang="it"><head><meta charset="utf-8"><title>Attestazioni \(year) — \(StatementHTML.escape(municipality.name))</title>
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
        for (payer, list) in Dictionary(grouping: rows, by: \.payerId).sorted(by: { $0.key < $1.key }) {
            guard let first = list.first else { continue }
            html += "<section class=\"page\"><h1>\(StatementHTML.escape(municipality.name))</h1>\n"
            html += "<h2>Attestazione delle spese per servizi scolastici pagate nel \(year)</h2>\n"
            html += "<p>Pagante: <strong>\(StatementHTML.escape(first.payerName))</strong>, codice fiscale \(StatementHTML.escape(first.payerFiscalCode))</p>\n"
            html += "<table><tr><th>Fruitore</th><th>Codice fiscale</th><th>Servizio</th><th class=\"amount\">Pagato</th><th class=\"amount\">Detraibile</th></tr>\n"
            for r in list {
                html += "<tr><td>\(StatementHTML.escape(r.beneficiaryName))</td><td>\(StatementHTML.escape(r.beneficiaryFiscalCode))</td>"
                html += "<td>\(StatementHTML.escape(r.serviceName))</td><td class=\"amount\">\(Money(cents: r.paidCents).italian)</td>"
                html += "<td class=\"amount\">\(Money(cents: r.deductibleCents).italian)</td></tr>\n"
            }
            html += "</table>\n<p class=\"small\">Somme pagate nell'anno con mezzi tracciabili (pagoPA, bonifico, carta, bollettino); "
            html += "le ricariche in contanti non sono detraibili. Detrazione del 19% (art. 15, c. 1, lett. e-bis TUIR; circolare AdE 3/E/2016) "
            html += "entro \(schoolCap.italian) per alunno per i servizi scolastici e \(nurseryCap.italian) per l'asilo nido. Pagante \(StatementHTML.escape(payer)).</p></section>\n"
        }
        html += "</body></html>\n"
        return html
    }
}
