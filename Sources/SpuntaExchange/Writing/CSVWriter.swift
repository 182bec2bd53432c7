import SpuntaDomain

/// The one writer of every CSV Spunta produces (the notices for the pagoPA intermediary, the tax statements,
/// the demo's payment files): `;`-separated as Italian spreadsheets expect, quoted per RFC 4180, and safe to
/// open in a spreadsheet.
///
/// Cells are typed. A text cell whose first character is `=`, `+`, `-`, `@`, a tab or a carriage return
/// would be taken for a formula (a name `=HYPERLINK("http://…","Rossi")` becomes a live link): it is written
/// with an apostrophe in front, which spreadsheets show as text (OWASP, "CSV Injection"), and quoted. Control
/// and bidirectional characters in text become U+FFFD, as on a terminal. Numbers — integer cents, amounts —
/// come from our own integers and can hold nothing but digits, a minus and a dot, so they are written as they
/// are: a credit of `-1250` cents stays a negative number for the spreadsheet instead of turning into text.
public struct CSVWriter: Sendable {
    /// One cell of a row.
    public enum Cell: Sendable, Equatable, ExpressibleByStringLiteral {
        /// Text from the data or from us: neutralised and quoted as needed.
        case text(String)
        /// An integer, e.g. an amount in cents: written as a number.
        case integer(Int64)
        /// An amount in euro with a dot and two decimals (`-12.50`), the form the exchange and payment files read.
        case amount(Money)

        public init(stringLiteral value: String) {
            self = .text(value)
        }
    }

    public static let separator: Character = ";"
    private var lines: [String]

    /// A CSV whose first row holds `header`.
    public init(header: [String]) {
        lines = [header.map { Self.cell(.text($0)) }.joined(separator: String(Self.separator))]
    }

    public mutating func addRow(_ cells: [Cell]) {
        lines.append(cells.map(Self.cell).joined(separator: String(Self.separator)))
    }

    /// The file: one line per row, each ending in a line feed.
    public var text: String {
        lines.joined(separator: "\n") + "\n"
    }

    /// Characters that make a spreadsheet read a cell as a formula when they come first.
    static let formulaStarts: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r"]

    /// One cell as it goes in the file.
    public static func cell(_ cell: Cell) -> String {
        switch cell {
        case .integer(let value):
            return String(value)
        case .amount(let money):
            return money.decimalString
        case .text(let text):
            var value = ""
            if let first = text.unicodeScalars.first, formulaStarts.contains(first) {
                value = "'"
            }
            for scalar in text.unicodeScalars {
                if scalar != "\n", UnsafeCharacters.contains(scalar) {
                    value.unicodeScalars.append("\u{FFFD}")
                } else {
                    value.unicodeScalars.append(scalar)
                }
            }
            let needsQuotes = value.hasPrefix("'") || value.contains { $0 == separator || $0 == "\"" || $0 == "\n" }
            return needsQuotes ? "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : value
        }
    }
}
