import SpuntaMarkup
import SpuntaQR

/// Fogli di tessere: the cards drawn for print. Each card is ID-1 size (85.6 × 54 mm, a bank card's), its QR code
/// on the right with a 4-module quiet zone and the symbol itself 22 mm wide — a handheld's scanner reads it at a
/// hand's distance — and on the left the Comune, the school year, the child's name, class and school. Pages are A4
/// with 8 or 10 cards edge to edge and cut marks in the margins along every cutting line, as one inline SVG per page
/// in an HTML document that the browser prints as it is (`@page` A4, no margins); each card is also a standalone SVG.
/// Every text passes the one markup escaper.
public enum CardSheet {
    public static let cardWidth = 85.6
    public static let cardHeight = 54.0
    public static let pageWidth = 210.0
    public static let pageHeight = 297.0
    /// Width of the QR symbol without its quiet zone, in millimetres (at least 20 for the scanners).
    public static let symbolWidth = 22.0
    public static let quietZone = 4
    /// Cut marks start this far from the grid and are this long.
    static let markGap = 2.0
    static let markLength = 5.0

    /// Cards per page: 10 (two columns of five) or 8 (two columns of four).
    public enum Layout: Int, Sendable, CaseIterable {
        case eight = 8
        case ten = 10

        var columns: Int { 2 }
        var rows: Int { rawValue / columns }
        /// The grid is centred on the page.
        var origin: (x: Double, y: Double) {
            ((CardSheet.pageWidth - Double(columns) * CardSheet.cardWidth) / 2, (CardSheet.pageHeight - Double(rows) * CardSheet.cardHeight) / 2)
        }
    }

    /// The QR symbol of a payload, at level M.
    public static func code(_ payload: String) throws -> QRCode {
        do {
            return try QRCode(encoding: payload, errorCorrection: .medium)
        } catch {
            throw CardError.qrCode(error.userMessage)
        }
    }

    /// The printable document: a title for the browser's tab, pages of `layout` cards.
    public static func document(_ faces: [CardFace], title: String, layout: Layout = .ten) throws -> String {
        let pages = stride(from: 0, to: faces.count, by: layout.rawValue).map { Array(faces[$0..<min($0 + layout.rawValue, faces.count)]) }
        var html = """
            <!DOCTYPE html>
            <html lang="it"><head><meta charset="utf-8"><title>\(Markup.escape(title))</title>
            <style>
            @page { size: A4; margin: 0; }
            html, body { margin: 0; padding: 0; }
            .page { width: 210mm; height: 297mm; overflow: hidden; break-after: page; page-break-after: always; }
            .page:last-child { break-after: auto; page-break-after: auto; }
            .page > svg { display: block; }
            @media screen { body { background: #777; } .page { background: #fff; margin: 5mm auto; } }
            </style></head>
            <body>

            """
        for (index, page) in pages.enumerated() {
            html += "<section class=\"page\" aria-label=\"Pagina \(index + 1) di \(pages.count)\">"
            html += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"210mm\" height=\"297mm\" viewBox=\"0 0 210 297\">\n"
            html += cutMarks(layout)
            let origin = layout.origin
            for (slot, face) in page.enumerated() {
                let x = origin.x + Double(slot % layout.columns) * cardWidth
                let y = origin.y + Double(slot / layout.columns) * cardHeight
                let drawing = try card(face)
                html += "<g transform=\"translate(\(QRCodeSVG.length(x)) \(QRCodeSVG.length(y)))\">\(drawing)</g>\n"
            }
            html += "</svg></section>\n"
        }
        html += "</body></html>\n"
        return html
    }

    /// One card as a standalone SVG file, with a light outline to cut along.
    public static func standalone(_ face: CardFace) throws -> String {
        let w = QRCodeSVG.length(cardWidth), h = QRCodeSVG.length(cardHeight)
        let drawing = try card(face)
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(w)mm\" height=\"\(h)mm\" viewBox=\"0 0 \(w) \(h)\">\n"
            + "<title>\(Markup.escape("Tessera di \(face.surname) \(face.givenName)"))</title>\n"
            + "<rect x=\"0.1\" y=\"0.1\" width=\"\(QRCodeSVG.length(cardWidth - 0.2))\" height=\"\(QRCodeSVG.length(cardHeight - 0.2))\" "
            + "fill=\"#fff\" stroke=\"#bbb\" stroke-width=\"0.2\"/>\n"
            + drawing + "\n</svg>\n"
    }

    /// The card's drawing in millimetres from its top-left corner.
    static func card(_ face: CardFace) throws -> String {
        let code = try code(face.payload)
        let module = symbolWidth / Double(code.size)
        let side = module * Double(QRCodeSVG.side(code, quietZone: quietZone))
        let qrX = cardWidth - 2 - side
        let qrY = (cardHeight - side) / 2
        let textX = 5.0
        let textWidth = qrX - 1 - textX
        var out = "<rect width=\"\(QRCodeSVG.length(cardWidth))\" height=\"\(QRCodeSVG.length(cardHeight))\" fill=\"#fff\"/>"
        out += "<g font-family=\"DejaVu Sans, Arial, Helvetica, sans-serif\" fill=\"#000\">"
        out += text(face.municipality, x: textX, y: 8, size: 3.2, bold: true, width: textWidth)
        out += text(face.schoolYear.map { "Servizi scolastici · a.s. \($0)" } ?? "Servizi scolastici", x: textX, y: 12.5, size: 2.6, width: textWidth)
        out += "<line x1=\"\(QRCodeSVG.length(textX))\" y1=\"15\" x2=\"\(QRCodeSVG.length(textX + textWidth - 2))\" y2=\"15\" stroke=\"#000\" stroke-width=\"0.25\"/>"
        out += text(face.surname, x: textX, y: 23, size: 5, bold: true, width: textWidth)
        out += text(face.givenName, x: textX, y: 29.5, size: 4.4, width: textWidth)
        if let className = face.className {
            out += text("Classe \(className)", x: textX, y: 37, size: 3.4, bold: true, width: textWidth)
        }
        if let school = face.schoolName {
            out += text(school, x: textX, y: 42, size: 2.8, width: textWidth)
        }
        out += text("Tessera personale: mostrarla al servizio", x: textX, y: 49.5, size: 2.1, width: textWidth, fill: "#444")
        out += "</g>"
        out += QRCodeSVG.embedded(code, x: qrX, y: qrY, side: side, quietZone: quietZone, label: "QR della tessera")
        return out
    }

    /// One line of text, squeezed to `width` when it would overflow: the card cannot measure glyphs, so a line whose
    /// estimated width (0.62 em a character, a little wider in bold, as DejaVu Sans is on average) exceeds the room
    /// gets `textLength`, which scales it to fit instead of running under the QR code.
    static func text(_ content: String, x: Double, y: Double, size: Double, bold: Bool = false, width: Double, fill: String? = nil) -> String {
        let estimate = Double(content.count) * size * (bold ? 0.68 : 0.62)
        var attributes = "x=\"\(QRCodeSVG.length(x))\" y=\"\(QRCodeSVG.length(y))\" font-size=\"\(QRCodeSVG.length(size))\""
        if bold { attributes += " font-weight=\"bold\"" }
        if let fill { attributes += " fill=\"\(fill)\"" }
        if estimate > width { attributes += " textLength=\"\(QRCodeSVG.length(width))\" lengthAdjust=\"spacingAndGlyphs\"" }
        return "<text \(attributes)>\(Markup.escape(content))</text>"
    }

    /// Short lines in the margins continuing every cutting line of the grid, so the sheet can be cut with a guillotine
    /// without any line printed on the cards themselves.
    static func cutMarks(_ layout: Layout) -> String {
        let (x0, y0) = layout.origin
        let x1 = x0 + Double(layout.columns) * cardWidth
        let y1 = y0 + Double(layout.rows) * cardHeight
        var lines: [(Double, Double, Double, Double)] = []
        for column in 0...layout.columns {
            let x = x0 + Double(column) * cardWidth
            lines.append((x, y0 - markGap, x, y0 - markGap - markLength))
            lines.append((x, y1 + markGap, x, y1 + markGap + markLength))
        }
        for row in 0...layout.rows {
            let y = y0 + Double(row) * cardHeight
            lines.append((x0 - markGap, y, x0 - markGap - markLength, y))
            lines.append((x1 + markGap, y, x1 + markGap + markLength, y))
        }
        var out = "<g class=\"cut-marks\" stroke=\"#000\" stroke-width=\"0.2\">"
        for (ax, ay, bx, by) in lines {
            out += "<line x1=\"\(QRCodeSVG.length(ax))\" y1=\"\(QRCodeSVG.length(ay))\" x2=\"\(QRCodeSVG.length(bx))\" y2=\"\(QRCodeSVG.length(by))\"/>"
        }
        return out + "</g>\n"
    }
}
