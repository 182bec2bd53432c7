import Foundation
import SpuntaDomain

extension ParsableCommand {
    /// Runs the program from `main.swift` (`await SpuntaServerCommand.main()`): parses the process's
    /// arguments, runs the selected command with the real streams, exits with its status.
    public static func main() async -> Never {
        let context: CommandContext
        do {
            context = try .standard()
        } catch {
            FileHandle.standardError.write(Data("Errore: \(error.userMessage)\n".utf8))
            exit(ExitCode.usage.rawValue)
        }
        if let fixed = context.environment[CommandContext.fixedClockVariable], !fixed.trimmingCharacters(in: .whitespaces).isEmpty {
            // A fixed clock changes what billing decides: never silently.
            context.printError("Nota: data e ora fissate da \(CommandContext.fixedClockVariable)=\(fixed), non dall'orologio del sistema.")
        }
        let status = await execute(Array(CommandLine.arguments.dropFirst()), context: context)
        exit(status.rawValue)
    }

    /// Parses `arguments` (without the program name), prints help or version when asked, runs the
    /// selected command, and turns any error into a message on `context.standardError`. Returns the
    /// exit status; never exits, so tests call it directly.
    public static func execute(_ arguments: [String], context: CommandContext) async -> ExitCode {
        var context = context
        context.hintLocation = HintLocation.words(option: hintLocationOption, in: arguments)
        var invocation = CommandInvocation(root: Self.self, arguments: arguments)
        do {
            switch try CommandResolver.resolve(arguments, root: Self.self, invocation: &invocation,
                                                environment: context.environment, width: context.terminalWidth) {
            case let .text(text):
                context.standardOutput.write(text)
                return .success
            case let .run(command):
                context.commandPath = invocation.names
                try await command.run(context)
                return .success
            }
        } catch {
            guard let report = ErrorReporter.report(for: error, root: Self.self) else {
                return ErrorReporter.exitCode(for: error, root: Self.self)
            }
            if let hinting = error as? any HintingError {
                context.printError(hinted: "Errore: \(hinting.hintedMessage)")
            } else {
                context.printError("Errore: " + report.userMessage)
            }
            if report.exitCode == .usage {
                context.standardError.writeLine(
                    HelpFormatter.usage(for: invocation.command, path: invocation.names, width: context.terminalWidth))
            }
            return report.exitCode
        }
    }

    /// The command `arguments` select, parsed and validated but not run: for tests that check what a
    /// command line means. Throws `UsageError` or `ValidationError` as `execute` would report them, and
    /// `ExitCode.success` when the words ask for help or the version instead.
    public static func parse(_ arguments: [String], environment: [String: String] = [:]) throws -> any ParsableCommand {
        var invocation = CommandInvocation(root: Self.self, arguments: arguments)
        switch try CommandResolver.resolve(arguments, root: Self.self, invocation: &invocation,
                                                environment: environment, width: Terminal.defaultWidth) {
        case .text:
            throw ExitCode.success
        case let .run(command):
            return command
        }
    }

    /// The help screen of this command or of the subcommand at `path` (`["device", "add"]`).
    public static func helpText(for path: [String] = [], width: Int = Terminal.defaultWidth) -> String {
        let invocation = CommandInvocation(root: Self.self, arguments: path)
        return HelpFormatter.help(for: invocation.command, path: invocation.names,
                                  isRoot: invocation.path.count == 1, width: width)
    }

    /// Declaration mistakes anywhere in this command tree (clashing option names, a variadic argument
    /// that is not last, duplicate subcommands…). A test asserts it is empty; running a tree with
    /// problems stops at once with the list.
    public static func definitionProblems() -> [String] {
        CommandTree.problems(of: Self.self, path: [commandName])
    }
}
