import Foundation
import Testing
@testable import SpuntaBilling
import SpuntaDomain
import SpuntaStore
import SpuntaTestSupport

@Suite("QR code on the printed pagoPA notice")
struct NoticeQRCodeTests {
    @Test("each issued notice carries an inline SVG QR code, 25 mm wide, that reads back as its payload printed underneath")
    func issuedNoticesCarryTheQRCode() throws {
        let c = try SmallComune()
        try c.merge(c.goldenOctober())
        _ = try c.run(SmallComune.october)
        _ = try c.queue.write { db in
            try StatementDesk.issue(db, period: SmallComune.october, payer: nil, dueDate: LocalDate("2026-12-15"), actor: "t", now: SmallComune.now)
        }
        let statements = try c.queue.read { try StatementDesk.statements($0, period: SmallComune.october, payer: nil, status: nil) }
        let payloads = statements.compactMap(\.qrPayload)
        #expect(payloads.count == 4)
        let html = StatementHTML.render(statements, municipality: try #require(SmallComune.data().municipality))

        let boxes = html.components(separatedBy: "<div class=\"qrbox\">").dropFirst()
        #expect(boxes.count == payloads.count)
        #expect(html.components(separatedBy: "<svg").count - 1 == payloads.count)
        for (box, payload) in zip(boxes, payloads) {
            let svgEnd = try #require(box.range(of: "</svg>"))
            let svg = String(box[..<svgEnd.upperBound])
            #expect(svg.hasPrefix("<svg "))
            #expect(svg.contains("width=\"25mm\" height=\"25mm\"") && svg.contains("shape-rendering=\"crispEdges\""))
            #expect(box[svgEnd.upperBound...].hasPrefix("<p class=\"qr\">\(payload)</p>"), "the payload stays printed underneath")
            let decoded = try #require(SVGModules(svg)).decode()
            #expect(decoded.bytes == Array(payload.utf8))
            #expect(decoded.level == "M" && decoded.version == 3)
        }
    }

    @Test("a draft has no notice and so no QR code")
    func draftsHaveNone() throws {
        let c = try SmallComune()
        try c.merge(c.goldenOctober())
        _ = try c.run(SmallComune.october)
        let statements = try c.queue.read { try StatementDesk.statements($0, period: SmallComune.october, payer: nil, status: nil) }
        let html = StatementHTML.render(statements, municipality: try #require(SmallComune.data().municipality))
        #expect(html.contains("BOZZA"))
        #expect(!html.contains("<svg"))
    }

    @Test("the printed issue date is the day in Rome, not in UTC: issued at 00:30 on 2 November, it says 02/11/2026")
    func issueDateInRome() throws {
        let c = try SmallComune()
        try c.merge(c.goldenOctober())
        _ = try c.run(SmallComune.october)
        let justAfterMidnight = BusinessCalendar.instant(date: LocalDate("2026-11-02")!, time: LocalTime("00:30")!)
        _ = try c.queue.write { db in
            try StatementDesk.issue(db, period: SmallComune.october, payer: "PA", dueDate: nil, actor: "t", now: justAfterMidnight)
        }
        let statement = try c.statement("PA", SmallComune.october)
        #expect(statement.issuedAt?.hasPrefix("2026-11-01T23:30") == true, "stored in UTC")
        let html = StatementHTML.render([statement], municipality: try #require(SmallComune.data().municipality))
        #expect(html.contains("emesso il 02/11/2026"))
        #expect(html.contains("entro il <strong>02/12/2026</strong>"))
    }
}
