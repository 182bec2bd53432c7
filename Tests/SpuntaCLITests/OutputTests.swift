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
        #expect(sink.styled("x", .bold).rendered == "x")
        sink.writeLine("riga")
        try pipe.fileHandleForWriting.close()
        #expect(String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) == "riga\n")
    }

    @Test("a long answer reaches a non-blocking pipe whole (as Foundation's Process gives a child): nothing is dropped when it fills")
    func nonBlockingPipe() throws {
        var ends: [Int32] = [0, 0]
        try #require(pipe(&ends) == 0)
        let (readEnd, writeEnd) = (ends[0], ends[1])
        defer { close(readEnd) }
        try #require(fcntl(writeEnd, F_SETFL, fcntl(writeEnd, F_GETFL) | O_NONBLOCK) == 0)
        // Far more than a pipe holds (64 KiB): the writer meets a full pipe again and again while this test reads.
        let line = String(repeating: "x", count: 1023)
        let count = 8 * 1024
        let writer = Thread {
            let sink = OutputSink(fileDescriptor: writeEnd, environment: [:])
            for _ in 0..<count { sink.writeLine(line) }
            close(writeEnd)
        }
        writer.start()
        var total = 0
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = read(readEnd, &buffer, buffer.count)
            if n > 0 { total += n } else if n < 0 && errno == EINTR { continue } else { break }
        }
        #expect(total == count * 1024)
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

    @Test("a paragraph printed for the handheld: wrapped at 40 columns, continuation lines indented, a list item's own indent kept, a web address split rather than cut, control characters shown, not obeyed", arguments: [
        ("Ultima sincronizzazione: 01/12/2026 08:15, 5 h 10 min fa", "  ",
         ["Ultima sincronizzazione: 01/12/2026", "  08:15, 5 h 10 min fa"]),
        ("  - Santangelo Bevilacqua Maria Vittoria (1A): da servire", "    ",
         ["  - Santangelo Bevilacqua Maria Vittoria", "    (1A): da servire"]),
        ("Server: http://spunta-sincronizzazione.comune-di-valmarina.example.it", "  ",
         ["Server:", "  http://spunta-sincronizzazione.comune-", "  di-valmarina.example.it"]),
        ("Dieta \u{1B}[2J speciale", "  ", ["Dieta \u{FFFD}[2J speciale"]),
    ])
    func printWrapped(_ text: String, _ indent: String, _ expected: [String]) {
        let context = CommandContext(standardOutput: .memory())
        context.printWrapped(text, indent: indent)
        let lines = context.standardOutput.text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        #expect(lines == expected)
        #expect(lines.allSatisfy { TextWidth.of($0) <= 40 })
    }
}
