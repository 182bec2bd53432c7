import Testing
import SpuntaCLI

@Suite("Text width by grapheme")
struct TextWidthTests {
    @Test("accented Italian letters are one column, precomposed or combining", arguments: [
        ("Niccolò", 7), ("Nicolo\u{300}", 6), ("perché", 6), ("È già così", 10), ("", 0), ("a\tb", 2),
    ])
    func widths(text: String, width: Int) {
        #expect(TextWidth.of(text) == width)
    }

    @Test("the tail of a long text keeps its end in view, within the width, wide characters included")
    func tail() {
        #expect(TextWidth.tail("febbre", to: 10) == "febbre")
        #expect(TextWidth.tail("febbre alta da due giorni", to: 10) == "…ue giorni")
        #expect(TextWidth.of(TextWidth.tail("febbre alta da due giorni", to: 10)) <= 10)
        #expect(TextWidth.tail("日本日本", to: 5) == "…日本")
        #expect(TextWidth.tail("abc", to: 0) == "")
    }

    @Test("wide characters and emoji take two columns")
    func wide() {
        #expect(TextWidth.of("日本") == 4)
        #expect(TextWidth.of("🍝") == 2)
        #expect(TextWidth.of("⚠️") == 2)
        #expect(TextWidth.of("👩‍🍳") == 2)
    }

    @Test("truncation cuts whole graphemes and ends with an ellipsis", arguments: [
        ("Niccolò Bianchi", 8, "Niccolò…"),
        ("Nicolo\u{300} Bianchi", 7, "Nicolo\u{300}…"),
        ("Rossi", 5, "Rossi"),
        ("Rossi", 10, "Rossi"),
        ("Rossi", 1, "…"),
        ("Rossi", 0, ""),
        ("日本語", 4, "日…"),
    ])
    func truncation(text: String, width: Int, expected: String) {
        let cut = TextWidth.truncate(text, to: width)
        #expect(cut == expected)
        #expect(TextWidth.of(cut) <= width)
    }

    @Test("padding counts columns, not bytes")
    func padding() {
        #expect(TextWidth.pad("più", to: 5) == "più  ")
        #expect(TextWidth.pad("12", to: 5, alignment: .right) == "   12")
        #expect(TextWidth.pad("troppo lungo", to: 3) == "troppo lungo")
    }

    @Test("wrapping breaks at spaces within the width and keeps long words whole")
    func wrapping() {
        #expect(TextWidth.wrap("la mensa è aperta dalle dodici", width: 12)
            == ["la mensa è", "aperta dalle", "dodici"])
        #expect(TextWidth.wrap("precipitevolissimevolmente sì", width: 10) == ["precipitevolissimevolmente", "sì"])
        #expect(TextWidth.wrap("uno\n\ndue", width: 10) == ["uno", "", "due"])
    }

    @Test("a block wrapped with a lead keeps every character, stays within the width, and lines up under the text")
    func wrappingWithLead() {
        let allergens = "DIETA CELIACHIA (SENZA GLUTINE): GLUTINE"
        let lines = TextWidth.wrap(allergens, width: 40, lead: "  !! ", indent: 5)
        #expect(lines == ["  !! DIETA CELIACHIA (SENZA GLUTINE):", "     GLUTINE"])
        let reason = "Tessera revocata il 02/10/2026: usare quella nuova."
        #expect(TextWidth.wrap(reason, width: 40, lead: "NO   ", indent: 5) == ["NO   Tessera revocata il 02/10/2026:", "     usare quella nuova."])
    }

    @Test("accented letters count one column each, whether precomposed or combining", arguments: ["Niccolò Mazzà", "Nicco\u{301}lo\u{300} Mazza\u{300}"])
    func wrappingAccents(_ name: String) {
        // 5 + 13 = 18 columns: exactly the width, so it stays on one line.
        let lines = TextWidth.wrap(name, width: 18, lead: "OK   ", indent: 5)
        #expect(lines.count == 1)
        #expect(TextWidth.of(lines[0]) == 18)
        #expect(TextWidth.wrap(name + " (1A)", width: 18, lead: "OK   ", indent: 5).count == 2)
    }

    @Test("a word longer than a line is split, never cut, and every line fits", arguments: [40, 24, 12])
    func wrappingLongWord(_ width: Int) {
        let text = "Codice SPUNTA1:PYB1DR5ZQ2Y48PX0RQDFZ09G6 sconosciuto: cercare con ?nome."
        let lines = TextWidth.wrap(text, width: width, lead: "NO   ", indent: 5)
        #expect(lines.allSatisfy { TextWidth.of($0) <= width }, "\(lines)")
        #expect(lines.first?.hasPrefix("NO   ") == true)
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix("     ") && !$0.hasPrefix("      ") }, "\(lines)")
        let rejoined = lines.map { $0.dropFirst(5) }.joined()
        #expect(rejoined.filter { $0 != " " } == text.filter { $0 != " " })
    }
}
