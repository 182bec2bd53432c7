import Foundation
import Testing
@testable import SpuntaDomain
@testable import SpuntaExchange

/// Names, classes and diets reach the canteen's screen and the office's spreadsheets: a control character or a
/// bidirectional control in any text field of the exchange file is refused with its file, line and field.
@Suite("Hostile text in the exchange file")
struct HostileTextTests {
    /// Every class of character refused: C0 controls (the terminal's escape sequences, line ends, tab, bell,
    /// backspace), DEL, C1 controls (NEL, CSI) and the bidirectional embeddings, overrides and isolates.
    static let hostile: [(String, String)] = [
        ("ESC[2J, clear screen", "\u{1B}[2J"),
        ("ESC]0; window title", "\u{1B}]0;x\u{07}"),
        ("BEL", "\u{07}"),
        ("BS", "\u{08}"),
        ("tab", "\t"),
        ("line feed", "\n"),
        ("carriage return", "\r"),
        ("DEL", "\u{7F}"),
        ("C1 NEL", "\u{85}"),
        ("C1 CSI", "\u{9B}2J"),
        ("LRE", "\u{202A}"), ("RLE", "\u{202B}"), ("PDF", "\u{202C}"), ("LRO", "\u{202D}"), ("RLO", "\u{202E}"),
        ("LRI", "\u{2066}"), ("RLI", "\u{2067}"), ("FSI", "\u{2068}"), ("PDI", "\u{2069}"),
    ]

    static let indices = Array(hostile.indices)

    /// One CSV file per free-text field of the kinds offices keep in spreadsheets, with `bad` inside the field.
    static func csvFiles(_ bad: String) -> [(file: String, field: String, text: String)] {
        func q(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        return [
            ("diets.csv", "name", "id;name;allergens;notes\nD1;\(q("Celiachia\(bad)bis"));gluten;\n"),
            ("classes.csv", "name", "id;site;year;name;teachers\nC1;S1;Y;\(q("1\(bad)A"));\n"),
            ("classes.csv", "teachers", "id;site;year;name;teachers\nC1;S1;Y;1A;\(q("Rossi\(bad)Maria"))\n"),
            ("sites.csv", "address", "id;name;address\nS1;Rodari;\(q("Via Roma\(bad)1"))\n"),
            ("payers.csv", "surname", "id;fiscal-code;surname;given-name\nP1;RSSMRA85T10A562S;\(q("Ros\(bad)si"));Mario\n"),
            ("beneficiaries.csv", "given-name",
             "id;fiscal-code;surname;given-name;birth-date;payer\nB1;RSSMRA85T10A562S;Rossi;\(q("Ma\(bad)rio"));1985-12-10;P1\n"),
            ("routes.csv", "name", "id;service;name\nL1;BUS;\(q("Linea\(bad)1"))\n"),
            ("stops.csv", "name", "route;id;name;outbound;return\nL1;L1-01;\(q("Piazza\(bad)Grande"));07:30;16:30\n"),
            ("tariffs.csv", "name",
             "id;service;name;unit;valid-from;price-without-isee;bands\nT1;M;\(q("Pasto\(bad)x"));meal;2026-09-01;5.00;*=5.00\n"),
        ]
    }

    /// Where a line break or a tab in a descriptive field (address, notes) is folded, not refused.
    static func folds(_ bad: String, field: String) -> Bool {
        ["\t", "\n", "\r"].contains(bad) && ["address", "notes"].contains(field)
    }

    @Test("a hostile character in any text field of a CSV is refused with the file, the line and the field", arguments: indices)
    func csv(index: Int) throws {
        let (label, bad) = Self.hostile[index]
        for (file, field, text) in Self.csvFiles(bad) where !Self.folds(bad, field: field) {
            let document = ExchangeReader.read(files: [(name: file, data: Data(text.utf8))])
            let problem = document.problems.first { $0.message.contains("«\(field)»") && $0.message.contains("carattere non ammesso") }
            #expect(problem?.location == SourceLocation(file: file, line: 2), "\(label) in \(file) \(field): \(document.problems)")
            #expect(document.records.count(of: document.present.first ?? .sites) == 0, "\(label) in \(file): the record was kept")
            // The message names the character and never carries it.
            #expect(problem.map { UnsafeCharacters.first(in: $0.message) == nil } == true, "\(problem?.message ?? "")")
            #expect(problem?.message.contains("U+") == true)
        }
    }

    @Test("a hostile character in an attribute of the XML file is refused with the line and the attribute", arguments: [
        ("&#9;", "tab"), ("&#10;", "line feed"), ("&#13;", "carriage return"), ("&#x7F;", "DEL"), ("&#x85;", "NEL"),
        ("&#x9B;", "CSI"), ("&#x202E;", "RLO"), ("\u{202E}", "RLO as it is"), ("&#x2066;", "LRI"), ("\u{2069}", "PDI as it is"),
    ])
    func xml(reference: String, label: String) throws {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <spunta-exchange version="1">
              <diets>
                <diet id="D1" name="Celiachia" allergens="gluten" notes=""/>
                <diet id="D2" name="Senza\(reference)latte" allergens="milk" notes=""/>
              </diets>
            </spunta-exchange>
            """
        let document = ExchangeReader.read(files: [(name: "comune.xml", data: Data(xml.utf8))])
        let problem = document.problems.first { $0.message.contains("«name»") }
        #expect(problem?.location == SourceLocation(file: "comune.xml", line: 5), "\(label): \(document.problems)")
        #expect(problem?.message.hasPrefix("dieta D2: carattere non ammesso U+") == true, "\(problem?.message ?? "")")
        #expect(document.records.diets.map(\.id) == ["D1"])
    }

    @Test("a line break or a tab in an address or in a diet's notes (Alt+Invio in a cell) is folded into a space")
    func folded() throws {
        let text = "id;name;allergens;notes\nD1;Celiachia;gluten;\"Niente glutine.\r\nAnche\tnel pane.\"\n"
        let document = ExchangeReader.read(files: [(name: "diets.csv", data: Data(text.utf8))])
        #expect(document.problems.isEmpty, "\(document.problems)")
        #expect(document.records.diets.first?.notes == "Niente glutine. Anche nel pane.")
        let escape = "id;name;allergens;notes\nD1;Celiachia;gluten;\"Niente\u{1B}[2J glutine\"\n"
        let refused = ExchangeReader.read(files: [(name: "diets.csv", data: Data(escape.utf8))])
        #expect(refused.problems.contains { $0.message.contains("«notes»") && $0.location.line == 2 })
    }

    @Test("a column name with a control character is reported visibly, not printed as it is")
    func header() throws {
        let text = "id;name;\u{1B}[2Jallergens\nD1;Celiachia;gluten\n"
        let document = ExchangeReader.read(files: [(name: "diets.csv", data: Data(text.utf8))])
        let problem = try #require(document.problems.first { $0.message.contains("campo sconosciuto") })
        #expect(problem.message.contains("[U+001B][2jallergens") || problem.message.contains("[U+001B][2Jallergens"), "\(problem)")
        #expect(UnsafeCharacters.first(in: problem.message) == nil)
    }
}
