import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a command writes: standard output, standard error, or memory (in tests). Knows whether it is
/// a terminal, so that colour, the bell and screen clearing happen only there.
///
/// Text written here is content and passes the terminal escaper (`TerminalText`): a name carrying ESC or a
/// line feed is shown, never obeyed. The sink's own control sequences take their own ways — `styled` for
/// colours, `bell`, `clearScreen`, `writeControl` for cursor movements — and a document (CSV, HTML) bound
/// for a file or a pipe goes out untouched through `writeDocument`.
public final class OutputSink: Sendable {
    private let fileDescriptor: Int32?
    /// The memory buffer; its lock is held too while the descriptor is written, so that writes never interleave.
    private let buffer = Mutex<[UInt8]>([])

    /// Whether the output is a terminal (isatty).
    public let isTerminal: Bool
    /// Whether ANSI styles are emitted: on a terminal, unless `NO_COLOR` is set or `TERM` is `dumb`.
    public let colorsEnabled: Bool

    /// The process's standard output.
    public static let standardOutput = OutputSink(fileDescriptor: STDOUT_FILENO)
    /// The process's standard error.
    public static let standardError = OutputSink(fileDescriptor: STDERR_FILENO)

    /// A sink writing to `fileDescriptor`; `environment` decides colour together with isatty.
    public init(fileDescriptor: Int32, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.fileDescriptor = fileDescriptor
        isTerminal = Terminal.isTerminal(fileDescriptor)
        colorsEnabled = isTerminal && environment["NO_COLOR"] == nil && environment["TERM"] != "dumb"
    }

    private init(memoryAsTerminal: Bool) {
        fileDescriptor = nil
        isTerminal = memoryAsTerminal
        colorsEnabled = memoryAsTerminal
    }

    /// A sink that keeps what is written, readable through `text`. `isTerminal` lets a test see what a
    /// terminal would receive.
    public static func memory(isTerminal: Bool = false) -> OutputSink {
        OutputSink(memoryAsTerminal: isTerminal)
    }

    /// Writes `text` — line feeds kept, every other control character and bidirectional control replaced.
    public func write(_ text: String) {
        writeRaw(TerminalText.lines(text))
    }

    /// Writes styled text: its content was escaped when it was styled, its SGR codes go out as they are.
    public func write(_ text: StyledText) {
        writeRaw(text.rendered)
    }

    /// Writes styled text and a newline.
    public func writeLine(_ text: StyledText) {
        writeRaw(text.rendered + "\n")
    }

    /// Writes one of our own control sequences (`ANSI.moveCursor`, `ANSI.hideCursor`…) to a terminal;
    /// nothing elsewhere.
    public func writeControl(_ sequence: String) {
        if isTerminal { writeRaw(sequence) }
    }

    /// Writes a document (CSV, HTML, XML, JSON) as it is to a file or a pipe, where a program reads it; on
    /// a terminal, where a person does, through the escaper like any text.
    public func writeDocument(_ text: String) {
        isTerminal ? write(text) : writeRaw(text)
    }

    /// Writes `text` as UTF-8, all of it, retrying after interruptions and waiting on a full non-blocking pipe.
    private func writeRaw(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            buffer.withLock { buffer in
                guard let fileDescriptor else {
                    buffer.append(contentsOf: bytes)
                    return
                }
                guard var address = bytes.baseAddress else { return }
                var remaining = bytes.count
                while remaining > 0 {
                    let written = systemWrite(fileDescriptor, address, remaining)
                    if written > 0 {
                        address += written
                        remaining -= written
                    } else if written < 0 && errno == EINTR {
                        continue
                    } else if written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                        // A descriptor left non-blocking by whoever started us (Foundation's Process does so with
                        // its pipes): wait until it takes more rather than drop the rest of a long answer.
                        waitUntilWritable(fileDescriptor)
                    } else {
                        return // Nowhere left to report an output error.
                    }
                }
            }
        }
    }

    /// Writes `line` and a newline.
    public func writeLine(_ line: String = "") {
        write(line + "\n")
    }

    /// Everything written so far, for a memory sink; empty for a descriptor.
    public var text: String {
        buffer.withLock { String(decoding: $0, as: UTF8.self) }
    }

    /// `text` (escaped) to be written with the ANSI codes of `styles` when colours are enabled, plain otherwise.
    public func styled(_ text: String, _ styles: TextStyle...) -> StyledText {
        StyledText(text, styles: colorsEnabled ? styles : [])
    }

    /// `text` (escaped) to be written with the ANSI codes of `styles` when colours are enabled, plain otherwise.
    public func styled(_ text: String, styles: [TextStyle]) -> StyledText {
        StyledText(text, styles: colorsEnabled ? styles : [])
    }

    /// Rings the terminal bell; nothing when the output is not a terminal.
    public func bell() {
        writeControl(ANSI.bell)
    }

    /// Clears the screen and homes the cursor; nothing when the output is not a terminal.
    public func clearScreen() {
        writeControl(ANSI.clearScreen)
    }
}

private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    Glibc.write(descriptor, bytes, count)
    #else
    Darwin.write(descriptor, bytes, count)
    #endif
}

private func waitUntilWritable(_ descriptor: Int32) {
    var request = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
    _ = poll(&request, 1, -1)
}

/// Text with the styles it is shown in on a terminal (`OutputSink.styled`). The text is escaped when the value
/// is made, so that only the styles' own codes reach the terminal; interpolated into a string, it is the
/// plain text.
public struct StyledText: Sendable, Equatable, CustomStringConvertible {
    /// The text, escaped for one line or several.
    public let text: String
    public let styles: [TextStyle]

    public init(_ text: String, styles: [TextStyle]) {
        self.text = TerminalText.lines(text)
        self.styles = styles
    }

    /// The text wrapped in the styles' SGR codes (the text alone when there are none).
    public var rendered: String { ANSI.styled(text, styles) }

    public var description: String { text }
}
