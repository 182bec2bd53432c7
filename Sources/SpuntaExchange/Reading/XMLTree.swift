import Foundation
import SpuntaDomain
#if canImport(FoundationXML)
import FoundationXML
#endif

/// An element of a parsed exchange file, with the line where it starts.
public struct XMLNode: Sendable {
    public let name: String
    public let attributes: [String: String]
    /// Attribute names in document order, for messages and checks of unknown attributes.
    public let attributeOrder: [String]
    public let line: Int
    public var children: [XMLNode]
    /// Non-whitespace text directly inside the element (the format has none; its presence is an error).
    public var text: String
}

/// Reads a whole XML document into a tree of `XMLNode`, turning every way a file can be broken
/// (empty, binary, truncated, not XML, malformed) into an `ImportProblem` with its line.
///
/// Foundation's `XMLParser` reports success for an empty or truncated document (PLATFORM-NOTES), so
/// emptiness, the parser's error and the closing of the root element are each checked here.
public enum XMLTree {
    public static func parse(_ data: Data, file: String) -> Result<XMLNode, ImportProblem> {
        let whole = SourceLocation(file: file, line: 0)
        if data.allSatisfy(isSpace) {
            return .failure(ImportProblem(whole, "il file è vuoto: nessun dato da importare"))
        }
        if let problem = TextDecoding.utf8Problem(data, file: file, remedy: "esportare il tracciato XML in UTF-8") {
            return .failure(problem)
        }
        // libxml2 would follow the declaration and read UTF-8 bytes as another code page, without a word.
        if let declared = declaredEncoding(data), !["utf-8", "utf8", "us-ascii", "ascii"].contains(declared.lowercased()) {
            return .failure(ImportProblem(
                SourceLocation(file: file, line: 1),
                "il tracciato dichiara la codifica «\(UnsafeCharacters.visible(declared))»: Spunta legge solo UTF-8; esportarlo in UTF-8 con encoding=\"UTF-8\""
            ))
        }
        let firstSignificant = data.first { !(isSpace($0) || $0 == 0xEF || $0 == 0xBB || $0 == 0xBF) }
        if firstSignificant != UInt8(ascii: "<") {
            return .failure(ImportProblem(SourceLocation(file: file, line: 1), "il file non è un documento XML (non inizia con «<»)"))
        }
        // A DTD can declare entities that expand without bound: the tracciato has none, so any is refused.
        for marker in ["<!DOCTYPE", "<!ENTITY"] {
            if let range = data.range(of: Data(marker.utf8)) {
                let line = data[data.startIndex..<range.lowerBound].filter { $0 == 0x0A }.count + 1
                return .failure(ImportProblem(
                    SourceLocation(file: file, line: line),
                    "dichiarazioni DOCTYPE ed entità XML non sono ammesse nel tracciato: toglierle dal file"
                ))
            }
        }
        // Processing instructions (`<?…?>`) have no place in the tracciato, and FoundationXML crashes on one
        // without data (`<?x?>`: it calls strlen on a null pointer). Only the XML declaration may open the file.
        if let line = processingInstructionLine(data) {
            return .failure(ImportProblem(
                SourceLocation(file: file, line: line),
                "istruzioni di elaborazione «<?…?>» non ammesse nel tracciato: è ammessa solo la dichiarazione <?xml version=\"1.0\" encoding=\"UTF-8\"?> in apertura"
            ))
        }
        let builder = TreeBuilder()
        // Streamed, not `XMLParser(data:)`: given as one piece, libxml2 refuses a document past about 10 MB
        // ("huge input lookup", an internal error at the last line) — a city's file is larger.
        let parser = XMLParser(stream: InputStream(data: data))
        parser.shouldResolveExternalEntities = false
        parser.shouldProcessNamespaces = false
        parser.delegate = builder
        let ok = parser.parse()
        if let problem = builder.problem {
            return .failure(ImportProblem(SourceLocation(file: file, line: problem.line), problem.message))
        }
        if !ok || parser.parserError != nil {
            if let oversized = oversizedMarkup(data) {
                return .failure(ImportProblem(SourceLocation(file: file, line: oversized.line), oversized.message))
            }
            let line = max(parser.lineNumber, 1)
            let reason = (parser.parserError as NSError?).map(describe) ?? "errore di sintassi"
            return .failure(ImportProblem(SourceLocation(file: file, line: line), "XML non valido: \(reason)"))
        }
        guard let root = builder.root else {
            let line = max(parser.lineNumber, 1)
            if builder.stack.isEmpty {
                return .failure(ImportProblem(SourceLocation(file: file, line: line), "il documento XML non contiene alcun elemento"))
            }
            return .failure(ImportProblem(
                SourceLocation(file: file, line: line),
                "il file è troncato: l'elemento <\(builder.stack.last?.name ?? "")> aperto alla riga \(builder.stack.last?.line ?? 0) non è mai chiuso"
            ))
        }
        return .success(root)
    }

    /// The longest markup libxml2 reads in one piece (XML_MAX_LOOKUP_LIMIT of libxml2 2.9, measured here with
    /// FoundationXML streaming: a start tag of about 10,000,000 bytes with its attributes fails, one a hundred
    /// bytes shorter is read), and the longest element or attribute name (XML_MAX_NAME_LENGTH). Past these the
    /// parser fails with an internal error at the last line of the file; `oversizedMarkup` finds the culprit.
    static let markupLimit = 10_000_000
    static let nameLimit = 50_000

    /// After a failed parse: the first tag, comment, CDATA section or processing instruction too long for
    /// libxml2, or a name too long, with its line and an Italian message. A tag counts the margin of a few
    /// hundred bytes the parser keeps around it, so a construct within 1% of the limit is taken as the cause.
    static func oversizedMarkup(_ data: Data) -> (line: Int, message: String)? {
        data.withUnsafeBytes { raw -> (line: Int, message: String)? in
            let bytes = raw.bindMemory(to: UInt8.self)
            let count = bytes.count
            let near = markupLimit - markupLimit / 100
            func starts(_ index: Int, _ prefix: String) -> Bool {
                let p = Array(prefix.utf8)
                return index + p.count <= count && (0..<p.count).allSatisfy { bytes[index + $0] == p[$0] }
            }
            func end(from index: Int, _ terminator: String) -> Int {
                var j = index
                while j < count, !starts(j, terminator) { j += 1 }
                return min(count, j + terminator.utf8.count)
            }
            var line = 1
            var index = 0
            while index < count {
                let byte = bytes[index]
                if byte == 0x0A { line += 1 }
                guard byte == UInt8(ascii: "<") else {
                    index += 1
                    continue
                }
                let startLine = line
                var stop: Int
                let what: String
                if starts(index, "<!--") {
                    stop = end(from: index + 4, "-->")
                    what = "un commento"
                } else if starts(index, "<![CDATA[") {
                    stop = end(from: index + 9, "]]>")
                    what = "una sezione CDATA"
                } else if starts(index, "<?") {
                    stop = end(from: index + 2, "?>")
                    what = "un'istruzione <?…?>"
                } else {
                    // A tag: `>` may appear inside quoted attribute values; names are the runs outside quotes.
                    var j = index + 1
                    var quote: UInt8?
                    var name = 0
                    while j < count {
                        let c = bytes[j]
                        if let q = quote {
                            if c == q { quote = nil }
                        } else if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                            quote = c
                            name = 0
                        } else if c == UInt8(ascii: ">") {
                            break
                        } else if isSpace(c) || c == UInt8(ascii: "=") || c == UInt8(ascii: "/") {
                            name = 0
                        } else {
                            name += 1
                            if name > nameLimit {
                                return (startLine, "nome di elemento o di attributo lungo più di 50.000 caratteri: "
                                    + "il lettore XML (libxml2) non ne accetta di più lunghi; il file non è un tracciato valido")
                            }
                        }
                        j += 1
                    }
                    stop = min(count, j + 1)
                    what = "un elemento (il tag con i suoi attributi)"
                }
                let length = stop - index
                if length >= near {
                    let size = String(format: "%.1f", Double(length) / 1_000_000).replacingOccurrences(of: ".", with: ",")
                    return (startLine, "\(what) lungo \(size) milioni di byte: il lettore XML (libxml2) non accetta un singolo elemento, "
                        + "commento o sezione CDATA oltre 10.000.000 di byte; nessun campo del tracciato è così lungo: "
                        + "controllare il file (esportazione errata?)")
                }
                for k in index..<stop where bytes[k] == 0x0A { line += 1 }
                index = max(stop, index + 1)
            }
            return nil
        }
    }

    /// The `encoding` named in the XML declaration at the start of the file, if any.
    static func declaredEncoding(_ data: Data) -> String? {
        let head = String(decoding: data.prefix(512), as: UTF8.self)
        guard let open = head.range(of: "<?xml"), let close = head.range(of: "?>", range: open.upperBound..<head.endIndex),
              head[..<open.lowerBound].allSatisfy({ $0 == "\u{FEFF}" || $0.isWhitespace }) else { return nil }
        let declaration = head[open.upperBound..<close.lowerBound]
        guard let key = declaration.range(of: "encoding") else { return nil }
        let rest = declaration[key.upperBound...].drop { $0 == " " || $0 == "=" || $0 == "\t" }
        guard let quote = rest.first, quote == "\"" || quote == "'" else { return nil }
        return String(rest.dropFirst().prefix { $0 != quote })
    }

    /// XML white space: space, tab, line feed, carriage return.
    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    /// The line of the first `<?` that is not the XML declaration at the start of the file, if any.
    static func processingInstructionLine(_ data: Data) -> Int? {
        data.withUnsafeBytes { raw -> Int? in
            let bytes = raw.bindMemory(to: UInt8.self)
            var start = 0
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }
            while start < bytes.count, isSpace(bytes[start]) { start += 1 }
            var index = start
            // `<?xml` then a space: the declaration, which ends at the first `?>`.
            if bytes[start...].starts(with: Array("<?xml".utf8)), start + 5 < bytes.count, isSpace(bytes[start + 5]) {
                index = start + 6
                while index + 1 < bytes.count, !(bytes[index] == UInt8(ascii: "?") && bytes[index + 1] == UInt8(ascii: ">")) { index += 1 }
                index += 2
            }
            while index + 1 < bytes.count {
                if bytes[index] == UInt8(ascii: "<"), bytes[index + 1] == UInt8(ascii: "?") {
                    return bytes[..<index].filter { $0 == 0x0A }.count + 1
                }
                index += 1
            }
            return nil
        }
    }

    private static func describe(_ error: NSError) -> String {
        // libxml2 codes surfaced by XMLParser: the common ones get an Italian explanation.
        switch error.code {
        case 5: return "il documento finisce prima del previsto (file troncato?)"
        case 4: return "documento vuoto"
        case 76: return "tag di chiusura che non corrisponde al tag aperto"
        case 9: return "carattere non valido"
        case 26, 27: return "entità non definita"
        case 38, 39, 41: return "attributo malformato"
        case 73: return "manca il carattere «>»"
        case 64: return "dichiarazione XML malformata"
        case 111: return "le entità XML non sono ammesse"
        default: return "errore di sintassi (codice \(error.code))"
        }
    }
}

/// Collects the tree during parsing. Used only on the parsing thread, by one parser.
private final class TreeBuilder: NSObject, XMLParserDelegate {
    struct Open {
        let name: String
        let attributes: [String: String]
        let order: [String]
        let line: Int
        var children: [XMLNode] = []
        var text = ""
    }

    var stack: [Open] = []
    var root: XMLNode?
    var problem: (line: Int, message: String)?

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
        qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]
    ) {
        if root != nil, problem == nil {
            problem = (parser.lineNumber, "contenuto dopo la fine del documento (<\(elementName)>)")
            parser.abortParsing()
            return
        }
        // XMLParser does not give the attributes' document order; sorting keeps messages deterministic.
        stack.append(Open(name: elementName, attributes: attributeDict, order: attributeDict.keys.sorted(), line: parser.lineNumber))
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        guard let open = stack.popLast() else { return }
        let node = XMLNode(
            name: open.name, attributes: open.attributes, attributeOrder: open.order, line: open.line,
            children: open.children, text: open.text.trimmingCharacters(in: .whitespacesAndNewlines)
        )
        if stack.isEmpty {
            root = node
        } else {
            stack[stack.count - 1].children.append(node)
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].text += string
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].text += String(decoding: CDATABlock, as: UTF8.self)
    }

    func parser(_ parser: XMLParser, foundInternalEntityDeclarationWithName name: String, value: String?) {
        if problem == nil {
            problem = (parser.lineNumber, "le entità XML (<!ENTITY>) non sono ammesse nel tracciato")
        }
        parser.abortParsing()
    }
}
