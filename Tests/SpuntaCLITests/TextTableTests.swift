import Testing
import SpuntaCLI

@Suite("Text tables")
struct TextTableTests {
    func sample() -> TextTable {
        var table = TextTable(columns: [
            .init("Fruitore"), .init("Classe"), .init("Dieta"), .init("Pasti", alignment: .right),
        ])
        table.addRow(["Niccolò Bianchi", "1A", "senza glutine", "12"])
        table.addRow(["Zoe Russo", "2B", "", "7"])
        table.addRow(["Nicolo\u{300} Esposito-Ferrarè", "5C", "vegetariana", "105"])
        return table
    }

    @Test("columns line up by grapheme, numbers to the right, no trailing spaces")
    func natural() {
        let expected = """
            Fruitore                 Classe  Dieta          Pasti
            -----------------------  ------  -------------  -----
            Niccolò Bianchi          1A      senza glutine     12
            Zoe Russo                2B                         7
            Nicolò Esposito-Ferrarè  5C      vegetariana      105
            """
        #expect(sample().render() == expected.replacingOccurrences(of: "Nicolò", with: "Nicolo\u{300}"))
    }

    @Test("a table fits 40 columns by shrinking its widest columns with an ellipsis")
    func fitsForty() {
        let lines = sample().lines(width: 40)
        for line in lines {
            #expect(TextWidth.of(line) <= 40, "«\(line)»")
        }
        #expect(lines[2] == "Niccolò Bi…  1A      senza gluti…     12")
        #expect(lines[3] == lines[3].trimmingTrailingSpaces)
        let widths = sample().columnWidths(fitting: 40)
        #expect(widths.reduce(0, +) + 2 * 3 == 40)
    }

    @Test("column maximum widths cut cells even on a wide screen")
    func maxWidth() {
        var table = TextTable(columns: [.init("Nome", maxWidth: 6), .init("Codice")])
        table.addRow(["Beatrice", "AB12"])
        #expect(table.lines() == ["Nome    Codice", "------  ------", "Beatr…  AB12"])
    }

    @Test("short rows are padded, long rows cut, and the header can be left out")
    func rowShapes() {
        var table = TextTable("A", "B")
        table.showsHeader = false
        table.addRow(["1"])
        table.addRow(["2", "3", "4"])
        #expect(table.rows == [["1", ""], ["2", "3"]])
        #expect(table.render() == "1\n2  3")
    }

    @Test("a table too narrow to shrink further keeps its minimum widths")
    func minimum() {
        var table = TextTable(columns: [.init("Nome", minWidth: 4), .init("Cognome", minWidth: 4)])
        table.addRow(["Giovanni", "Bianchi"])
        #expect(table.columnWidths(fitting: 5) == [4, 4])
    }
}

extension String {
    var trimmingTrailingSpaces: String {
        var copy = self
        while copy.last == " " { copy.removeLast() }
        return copy
    }
}
