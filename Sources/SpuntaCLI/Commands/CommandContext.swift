import Foundation

/// What a running command talks to: its output and error streams, its input, the environment and the
/// terminal width. `main()` builds it from the process; tests build one that captures everything.
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
    /// The words that selected the running command: `["spunta-server", "device", "add"]`.
    public internal(set) var commandPath: [String] = []

    /// A context with the given parts; by default output and error are captured in memory and input is empty.
    public init(
        standardOutput: OutputSink = .memory(),
        standardError: OutputSink = .memory(),
        standardInput: InputSource = .bytes([]),
        environment: [String: String] = [:],
        terminalWidth: Int = Terminal.defaultWidth
    ) {
        self.standardOutput = standardOutput
        self.standardError = standardError
        self.standardInput = standardInput
        self.environment = environment
        self.terminalWidth = terminalWidth
    }

    /// The process's own streams, environment and terminal width.
    public static func standard() -> CommandContext {
        CommandContext(
            standardOutput: .standardOutput,
            standardError: .standardError,
            standardInput: .standardInput,
            environment: ProcessInfo.processInfo.environment,
            terminalWidth: Terminal.width())
    }

    /// Writes `line` and a newline to standard output.
    public func print(_ line: String = "") {
        standardOutput.writeLine(line)
    }

    /// Writes styled text and a newline to standard output.
    public func print(_ line: StyledText) {
        standardOutput.writeLine(line)
    }

    /// Writes `line` and a newline to standard error.
    public func printError(_ line: String) {
        standardError.writeLine(line)
    }

    /// Writes `value` to standard output as one line of JSON (see `JSONOutput`).
    public func printJSON<T: Encodable>(_ value: T) throws {
        try JSONOutput().write(value, to: standardOutput)
    }
}
