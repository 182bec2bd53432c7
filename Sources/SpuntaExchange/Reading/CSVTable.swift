import Foundation

/// A CSV file as the offices' spreadsheets save it: a header row, then records. Fields separated by `;`
/// (Italian Excel) or `,`, detected from the header; quotes per RFC 4180; a UTF-8 byte order mark is ignored.
public struct CSVTable: Sendable {
    public struct Record: Sendable {
        /// Line where the record starts (1-based; the header is line 1).
        public let line: Int
        public let fields: [String]
    }

    public let header: [String]
    public let headerLine: Int
    public let records: [Record]
    public let separator: Character

    public static func parse(_ data: Data, file: String) -> Result<CSVTable, ImportProblem> {
        let whole = SourceLocation(file: file, line: 0)
        if data.contains(0) {
            return .failure(ImportProblem(whole, "il file non è testo (file binario?): salvare il foglio come CSV UTF-8"))
        }
        guard var text = String(data: data, encoding: .utf8) else {
            return .failure(ImportProblem(whole, "il file non è in codifica UTF-8: salvare il foglio come «CSV UTF-8»"))
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            return .failure(ImportProblem(whole, "il file è vuoto: nessun dato da importare"))
        }
        let firstLine = text.prefix { $0 != "\n" && $0 != "\r\n" }
        let separator: Character = firstLine.filter { $0 == ";" }.count >= firstLine.filter { $0 == "," }.count ? ";" : ","
        var rows: [(line: Int, fields: [String])] = []
        var fields: [String] = []
        var field = ""
        var inQuotes = false
        var fieldWasQuoted = false
        var line = 1
        var recordLine = 1
        var iterator = text.makeIterator()
        var pending: Character? = nil
        func next() -> Character? {
            if let p = pending { pending = nil; return p }
            return iterator.next()
        }
        func endRecord() {
            fields.append(field)
            if !(fields.count == 1 && fields[0].isEmpty && !fieldWasQuoted) {
                rows.append((recordLine, fields))
            }
            fields = []
            field = ""
            fieldWasQuoted = false
        }
        while let c = next() {
            if inQuotes {
                if c == "\"" {
                    if let n = next() {
                        if n == "\"" { field.append("\"") } else { inQuotes = false; pending = n }
                    } else {
                        inQuotes = false
                    }
                } else {
                    if c == "\n" || c == "\r\n" { line += 1 }
                    field.append(c == "\r\n" ? "\n" : c)
                }
                continue
            }
            switch c {
            case "\"" where field.isEmpty && !fieldWasQuoted:
                inQuotes = true
                fieldWasQuoted = true
            case separator:
                fields.append(field)
                field = ""
                fieldWasQuoted = false
            case "\n", "\r\n", "\r":
                endRecord()
                line += 1
                recordLine = line
            default:
                field.append(c)
            }
        }
        if inQuotes {
            return .failure(ImportProblem(
                SourceLocation(file: file, line: recordLine),
                "virgolette aperte e mai chiuse: il file è troncato o una cella contiene un «\"» isolato"
            ))
        }
        if !field.isEmpty || !fields.isEmpty || fieldWasQuoted { endRecord() }
        guard let head = rows.first else {
            return .failure(ImportProblem(whole, "il file è vuoto: nessun dato da importare"))
        }
        let header = head.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        return .success(CSVTable(
            header: header, headerLine: head.line,
            records: rows.dropFirst().map { Record(line: $0.line, fields: $0.fields) },
            separator: separator
        ))
    }
}
