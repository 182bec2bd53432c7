import Foundation
import Testing
@testable import SpuntaExchange

/// What the XML reader (FoundationXML on libxml2) cannot take gets an Italian message with its line, not
/// "internal error" at the last line of the file.
@Suite("Limits of the XML reader")
struct XMLLimitsTests {
    static let head = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<spunta-exchange version=\"1\">\n<sites>\n<site id=\"S0\" name=\"Prima\"/>\n"
    static let tail = "\n</sites>\n</spunta-exchange>\n"

    static func parse(_ middle: String) -> Result<XMLNode, ImportProblem> {
        XMLTree.parse(Data((head + middle + tail).utf8), file: "comune.xml")
    }

    /// The problem the reader reports for the file with `middle` in its sites, recording an issue if it read it.
    static func refusal(_ middle: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> ImportProblem? {
        guard case .failure(let problem) = parse(middle) else {
            Issue.record("read without a problem", sourceLocation: sourceLocation)
            return nil
        }
        return problem
    }

    @Test("an attribute of about 10 MB, past what libxml2 reads in one piece, is refused naming the limit and the line")
    func hugeAttribute() throws {
        guard let problem = Self.refusal("<site id=\"S1\" name=\"" + String(repeating: "a", count: 10_000_000) + "\"/>") else { return }
        #expect(problem.location.line == 5, "\(problem.location)")
        #expect(problem.message.contains("10.000.000"), "\(problem.message)")
        #expect(problem.message.contains("libxml2"))
    }

    @Test("an attribute just under the limit is read")
    func underTheLimit() throws {
        let result = Self.parse("<site id=\"S1\" name=\"" + String(repeating: "a", count: 9_000_000) + "\"/>")
        #expect((try? result.get()) != nil)
    }

    @Test("a comment of 10 MB is refused with its line")
    func hugeComment() throws {
        guard let problem = Self.refusal("\n<!--" + String(repeating: "x", count: 10_000_000) + "-->") else { return }
        #expect(problem.location.line == 6, "\(problem.location)")
        #expect(problem.message.hasPrefix("un commento lungo 10,0 milioni di byte"), "\(problem.message)")
    }

    @Test("an attribute name past 50,000 characters is refused naming the limit")
    func hugeName() throws {
        guard let problem = Self.refusal("<site id=\"S1\" " + String(repeating: "n", count: 50_001) + "=\"x\"/>") else { return }
        #expect(problem.location.line == 5)
        #expect(problem.message.contains("50.000"), "\(problem.message)")
    }

    @Test("a declaration of another encoding is refused: libxml2 would read UTF-8 bytes as that code page", arguments: [
        "ISO-8859-1", "windows-1252", "latin1",
    ])
    func declaredEncoding(name: String) throws {
        let xml = "<?xml version=\"1.0\" encoding=\"\(name)\"?>\n<spunta-exchange version=\"1\"/>\n"
        guard case .failure(let problem) = XMLTree.parse(Data(xml.utf8), file: "comune.xml") else {
            Issue.record("accepted \(name)")
            return
        }
        #expect(problem.message.contains("«\(name)»"))
        #expect(problem.message.contains("UTF-8"))
    }

    @Test("an XML file saved in Windows-1252 is refused naming it, with the line of the first such byte")
    func windows1252() throws {
        var bytes = Data((Self.head + "<site id=\"S1\" name=\"Citt").utf8)
        bytes.append(0xE0)
        bytes.append(Data("\"/>\(Self.tail)".utf8))
        guard case .failure(let problem) = XMLTree.parse(bytes, file: "comune.xml") else {
            Issue.record("read without a word")
            return
        }
        #expect(problem.location.line == 5)
        #expect(problem.message.contains("Windows-1252"), "\(problem.message)")
    }
}
