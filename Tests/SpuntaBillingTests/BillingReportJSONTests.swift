import Foundation
import SpuntaCLI
import Testing
@testable import SpuntaBilling

/// `billing run --json` prints its report from text written by hand (`Report.jsonText`) rather than through
/// `JSONEncoder`, which took a quarter of a second for a city's month: the bytes must be the encoder's, whatever the
/// report holds.
@Suite("billing run's JSON report")
struct BillingReportJSONTests {
    /// Every ASCII character, the slash, accents, an emoji, a decomposed accent, DEL, a C1 control, a line separator
    /// and a bidirectional override: what escaping could treat differently.
    static let awkward = String(String.UnicodeScalarView((0...0x7F).compactMap(Unicode.Scalar.init)))
        + "/ à «pasto» — 😀 e\u{301} \u{85} \u{2028} \u{202E}"

    static let reports: [BillingRun.Report] = {
        var empty = BillingRun.Report(period: "2026-10")
        empty.statements = 0
        var full = BillingRun.Report(period: "2026/10 \(awkward)")
        full.statements = 64_364
        full.statementsTotalCents = Int64.max
        full.frozenSkipped = 1
        full.conguaglioLines = 2
        full.prepaidDebits = 3
        full.prepaidCorrections = 4
        full.prepaidLate = 5
        full.lowBalanceAlerts = 6
        full.charges = 119_213
        full.notBilled = ["Pasto del 16/10/2026 non addebitato: \"chiuso\"", "", awkward]
        full.registerScanMismatches = 618
        full.scannedButNotBooked = 7
        full.heldStatements = 8
        full.prepaidHeld = 9
        full.splits = [
            .init(beneficiaryId: "B0035", serviceId: "MENSA-RODARI", payers: [
                .init(payerId: "P0030", percent: 70, amountCents: 350), .init(payerId: "P0031", percent: 30, amountCents: -150),
            ]),
            .init(beneficiaryId: awkward, serviceId: "S/1", payers: []),
            .init(beneficiaryId: "B1", serviceId: "MENSA", payers: [.init(payerId: awkward, percent: 100, amountCents: Int64.min)]),
        ]
        return [empty, full]
    }()

    @Test("the report written by hand is the text JSONEncoder writes with JSONOutput's settings, byte for byte", arguments: reports)
    func sameBytesAsTheEncoder(report: BillingRun.Report) throws {
        let encoded = try JSONOutput.makeEncoder().encode(report)
        // Compared as bytes: two strings equal for Swift may differ in their bytes (a decomposed accent).
        #expect(Array(report.jsonText.utf8) == Array(encoded))
        let byEncoder = OutputSink.memory(), byHand = OutputSink.memory()
        try JSONOutput().write(report, to: byEncoder)
        JSONOutput().write(encoded: report.jsonText, to: byHand)
        #expect(Array(byHand.text.utf8) == Array(byEncoder.text.utf8))
    }
}
