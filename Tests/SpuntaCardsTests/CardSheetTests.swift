import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import SpuntaCards
import SpuntaDomain
import SpuntaMarkup
import SpuntaTestSupport

@Suite("Card sheets: what is printed on a card and where")
struct CardSheetTests {
    static func face(_ surname: String = "Rossi", given: String = "Giulia", id: CardID = CardID.random()) -> CardFace {
        CardFace(beneficiaryId: "B0001", surname: surname, givenName: given, className: "1A", schoolName: "Scuola primaria «Gianni Rodari»",
                 schoolYear: "2026/27", municipality: "Comune di Valmarina", cardId: id.text, payload: CardPayload.encode(id))
    }

    /// The nested `<svg x y width height viewBox>` of the QR code inside a card's drawing.
    static func qrBox(_ drawing: String) throws -> (width: Double, modules: Int, svg: String) {
        let start = try #require(drawing.range(of: "<svg x=\""))
        let end = try #require(drawing[start.lowerBound...].range(of: "</svg>"))
        let svg = String(drawing[start.lowerBound..<end.upperBound])
        let width = try #require(svg.range(of: "width=\"").flatMap { r in svg[r.upperBound...].split(separator: "\"").first }.flatMap { Double($0) })
        let modules = try #require(svg.range(of: "viewBox=\"0 0 ").flatMap { r in svg[r.upperBound...].split(separator: " ").first }.flatMap { Int($0) })
        return (width, modules, svg)
    }

    @Test("the QR symbol is at least 20 mm wide inside a 4-module quiet zone, and reads back as the payload")
    func qrSize() throws {
        let face = Self.face()
        let drawing = try CardSheet.card(face)
        let box = try Self.qrBox(drawing)
        let code = try CardSheet.code(face.payload)
        #expect(box.modules == code.size + 8)
        let module = box.width / Double(box.modules)
        #expect(module * Double(code.size) >= 20, "symbol \(module * Double(code.size)) mm")
        let decoded = try #require(SVGModules(box.svg)).decode(quietZone: 4)
        #expect(decoded.bytes == Array(face.payload.utf8))
        // The quiet zone and the symbol stay inside the card.
        #expect(box.width <= CardSheet.cardHeight && box.width + 2 < CardSheet.cardWidth / 2)
    }

    @Test("a card names the child, class, school, school year and Comune, escaped, and nothing else about the child")
    func face() throws {
        let hostile = Self.face("D'Angelo <Rossi> & figli", given: "Anna \"Maria\"")
        let drawing = try CardSheet.card(hostile)
        #expect(drawing.contains("D&#39;Angelo &lt;Rossi&gt; &amp; figli"))
        #expect(drawing.contains("Anna &quot;Maria&quot;"))
        #expect(drawing.contains("Classe 1A") && drawing.contains("Scuola primaria «Gianni Rodari»"))
        #expect(drawing.contains("a.s. 2026/27") && drawing.contains("Comune di Valmarina"))
        #expect(!drawing.contains("<Rossi>"))
        #expect(!drawing.contains("B0001"), "the child's id is the office's, not printed")
    }

    @Test("a name too long for its line is squeezed to the room left of the QR code, a short one is not")
    func longNames() throws {
        let long = try CardSheet.card(Self.face("Dell'Acqua Bianchi Scarpellini Montalcino", given: "Maria"))
        let short = try CardSheet.card(Self.face("Re", given: "Ada"))
        #expect(long.contains("lengthAdjust=\"spacingAndGlyphs\">Dell&#39;Acqua"))
        #expect(!short.contains("lengthAdjust=\"spacingAndGlyphs\">Re<"))
    }

    @Test("pages are A4 with 8 or 10 cards edge to edge, centred, and cut marks along every cutting line", arguments: CardSheet.Layout.allCases)
    func pages(layout: CardSheet.Layout) throws {
        let faces = (0..<23).map { _ in Self.face() }
        let html = try CardSheet.document(faces, title: "Tessere <1A>", layout: layout)
        let pages = (23 + layout.rawValue - 1) / layout.rawValue
        #expect(html.contains("@page { size: A4; margin: 0; }"))
        #expect(html.contains("<title>Tessere &lt;1A&gt;</title>"))
        #expect(html.components(separatedBy: "<section class=\"page\"").count - 1 == pages)
        #expect(html.components(separatedBy: "width=\"210mm\" height=\"297mm\" viewBox=\"0 0 210 297\"").count - 1 == pages)
        #expect(html.components(separatedBy: "<g transform=\"translate(").count - 1 == 23)
        // Two marks per vertical line (3) and per horizontal line (rows + 1), on every page.
        let marks = html.components(separatedBy: "<g class=\"cut-marks\"").dropFirst().map { $0.prefix { $0 != "\n" }.components(separatedBy: "<line").count - 1 }
        #expect(marks == Array(repeating: 2 * 3 + 2 * (layout.rawValue / 2 + 1), count: pages))
        let origin = layout.origin
        #expect(origin.x > 10 && origin.y > 10, "marks fit in the margins")
        #expect(html.contains("translate(\(QRCodeSVG.length(origin.x)) \(QRCodeSVG.length(origin.y)))"))
        let last = origin.y + Double(layout.rawValue / 2 - 1) * CardSheet.cardHeight
        #expect(html.contains("translate(\(QRCodeSVG.length(origin.x + CardSheet.cardWidth)) \(QRCodeSVG.length(last)))"))
    }

    @Test("a standalone card is an SVG of 85.6 × 54 mm holding the same drawing")
    func standalone() throws {
        let face = Self.face()
        let svg = try CardSheet.standalone(face)
        #expect(svg.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"85.6mm\" height=\"54mm\" viewBox=\"0 0 85.6 54\">"))
        #expect(svg.contains(try CardSheet.card(face)))
        #expect(XMLParser(data: Data(svg.utf8)).parse(), "well-formed XML")
    }
}
