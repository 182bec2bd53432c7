import Foundation
import SpuntaDomain
import SpuntaMarkup
import SpuntaQR
import SpuntaServerStore
import SpuntaStore

/// The printable statement with its pagoPA notice (avviso di pagamento), one A4 page per payer: lines with
/// what each charge is, the total, the codice avviso in groups of four, the IUV, the creditor's codice fiscale,
/// the due date, and the QR code (level M, about 25 mm with its quiet zone) with its content printed underneath.
public enum StatementHTML {
    public static func render(_ statements: [StatementDesk.Statement], municipality: Municipality) -> String {
        var html = """
            <!DOCTYPE html>
            <html lang="it"><head><meta charset="utf-8"><title>Avvisi di pagamento — \(Markup.escape(municipality.name))</title>
            <style>
            @page { size: A4; margin: 18mm 16mm; }
            body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 10pt; color: #111; }
            .page { page-break-after: always; }
            .page:last-child { page-break-after: auto; }
            h1 { font-size: 14pt; margin: 0 0 2mm 0; }
            h2 { font-size: 11pt; margin: 6mm 0 2mm 0; }
            table { width: 100%; border-collapse: collapse; }
            th, td { border-bottom: 0.3mm solid #bbb; padding: 1.2mm 1mm; text-align: left; vertical-align: top; }
            td.amount, th.amount { text-align: right; white-space: nowrap; }
            tr.total td { font-weight: bold; border-top: 0.6mm solid #111; }
            .notice { border: 0.6mm solid #111; padding: 4mm; margin-top: 6mm; display: flex; justify-content: space-between; }
            .nav { font-family: "DejaVu Sans Mono", monospace; font-size: 13pt; letter-spacing: 0.5mm; }
            .qrbox { flex: 0 0 40mm; margin-left: 4mm; text-align: center; }
            .qrbox svg { display: block; width: 25mm; height: 25mm; margin: 0 auto 1mm auto; }
            .qr { font-family: "DejaVu Sans Mono", monospace; font-size: 6pt; word-break: break-all; margin: 0; }
            .small { font-size: 8pt; color: #444; }
            </style></head><body>

            """
        for s in statements {
            let period = BillingPeriod(s.period)?.italian ?? s.period
            html += "<section class=\"page\">\n"
            html += "<h1>\(Markup.escape(municipality.name)) — servizi scolastici</h1>\n"
            html += "<p class=\"small\">Codice fiscale ente \(Markup.escape(municipality.fiscalCode)) · Rendiconto n. \(s.id) di \(Markup.escape(period))"
            // Stored in UTC; printed as the day in Rome (a notice issued at 00:30 on 2 November is of 2 November).
            let issued = s.issuedAt.flatMap(UTCTime.date).map { BusinessCalendar.date(of: $0).italian } ?? s.issuedAt ?? ""
            html += s.status == "issued" ? " · emesso il \(Markup.escape(issued))" : " · BOZZA, non valida per il pagamento"
            html += "</p>\n<p><strong>\(Markup.escape(s.payerName))</strong><br>Codice fiscale \(Markup.escape(s.payerFiscalCode))"
            if let address = s.payerAddress { html += "<br>\(Markup.escape(address))" }
            html += "</p>\n<h2>Dettaglio</h2>\n<table><tr><th>Bambino</th><th>Voce</th><th class=\"amount\">Importo</th></tr>\n"
            for line in s.lines {
                html += "<tr><td>\(Markup.escape(line.beneficiaryName ?? ""))</td><td>\(Markup.escape(line.description))</td>"
                html += "<td class=\"amount\">\(Markup.escape(Money(cents: line.amountCents).italian))</td></tr>\n"
            }
            html += "<tr class=\"total\"><td></td><td>Totale</td><td class=\"amount\">\(Markup.escape(Money(cents: s.totalCents).italian))</td></tr>\n</table>\n"
            if let nav = s.noticeNumber, let notice = try? NoticeNumber(validating: nav) {
                html += "<div class=\"notice\"><div><h2>Avviso di pagamento pagoPA</h2>\n"
                html += "<p>Codice avviso<br><span class=\"nav\">\(Markup.escape(notice.grouped))</span></p>\n"
                html += "<p>IUV \(Markup.escape(s.iuv ?? "")) · Ente creditore \(Markup.escape(municipality.fiscalCode))</p>\n"
                html += "<p>Importo <strong>\(Markup.escape(Money(cents: s.totalCents).italian))</strong> · entro il "
                html += "<strong>\(Markup.escape(LocalDate(s.dueDate ?? "")?.italian ?? s.dueDate ?? ""))</strong></p>\n"
                html += "<p class=\"small\">Si paga con pagoPA: app IO, home banking, sportelli e tabaccherie abilitati, inquadrando il QR code o digitando il codice avviso.</p></div>\n"
                html += "<div class=\"qrbox\">\(qrImage(s.qrPayload ?? ""))<p class=\"qr\">\(Markup.escape(s.qrPayload ?? ""))</p></div></div>\n"
            } else if s.status == "issued" {
                html += "<p><strong>Nulla da pagare per questo periodo.</strong></p>\n"
            }
            html += "</section>\n"
        }
        html += "</body></html>\n"
        return html
    }

    /// The notice's QR code as inline SVG, 25 mm wide with its 4-module quiet zone, at level M as the pagoPA notice
    /// asks. A payload is about 50 ASCII characters and always fits; should it ever not, the page says so and the
    /// content printed underneath still lets the payer type the codice avviso.
    static func qrImage(_ payload: String) -> String {
        do {
            let code = try QRCode(encoding: payload, errorCorrection: .medium)
            return QRCodeSVG.render(code, millimetres: 25, quietZone: 4, label: "QR code pagoPA dell'avviso")
        } catch {
            return "<p class=\"small\">\(Markup.escape(error.userMessage))</p>"
        }
    }
}
