import Foundation
import SpuntaDomain
import SpuntaExchange
import SpuntaServerStore
import SpuntaStore

/// The issued notices for the Comune's pagoPA intermediary (esportazione degli avvisi): CSV, and JSON shaped
/// like the debt positions of the GPD API (pagopa/pagopa-api `openapi/gpd.json`, v1). Deterministic: the same
/// statements give the same bytes.
public enum NoticeExport {
    /// Taxonomy codes (tassonomia dei servizi di incasso, v18) by kind of service.
    public static func category(_ kind: Service.Kind) -> String {
        switch kind {
        case .canteen: return "9/0107101TS/"
        case .transport: return "9/0107102SP/"
        case .preSchool, .postSchool, .other: return "9/0107103SP/"
        case .nursery: return "9/0107106SP/"
        }
    }

    /// The payment position of one issued statement (posizione debitoria).
    public struct PaymentPosition: Encodable, Sendable {
        public let iupd: String
        public let type: String
        public let fiscalCode: String
        public let fullName: String
        public let email: String?
        public let companyName: String
        public let switchToExpired: Bool
        public let paymentOption: [PaymentOption]
    }

    public struct PaymentOption: Encodable, Sendable {
        public let iuv: String
        public let nav: String
        public let amount: Int64
        public let description: String
        public let isPartialPayment: Bool
        public let dueDate: String
        public let retentionDate: String
        public let transfer: [Transfer]
    }

    public struct Transfer: Encodable, Sendable {
        public let idTransfer: String
        public let amount: Int64
        public let remittanceInformation: String
        public let category: String
        public let iban: String
    }

    static func truncate(_ text: String, _ limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }

    /// The positions of the issued statements of `period` (with something to pay), by payer.
    public static func positions(_ db: Database, period: BillingPeriod) throws -> [PaymentPosition] {
        let data = try MasterDataStore.load(db)
        guard let municipality = data.municipality else { throw BillingError.noMunicipality }
        let kinds = Dictionary(data.services.map { ($0.id, $0.kind) }, uniquingKeysWith: { a, _ in a })
        return try StatementDesk.statements(db, period: period, payer: nil, status: "issued").compactMap { s in
            guard let nav = s.noticeNumber, let iuv = s.iuv, let due = s.dueDate, s.totalCents > 0 else { return nil }
            let causale = truncate("\(municipality.name) - servizi scolastici \(BillingPeriod(s.period)?.italian ?? s.period) - \(s.payerName)", 140)
            let transfers = Self.transfers(s.lines.map { line in
                (category: line.serviceId.flatMap { kinds[$0] }.map(category), amount: line.amountCents)
            }, total: s.totalCents)
            let options = [PaymentOption(
                iuv: iuv, nav: nav, amount: s.totalCents, description: causale, isPartialPayment: false,
                dueDate: "\(due)T23:59:59", retentionDate: "\(LocalDate(due)?.adding(days: 90).description ?? due)T23:59:59",
                transfer: transfers.enumerated().map { index, t in
                    Transfer(idTransfer: String(index + 1), amount: t.1, remittanceInformation: truncate(causale, 140), category: t.0,
                             iban: municipality.iban)
                }
            )]
            return PaymentPosition(
                iupd: "\(municipality.fiscalCode)-\(s.period)-\(s.payerId)", type: "F", fiscalCode: s.payerFiscalCode,
                fullName: s.payerName, email: s.payerEmail, companyName: municipality.name, switchToExpired: false,
                paymentOption: options
            )
        }
    }

    /// The transfers of one payment option: one per taxonomy category, each at least one cent (GPD refuses less),
    /// adding up to `total`. Credits — a line of a service billed negative, an adjustment or a carried credit that
    /// names no service — are netted against the categories, the largest first, so a credit larger than one
    /// service's lines never makes a negative transfer; a positive amount that names no service joins the largest
    /// category. At most five transfers, as GPD allows: any further category joins the largest.
    static func transfers(_ lines: [(category: String?, amount: Int64)], total: Int64) -> [(String, Int64)] {
        var byCategory: [String: Int64] = [:]
        var unattributed: Int64 = 0
        for line in lines {
            if let category = line.category { byCategory[category, default: 0] += line.amount } else { unattributed += line.amount }
        }
        var positive = byCategory.filter { $0.value > 0 }.sorted { ($0.value, $0.key) > ($1.value, $1.key) }.map { ($0.key, $0.value) }
        // Nothing names a service (only adjustments): the whole amount goes to the canteen, the commonest service.
        guard !positive.isEmpty else { return total > 0 ? [(category(.canteen), total)] : [] }
        var credit = -byCategory.values.filter { $0 < 0 }.reduce(0, +)
        if unattributed > 0 { positive[0].1 += unattributed } else { credit -= unattributed }
        for index in positive.indices where credit > 0 {
            let taken = min(credit, positive[index].1)
            positive[index].1 -= taken
            credit -= taken
        }
        var transfers = positive.filter { $0.1 > 0 }.sorted { ($0.1, $0.0) > ($1.1, $1.0) }
        if transfers.count > 5 {
            transfers[0].1 += transfers[5...].reduce(0) { $0 + $1.1 }
            transfers.removeLast(transfers.count - 5)
        }
        return transfers
    }

    public static func json(_ db: Database, period: BillingPeriod) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return try encoder.encode(try positions(db, period: period))
    }

    /// `iupd;iuv;codice_avviso;codice_fiscale;nominativo;importo;scadenza;causale;qr_code`, amounts in cents
    /// (numbers), everything else text neutralised by `CSVWriter`.
    public static func csv(_ db: Database, period: BillingPeriod) throws -> String {
        var csv = CSVWriter(header: ["iupd", "iuv", "codice_avviso", "codice_fiscale", "nominativo", "importo_centesimi", "scadenza", "causale", "qr_code"])
        let statements = try StatementDesk.statements(db, period: period, payer: nil, status: "issued")
        for position in try positions(db, period: period) {
            guard let option = position.paymentOption.first else { continue }
            let qr = statements.first { $0.noticeNumber == option.nav }?.qrPayload ?? ""
            csv.addRow([.text(position.iupd), .text(option.iuv), .text(option.nav), .text(position.fiscalCode), .text(position.fullName),
                        .integer(option.amount), .text(String(option.dueDate.prefix(10))), .text(option.description), .text(qr)])
        }
        return csv.text
    }
}
