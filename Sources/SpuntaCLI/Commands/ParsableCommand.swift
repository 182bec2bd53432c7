/// A command or subcommand of a program: a value type that declares its options, flags and arguments
/// with help text, checks them in `validate()` and does its work in `run(_:)`.
///
/// ```swift
/// struct Revoke: ParsableCommand {
///     static let configuration = CommandConfiguration(
///         commandName: "revoke", abstract: "Revoca un dispositivo smarrito.")
///
///     @Argument(valueName: "dispositivo", help: "Identificativo del dispositivo.")
///     var deviceID: String
///
///     func run(_ context: CommandContext) async throws {
///         context.print("Dispositivo \(deviceID) revocato.")
///     }
/// }
/// ```
public protocol ParsableCommand: ParsableArguments {
    /// Name, description and subcommands.
    static var configuration: CommandConfiguration { get }

    /// Does the work. Output goes through `context`, so tests can capture it. Throw to fail: the error
    /// becomes the message the user reads and the exit code (see `ExitCode`, `ReportableError`).
    /// A command that only groups subcommands keeps the default, which asks for a subcommand.
    func run(_ context: CommandContext) async throws

    /// Consulted on the root command only: turns an error that the toolkit cannot describe (such as a
    /// domain `UserFacingError`) into the report shown to the user; nil leaves the default handling.
    static func report(for error: any Error) -> ErrorReport?

    /// Consulted on the root command only: the option that names where the program works (`--db`, `--home`), which
    /// the commands suggested by its messages must repeat to run as printed; nil when there is none.
    static var hintLocationOption: String? { get }
}

extension ParsableCommand {
    public static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: ArgumentDefinition.kebabCase(String(describing: Self.self)))
    }

    public func run(_ context: CommandContext) async throws {
        throw UsageError(.missingSubcommand)
    }

    public static func report(for error: any Error) -> ErrorReport? {
        nil
    }

    public static var hintLocationOption: String? { nil }

    /// The name under which this command is invoked.
    static var commandName: String {
        configuration.commandName ?? ArgumentDefinition.kebabCase(String(describing: Self.self))
    }
}
