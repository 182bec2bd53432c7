import Foundation

/// A CSV file as the offices' spreadsheets save it: a header row, then records. Fields separated by `;`
/// (Italian Excel) or `,`, detected from the header; quotes per RFC 4180; lines ending in CRLF, LF or CR; a
/// UTF-8 byte order mark is ignored. Text that is not UTF-8 is refused naming its encoding, or read as
/// Windows-1252 when the caller allows it and then says so (see `TextDecoding`).
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
    /// The encoding the file was read in.
    public let encoding: TextEncoding

    /// A cell with letters outside ASCII, to show a person how a file that was not UTF-8 has been read.
    public struct Example: Sendable, Equatable {
        public let line: Int
        public let text: String
    }

    /// The first cell with characters outside ASCII, if any.
    public var firstNonASCIICell: Example? {
        for record in records {
            if let cell = record.fields.first(where: { $0.unicodeScalars.contains { !$0.isASCII } }) {
                return Example(line: record.line, text: cell)
            }
        }
        return nil
    }

    /// Reads a CSV file; `allowWindows1252` lets a file that is not UTF-8 be read as Windows-1252 (its
    /// `encoding` then says so, for the caller to tell the person).
    public static func parse(_ data: Data, file: String, allowWindows1252: Bool = false) -> Result<CSVTable, ImportProblem> {
        let whole = SourceLocation(file: file, line: 0)
        let text: String
        let encoding: TextEncoding
        switch TextDecoding.decode(data, file: file, allowWindows1252: allowWindows1252, remedy: "salvare il foglio come «CSV UTF-8»") {
        case .failure(let problem): return .failure(problem)
        case .success(let decoded): (text, encoding) = (decoded.text, decoded.encoding)
        }
        if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            return .failure(ImportProblem(whole, "il file è vuoto: nessun dato da importare"))
        }
        let firstLine = text.prefix { $0 != "\n" && $0 != "\r\n" && $0 != "\r" }
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
            separator: separator, encoding: encoding
        ))
    }
}
