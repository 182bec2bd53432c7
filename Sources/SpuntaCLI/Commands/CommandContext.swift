import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What a running command talks to: its output and error streams, its input, the environment, the terminal
/// width and the clock. `main()` builds it from the process; tests build one that captures everything.
///
/// ```swift
/// let context = CommandContext(environment: ["SPUNTA_HOME": dir])
/// let status = await SpuntaServerCommand.execute(["device", "list"], context: context)
/// #expect(context.standardOutput.text.contains("Nessun dispositivo"))
/// ```
public struct CommandContext: Sendable {
    public let standardOutput: OutputSink
    public let standardError: OutputSink
    public let standardInput: InputSource
    public let environment: [String: String]
    /// Columns to lay out for; screens must also work at 40.
    public let terminalWidth: Int
    /// Columns of the terminal standard error shows on; nil when it goes elsewhere (a journal, a pipe, a file).
    /// On a screen an error is wrapped between words — a handheld's 40 columns would otherwise break it inside a
    /// word — while anywhere else it stays one line, for the programs and people that read logs line by line.
    public let errorWidth: Int?
    /// The words that selected the running command: `["spunta-server", "device", "add"]`.
    public internal(set) var commandPath: [String] = []
    /// The location option and the value this command line gave it (`["--db", "comune.sqlite"]`), empty when it gave
    /// none: the commands a message suggests are written with it (see `rendered(_:)`).
    public internal(set) var hintLocation: [String] = []
    /// Where the date and hour come from. Commands that decide by the date (what a month has charged so far,
    /// whether it has ended, when a notice falls due) read `now` instead of the system clock, so that a test or
    /// the demo can fix the day they act on.
    public let clock: @Sendable () -> Date

    /// The date and hour by the context's clock.
    public var now: Date { clock() }

    /// A context with the given parts; by default output and error are captured in memory and input is empty.
    public init(
        standardOutput: OutputSink = .memory(),
        standardError: OutputSink = .memory(),
        standardInput: InputSource = .bytes([]),
        environment: [String: String] = [:],
        terminalWidth: Int = Terminal.defaultWidth,
        errorWidth: Int? = nil,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.standardOutput = standardOutput
        self.standardError = standardError
        self.standardInput = standardInput
        self.environment = environment
        self.terminalWidth = terminalWidth
        self.errorWidth = errorWidth
        self.clock = clock
    }

    /// The process's own streams, environment and terminal width, and the system clock — or the instant fixed by
    /// `fixedClockVariable` (see `fixedInstant(in:)`).
    public static func standard() throws(FixedClockError) -> CommandContext {
        let environment = ProcessInfo.processInfo.environment
        let clock: @Sendable () -> Date
        if let fixed = try fixedInstant(in: environment) {
            clock = { fixed }
        } else {
            clock = { Date() }
        }
        return CommandContext(
            standardOutput: .standardOutput,
            standardError: .standardError,
            standardInput: .standardInput,
            environment: environment,
            terminalWidth: Terminal.width(),
            errorWidth: Terminal.size(of: STDERR_FILENO)?.columns,
            clock: clock)
    }

    /// `SPUNTA_NOW`: an instant in ISO 8601 with its offset (`2026-11-02T09:00:00+01:00`) that commands reading
    /// `now` take as the present — for the demo's story and for tests of the date rules. Unset: the system clock.
    public static let fixedClockVariable = "SPUNTA_NOW"

    /// The instant `SPUNTA_NOW` fixes, nil when it is unset or empty; an error naming the value when it is not an
    /// ISO 8601 instant with its offset.
    public static func fixedInstant(in environment: [String: String]) throws(FixedClockError) -> Date? {
        guard let text = environment[fixedClockVariable]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        guard let instant = formatter.date(from: text) else { throw FixedClockError(value: text) }
        return instant
    }

    /// Writes `line` and a newline to standard output.
    public func print(_ line: String = "") {
        standardOutput.writeLine(line)
    }

    /// Writes styled text and a newline to standard output.
    public func print(_ line: StyledText) {
        standardOutput.writeLine(line)
    }

    /// The width field screens are laid out for: a handheld's 40 columns, wherever the output goes.
    public static let handheldWidth = 40

    /// Writes `text` as a paragraph wrapped at `width` columns, never cut (a word longer than a line is split):
    /// the lines after the first start with `indent`, and the paragraph's own leading spaces (an item of a list
    /// under its heading) stay on its first line; optionally styled as a whole.
    public func printWrapped(_ text: String, width: Int = CommandContext.handheldWidth, indent: String = "  ", style: TextStyle? = nil) {
        // Escaped before it is measured: a control character from master data must neither act nor skew the widths.
        let escaped = TerminalText.lines(text)
        let lead = String(escaped.prefix { $0 == " " })
        for line in TextWidth.wrap(String(escaped.dropFirst(lead.count)), width: width, lead: lead, indent: TextWidth.of(indent)) {
            if let style { standardOutput.writeLine(standardOutput.styled(line, style)) } else { standardOutput.writeLine(line) }
        }
    }

    /// Writes `line` and a newline to standard error, wrapped between words when it shows on a terminal
    /// (`errorWidth`).
    public func printError(_ line: String) {
        guard let width = errorWidth else { return standardError.writeLine(line) }
        for wrapped in TextWidth.wrap(line, width: width) { standardError.writeLine(wrapped) }
    }

    /// Writes `value` to standard output as one line of JSON (see `JSONOutput`).
    public func printJSON<T: Encodable>(_ value: T) throws {
        try JSONOutput().write(value, to: standardOutput)
    }

    /// Writes `text`, a value's JSON written by hand as `JSONOutput` would write it, to standard output as one line.
    public func printJSON(encoded text: String) {
        JSONOutput().write(encoded: text, to: standardOutput)
    }
}
