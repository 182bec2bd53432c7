import Foundation
import Testing
@testable import SpuntaCLI
#if canImport(Glibc)
import Glibc
#endif

/// Serialized: raw mode registers terminals in one process-wide restorer.
@Suite("Terminal: isatty, size, raw mode, keys", .serialized)
struct TerminalTests {
    @Test("a pseudo-terminal is a terminal, a pipe is not")
    func isatty() throws {
        let terminal = try PseudoTerminal()
        #expect(Terminal.isTerminal(terminal.secondary))
        let pipe = Pipe()
        #expect(!Terminal.isTerminal(pipe.fileHandleForReading.fileDescriptor))
        #expect(!InputSource.bytes([]).isTerminal)
        #expect(InputSource(fileDescriptor: terminal.secondary).isTerminal)
    }

    @Test("width comes from the terminal, else COLUMNS, else 80")
    func width() throws {
        let terminal = try PseudoTerminal()
        terminal.setSize(columns: 40, rows: 12)
        #expect(Terminal.width(of: terminal.secondary, environment: [:]) == 40)
        #expect(Terminal.size(of: terminal.secondary)?.rows == 12)
        let pipe = Pipe()
        let descriptor = pipe.fileHandleForWriting.fileDescriptor
        #expect(Terminal.width(of: descriptor, environment: ["COLUMNS": "52"]) == 52)
        #expect(Terminal.width(of: descriptor, environment: ["COLUMNS": "molte"]) == 80)
        #expect(Terminal.width(of: descriptor, environment: [:]) == 80)
    }

    @Test("raw mode turns off canonical input and echo, keeps signals, and restore puts everything back")
    func rawModeRoundTrip() throws {
        let terminal = try PseudoTerminal()
        let original = terminal.settings()
        let rawMode = try RawMode.enable(fileDescriptor: terminal.secondary)
        let raw = terminal.settings()
        #expect(raw.c_lflag & tcflag_t(ICANON) == 0)
        #expect(raw.c_lflag & tcflag_t(ECHO) == 0)
        #expect(raw.c_lflag & tcflag_t(ISIG) != 0)
        #expect(raw.c_iflag & tcflag_t(ICRNL) == 0)
        #expect(raw.c_oflag == original.c_oflag)
        #expect(rawMode.isEnabled)
        rawMode.restore()
        #expect(!rawMode.isEnabled)
        #expect(sameSettings(terminal.settings(), original))
        rawMode.restore()
        #expect(sameSettings(terminal.settings(), original))
        #expect(!TerminalRestorer.shared.hasRegisteredTerminals)
    }

    @Test("echo off keeps whole lines and signals but prints nothing typed; restore and the exit handler put it back")
    func echoOff() throws {
        let terminal = try PseudoTerminal()
        let original = terminal.settings()
        let input = InputSource(fileDescriptor: terminal.secondary)
        // As it was: what is typed comes back.
        terminal.type(Array("prova\n".utf8))
        #expect(input.readLine() == "prova")
        #expect(String(decoding: terminal.echoed(timeoutMilliseconds: 1000), as: UTF8.self).contains("prova"))
        let quiet = try RawMode.disableEcho(fileDescriptor: terminal.secondary)
        let settings = terminal.settings()
        #expect(settings.c_lflag & tcflag_t(ECHO) == 0)
        #expect(settings.c_lflag & tcflag_t(ICANON) != 0)
        #expect(settings.c_lflag & tcflag_t(ISIG) != 0)
        #expect(settings.c_iflag == original.c_iflag)
        terminal.type(Array("SPUNTA1:PYB1DR5ZQ2Y48PX0RQDFZ09G6\n".utf8))
        #expect(input.readLine() == "SPUNTA1:PYB1DR5ZQ2Y48PX0RQDFZ09G6")
        #expect(terminal.echoed(timeoutMilliseconds: 100).isEmpty, "nothing typed comes back on the screen")
        TerminalRestorer.shared.restoreAll()
        #expect(sameSettings(terminal.settings(), original))
        quiet.restore()
        #expect(sameSettings(terminal.settings(), original))
        #expect(!TerminalRestorer.shared.hasRegisteredTerminals)
    }

    @Test("without signals, Ctrl-C arrives as a key")
    func noSignals() throws {
        let terminal = try PseudoTerminal()
        let input = InputSource(fileDescriptor: terminal.secondary)
        let key = try Terminal.withRawMode(fileDescriptor: terminal.secondary, keepSignals: false) { () -> Key? in
            #expect(terminal.settings().c_lflag & tcflag_t(ISIG) == 0)
            terminal.type([0x03])
            return input.readKey(timeoutMilliseconds: 1000)
        }
        #expect(key == .control("c"))
    }

    @Test("withRawMode restores the terminal when its body throws")
    func restoresOnThrow() throws {
        struct Boom: Error {}
        let terminal = try PseudoTerminal()
        let original = terminal.settings()
        #expect(throws: Boom.self) {
            try Terminal.withRawMode(fileDescriptor: terminal.secondary) { throw Boom() }
        }
        #expect(sameSettings(terminal.settings(), original))
    }

    @Test("what runs at exit and on signals restores every terminal in raw mode")
    func restoreAll() throws {
        let terminal = try PseudoTerminal()
        let original = terminal.settings()
        let rawMode = try RawMode.enable(fileDescriptor: terminal.secondary)
        #expect(!sameSettings(terminal.settings(), original))
        TerminalRestorer.shared.restoreAll()
        #expect(sameSettings(terminal.settings(), original))
        rawMode.restore()
        #expect(!TerminalRestorer.shared.hasRegisteredTerminals)
    }

    @Test("raw mode on something that is not a terminal is refused with a clear message")
    func notATerminal() {
        let pipe = Pipe()
        let descriptor = pipe.fileHandleForReading.fileDescriptor
        #expect(throws: TerminalError.notATerminal(fileDescriptor: descriptor)) {
            try RawMode.enable(fileDescriptor: descriptor)
        }
        #expect(TerminalError.notATerminal(fileDescriptor: 0).userMessage.hasPrefix("L'ingresso non è un terminale"))
    }

    @Test("keys typed on a terminal in raw mode arrive one at a time, arrows and accents included")
    func readKeys() throws {
        let terminal = try PseudoTerminal()
        let input = InputSource(fileDescriptor: terminal.secondary)
        let keys = try Terminal.withRawMode(fileDescriptor: terminal.secondary) { () -> [Key?] in
            terminal.type([0x1B, 0x5B, 0x41] + Array("è".utf8) + [0x0D, 0x1B])
            return (0..<4).map { _ in input.readKey(timeoutMilliseconds: 1000) }
        }
        #expect(keys == [.up, .character("è"), .enter, .escape])
    }

    @Test("reading a key times out when nothing is typed")
    func keyTimeout() throws {
        let terminal = try PseudoTerminal()
        let input = InputSource(fileDescriptor: terminal.secondary)
        let key = try Terminal.withRawMode(fileDescriptor: terminal.secondary) {
            input.readKey(timeoutMilliseconds: 20)
        }
        #expect(key == nil)
    }

    @Test("lines and keys come from one buffer, and a line may end in CR LF")
    func linesAndKeys() {
        let input = InputSource.bytes(Array("TESSERA-1\r\nq\u{1B}[Bcoda".utf8))
        #expect(input.readLine() == "TESSERA-1")
        #expect(input.readKey() == .character("q"))
        #expect(input.readKey() == .down)
        #expect(input.readLine() == "coda")
        #expect(input.readLine() == nil)
        #expect(input.readKey() == nil)
    }

    @Test("invalid UTF-8 in a scanned line is replaced, never fatal")
    func invalidLine() {
        let input = InputSource.bytes([0x41, 0xFF, 0x42, 0x0A])
        #expect(input.readLine() == "A\u{FFFD}B")
    }
}
