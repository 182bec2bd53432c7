import Foundation
import Testing
@testable import SpuntaCLI

/// The terminal escaper: whatever text reaches a terminal is shown, never obeyed.
@Suite("The terminal escaper")
struct TerminalTextTests {
    /// Every class of character a terminal would obey, or that reorders what it shows.
    static let hostile: [(String, String)] = [
        ("ESC[2J clears the screen", "\u{1B}[2J"),
        ("ESC]0; sets the window title", "\u{1B}]0;Mensa\u{07}"),
        ("BEL", "\u{07}"),
        ("BS moves back", "x\u{08}"),
        ("CR returns to the start of the line", "\r"),
        ("LF forges a second line", "\nOK   Bianchi"),
        ("VT and FF", "\u{0B}\u{0C}"),
        ("NUL", "\u{00}"),
        ("DEL", "\u{7F}"),
        ("C1 CSI", "\u{9B}2J"),
        ("C1 NEL", "\u{85}"),
        ("bidi embeddings and overrides", "\u{202A}\u{202B}\u{202C}\u{202D}\u{202E}"),
        ("bidi isolates", "\u{2066}\u{2067}\u{2068}\u{2069}"),
    ]

    static let indices = Array(hostile.indices)

    @Test("in one line, every control and bidirectional character becomes U+FFFD, the rest stays", arguments: indices)
    func line(index: Int) {
        let (label, bad) = Self.hostile[index]
        let shown = TerminalText.line("Rossi" + bad + "Niccolò")
        #expect(shown.hasPrefix("Rossi") && shown.hasSuffix("Niccolò"), "\(label)")
        #expect(!shown.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) || (0x202A...0x202E).contains($0.value) || (0x2066...0x2069).contains($0.value) }, "\(label)")
        #expect(shown.contains("\u{FFFD}"), "\(label)")
        #expect(!shown.contains("\n"))
    }

    @Test("text of several lines keeps its line feeds; a tab in one line is a space")
    func lines() {
        #expect(TerminalText.lines("riga 1\nriga\t2\u{1B}[2J") == "riga 1\nriga\t2\u{FFFD}[2J")
        #expect(TerminalText.line("a\tb") == "a b")
        #expect(TerminalText.line("Niccolò D'Annunzio – 1ª A") == "Niccolò D'Annunzio – 1ª A")
    }

    @Test("a sink escapes what it writes, styled text included, and keeps its own codes", arguments: [true, false])
    func sink(isTerminal: Bool) {
        let sink = OutputSink.memory(isTerminal: isTerminal)
        sink.writeLine("Dieta: \u{1B}[2JCeliachia")
        sink.writeLine(sink.styled("!! \u{1B}[2J\u{202E}DIETA", .bold))
        sink.writeControl(ANSI.hideCursor)
        sink.bell()
        let expected = "Dieta: \u{FFFD}[2JCeliachia\n"
            + (isTerminal ? "\u{1B}[1m!! \u{FFFD}[2J\u{FFFD}DIETA\u{1B}[0m\n\u{1B}[?25l\u{07}" : "!! \u{FFFD}[2J\u{FFFD}DIETA\n")
        #expect(sink.text == expected)
    }

    @Test("a document goes to a file or a pipe as it is, and to a terminal escaped")
    func document() {
        let file = OutputSink.memory(isTerminal: false)
        let terminal = OutputSink.memory(isTerminal: true)
        for sink in [file, terminal] { sink.writeDocument("nome;note\nRossi;a\u{202E}b\n") }
        #expect(file.text == "nome;note\nRossi;a\u{202E}b\n")
        #expect(terminal.text == "nome;note\nRossi;a\u{FFFD}b\n")
    }

    @Test("table cells are escaped before they are measured, so columns still line up")
    func table() {
        var table = TextTable(columns: [.init("Nome"), .init("Dieta")])
        table.addRow(["Rossi\nOK", "\u{1B}[2JCeliachia"])
        let lines = table.lines(width: 40)
        #expect(lines.count == 3)
        #expect(lines[2] == "Rossi\u{FFFD}OK  \u{FFFD}[2JCeliachia")
    }

    @Test("JSON lines escape DEL, C1 and bidirectional controls, so the data arrive whole and a terminal obeys none")
    func json() throws {
        struct Row: Encodable { var name: String }
        let line = try JSONOutput().line(Row(name: "a\u{1B}b\u{9B}c\u{202E}d\u{7F}"))
        #expect(line == #"{"name":"a\u001bb\u009bc\u202ed\u007f"}"#)
        let decoded = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String]
        #expect(decoded?["name"] == "a\u{1B}b\u{9B}c\u{202E}d\u{7F}")
    }
}
