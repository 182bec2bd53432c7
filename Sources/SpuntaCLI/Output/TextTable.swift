/// Rows of text in aligned columns for the terminal (elenchi: fruitori, dispositivi, movimenti).
/// Widths are counted in terminal columns by grapheme, so accented names line up; a table wider than
/// the screen shrinks its widest columns and cuts their cells with an ellipsis.
///
/// ```swift
/// var table = TextTable(columns: [.init("Fruitore"), .init("Classe"), .init("Pasti", alignment: .right)])
/// table.addRow(["Niccolò Bianchi", "1A", "12"])
/// context.print(table.render(width: context.terminalWidth))
/// ```
public struct TextTable: Sendable {
    /// One column: its heading, alignment and width limits.
    public struct Column: Sendable {
        public var title: String
        public var alignment: TextAlignment
        /// Cells are cut to this many columns even when the screen is wide.
        public var maxWidth: Int?
        /// Shrinking to fit the screen stops here.
        public var minWidth: Int

        public init(_ title: String, alignment: TextAlignment = .left, maxWidth: Int? = nil, minWidth: Int = 4) {
            self.title = title
            self.alignment = alignment
            self.maxWidth = maxWidth
            self.minWidth = max(1, minWidth)
        }
    }

    public var columns: [Column]
    public private(set) var rows: [[String]] = []
    /// Between two columns.
    public var separator = "  "
    /// Whether the first lines are the titles and a rule under them.
    public var showsHeader = true
    /// The character of the rule under the titles; nil for no rule.
    public var headerRule: Character? = "-"

    public init(columns: [Column]) {
        self.columns = columns
    }

    /// A table of left-aligned columns with these titles.
    public init(_ titles: String...) {
        columns = titles.map { Column($0) }
    }

    /// Adds a row; missing cells are empty, cells beyond the columns are dropped. Each cell passes the terminal
    /// escaper first, so that widths count what the terminal will show.
    public mutating func addRow(_ cells: [String]) {
        var row = cells.prefix(columns.count).map { TerminalText.line($0) }
        row.append(contentsOf: repeatElement("", count: columns.count - row.count))
        rows.append(row)
    }

    /// The width of each column once the table is fitted into `width` terminal columns (nil: no limit).
    public func columnWidths(fitting width: Int? = nil) -> [Int] {
        var widths = columns.enumerated().map { index, column -> Int in
            var natural = showsHeader ? TextWidth.of(column.title) : 0
            for row in rows { natural = max(natural, TextWidth.of(row[index])) }
            if let maxWidth = column.maxWidth { natural = min(natural, maxWidth) }
            return natural
        }
        guard let width else { return widths }
        let separators = TextWidth.of(separator) * max(0, columns.count - 1)
        var total = widths.reduce(separators, +)
        while total > width {
            // Shrink the widest column that can still give up a column.
            guard let widest = widths.indices
                .filter({ widths[$0] > columns[$0].minWidth })
                .max(by: { widths[$0] < widths[$1] }) else { break }
            widths[widest] -= 1
            total -= 1
        }
        return widths
    }

    /// The table as lines, fitted into `width` terminal columns when given. Lines carry no trailing spaces.
    public func lines(width: Int? = nil) -> [String] {
        let widths = columnWidths(fitting: width)
        var lines: [String] = []
        if showsHeader {
            lines.append(line(columns.map(\.title), widths: widths))
            if let headerRule {
                lines.append(widths.map { String(repeating: headerRule, count: $0) }.joined(separator: separator))
            }
        }
        for row in rows {
            lines.append(line(row, widths: widths))
        }
        return lines
    }

    /// The table as text, lines separated by newlines, with no newline at the end.
    public func render(width: Int? = nil) -> String {
        lines(width: width).joined(separator: "\n")
    }

    private func line(_ cells: [String], widths: [Int]) -> String {
        var parts: [String] = []
        for (index, cell) in cells.enumerated() {
            let text = TextWidth.truncate(cell, to: widths[index])
            parts.append(TextWidth.pad(text, to: widths[index], alignment: columns[index].alignment))
        }
        var line = parts.joined(separator: separator)
        while line.last == " " { line.removeLast() }
        return line
    }
}
