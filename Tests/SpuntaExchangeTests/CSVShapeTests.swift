import Foundation
import Testing
@testable import SpuntaExchange

/// CSV files as offices' spreadsheets save them: each shape is read to the same cells, or refused with the
/// name of its encoding — never read into wrong letters without a word.
@Suite("CSV files as spreadsheets save them")
struct CSVShapeTests {
    static let header = ["id", "surname", "given-name"]
    static let cells = [["P1", "Niccolò", "Zoë"], ["P2", "D'Annunzio", "Gabriele; detto \"il Vate\""]]

    /// How one spreadsheet writes the two rows above.
    struct Shape: CustomTestStringConvertible, Sendable {
        let name: String
        let separator: String
        let newline: String
        let bom: Bool
        let windows1252: Bool

        var testDescription: String { name }

        var bytes: Data {
            func quoted(_ cell: String) -> String {
                cell.contains(separator) || cell.contains("\"") ? "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : cell
            }
            let rows = [CSVShapeTests.header] + CSVShapeTests.cells
            let text = rows.map { $0.map(quoted).joined(separator: separator) }.joined(separator: newline) + newline
            if windows1252 {
                // Latin-1 letters are single bytes in Windows-1252 (ò = 0xF2, ë = 0xEB).
                return Data(text.unicodeScalars.map { UInt8($0.value) })
            }
            return (bom ? Data([0xEF, 0xBB, 0xBF]) : Data()) + Data(text.utf8)
        }
    }

    static let shapes: [Shape] = [
        Shape(name: "semicolons, LF (LibreOffice)", separator: ";", newline: "\n", bom: false, windows1252: false),
        Shape(name: "commas, LF", separator: ",", newline: "\n", bom: false, windows1252: false),
        Shape(name: "semicolons, CRLF, BOM (Excel «CSV UTF-8»)", separator: ";", newline: "\r\n", bom: true, windows1252: false),
        Shape(name: "commas, CRLF, BOM", separator: ",", newline: "\r\n", bom: true, windows1252: false),
        Shape(name: "semicolons, CR only (old Mac)", separator: ";", newline: "\r", bom: false, windows1252: false),
        Shape(name: "semicolons, CRLF, Windows-1252 (Excel «CSV separato da ;»)", separator: ";", newline: "\r\n", bom: false, windows1252: true),
    ]

    @Test("every shape reads to the same header and cells", arguments: shapes)
    func shapeReads(shape: Shape) throws {
        let table = try CSVTable.parse(shape.bytes, file: "payers.csv", allowWindows1252: true).get()
        #expect(table.header == Self.header)
        #expect(table.records.map(\.fields) == Self.cells)
        #expect(table.records.map(\.line) == [2, 3])
        #expect(table.encoding == (shape.windows1252 ? .windows1252 : .utf8))
        #expect(table.firstNonASCIICell == CSVTable.Example(line: 2, text: "Niccolò"))
    }

    @Test("a Windows-1252 file is refused, naming the encoding, where the caller does not accept it")
    func windows1252Refused() throws {
        let shape = Self.shapes.last!
        let result = CSVTable.parse(shape.bytes, file: "pagamenti.csv")
        guard case .failure(let problem) = result else {
            Issue.record("read without a word")
            return
        }
        #expect(problem.message.contains("Windows-1252"))
        #expect(problem.message.contains("0xF2"))
        #expect(problem.location.line == 2)
    }

    static func utf16(_ text: String) -> Data {
        Data(text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
    }

    static let otherEncodingCases: [(Data, String)] = [
        // UTF-16 little endian with its mark, as Excel's «Testo Unicode».
        (Data([0xFF, 0xFE]) + utf16("id;name\r\n"), "UTF-16"),
        // UTF-16 without a mark.
        (utf16("id;name\nP1;Rossi\n"), "UTF-16"),
        // 0x81 is undefined in Windows-1252: some other code page (here CP850's ü).
        (Data("id;name\nP1;M".utf8) + Data([0x81]) + Data("ller\n".utf8), "né in Windows-1252"),
        // UTF-8 and Windows-1252 in one file (pasted together): either reading would spoil half of it.
        (Data("id;name\nP1;Niccolò\nP2;Citt".utf8) + Data([0xE0]) + Data("\n".utf8), "mescola due codifiche"),
        (Data([0x50, 0x4B, 0x03, 0x04, 0x00, 0x00, 0x14, 0x00]), "binario"),
    ]

    @Test("files in another encoding are refused with its name, never read into wrong letters", arguments: otherEncodingCases)
    func otherEncodings(bytes: Data, named: String) throws {
        let result = CSVTable.parse(bytes, file: "payers.csv", allowWindows1252: true)
        guard case .failure(let problem) = result else {
            Issue.record("read without a word: \(bytes as NSData)")
            return
        }
        #expect(problem.message.contains(named), "\(problem)")
        #expect(problem.message.contains("UTF-8"), "the message says what to save the file as: \(problem)")
    }

    static let utf8Cases: [([UInt8], Int?)] = [
        ([0x41, 0xC3, 0xB2], nil),
        ([0xF0, 0x9F, 0x98, 0x80], nil),
        ([0xC0, 0xAF], 0),
        ([0xED, 0xA0, 0x80], 0),
        ([0x41, 0xE2, 0x82], 1),
        ([0xF4, 0x90, 0x80, 0x80], 0),
    ]

    @Test("the reader knows valid UTF-8 from overlong forms, surrogates and cut sequences", arguments: utf8Cases)
    func utf8Validation(bytes: [UInt8], invalidAt: Int?) {
        #expect(TextDecoding.firstInvalidUTF8(bytes) == invalidAt)
    }
}
