import Foundation
import SpuntaExchange
import Testing

/// Inputs found by fuzzing the import (fuzz/run.sh xml|csv): each once crashed or hung the reader; each must
/// now give an Italian error with its line, and never trap.
@Suite("Exchange files found by fuzzing")
struct ExchangeFuzzRegressionTests {
    @Test("a processing instruction without data is refused with its line instead of crashing the XML parser", arguments: [
        // The fuzzer's input: FoundationXML called strlen on a null pointer for `<?xml?>`.
        ("<?xml?>\n<spunta-exchange version=\"1\">\n  <sites>\n    <site id=\"Scodi<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<spun0ta-", 1),
        ("<spunta-exchange version=\"1\">\n<?p?>\n</spunta-exchange>", 2),
        ("<?xml version=\"1.0\"?>\n<spunta-exchange version=\"1\">\n<sites>\n<?php echo 1 ?>\n</sites>\n</spunta-exchange>\n", 4),
    ])
    func processingInstruction(text: String, line: Int) throws {
        let result = XMLTree.parse(Data(text.utf8), file: "comune.xml")
        guard case .failure(let problem) = result else {
            Issue.record("accepted: \(text)")
            return
        }
        #expect(problem.message.contains("istruzioni di elaborazione"))
        #expect(problem.location.line == line)
    }

    @Test("the XML declaration at the start is still accepted")
    func declaration() throws {
        let text = "\u{FEFF}<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<spunta-exchange version=\"1\"/>\n"
        let document = ExchangeReader.read(files: [(name: "comune.xml", data: Data(text.utf8))])
        #expect(document.problems.isEmpty, "\(document.problems)")
    }
}
