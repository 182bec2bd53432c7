import Foundation
import Testing
import SpuntaCLI

@Suite("Output: colour, bell, JSON")
struct OutputTests {
    @Test("styles, bell and clearing reach a terminal and nothing else")
    func terminalOnly() {
        let terminal = OutputSink.memory(isTerminal: true)
        let file = OutputSink.memory(isTerminal: false)
        for sink in [terminal, file] {
            sink.write(sink.styled("ALLERGIA", .bold, .red))
            sink.bell()
            sink.clearScreen()
            sink.write(sink.styled("ok", styles: [.inverse]))
        }
        #expect(terminal.text == "\u{1B}[1;31mALLERGIA\u{1B}[0m\u{07}\u{1B}[2J\u{1B}[H\u{1B}[7mok\u{1B}[0m")
        #expect(file.text == "ALLERGIAok")
    }

    @Test("NO_COLOR and TERM=dumb turn colour off on a real descriptor")
    func noColor() throws {
        let pipe = Pipe()
        let sink = OutputSink(fileDescriptor: pipe.fileHandleForWriting.fileDescriptor, environment: [:])
        #expect(!sink.isTerminal)
        #expect(!sink.colorsEnabled)
        #expect(sink.styled("x", .bold) == "x")
        sink.writeLine("riga")
        try pipe.fileHandleForWriting.close()
        #expect(String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) == "riga\n")
    }

    struct Meal: Encodable {
        var beneficiaryID: String
        var servedAt: Date
        var dietCode: String?
        var url: String
        var extras: [String: Int]
    }

    @Test("JSON lines have sorted snake_case keys, ISO dates, unescaped slashes")
    func jsonLine() throws {
        let meal = Meal(beneficiaryID: "F-17", servedAt: Date(timeIntervalSince1970: 1_792_922_400),
                        dietCode: nil, url: "https://comune.example/a", extras: ["zBis": 1, "aPrimo": 2])
        let line = try JSONOutput().line(meal)
        #expect(line == #"{"beneficiary_id":"F-17","extras":{"aPrimo":2,"zBis":1},"served_at":"2026-10-25T10:00:00Z","url":"https://comune.example/a"}"#)
        #expect(try JSONOutput().line(meal) == line)
    }

    @Test("a stream is one object per line")
    func jsonStream() throws {
        struct Row: Encodable { var n: Int }
        let sink = OutputSink.memory()
        try JSONOutput().writeLines([Row(n: 1), Row(n: 2)], to: sink)
        #expect(sink.text == "{\"n\":1}\n{\"n\":2}\n")
    }
}
