/// From a command line to what happens: a help or version text to print, or a parsed and validated
/// command to run.
enum CommandResolver {
    enum Resolution {
        case text(String)
        case run(any ParsableCommand)
    }

    static func resolve(_ arguments: [String], root: any ParsableCommand.Type, invocation: inout CommandInvocation,
                        environment: [String: String], width: Int) throws -> Resolution {
        let problems = CommandTree.problems(of: root, path: [root.commandName])
        precondition(problems.isEmpty, "command declarations are inconsistent: " + problems.joined(separator: "; "))
        let rootConfiguration = root.configuration

        // `help device add` is `device add --help`.
        if arguments.first == "help", !rootConfiguration.subcommands.isEmpty,
           !rootConfiguration.subcommands.contains(where: { $0.commandName == "help" }) {
            let target = CommandInvocation(root: root, arguments: Array(arguments.dropFirst()))
            invocation = target
            if let word = target.remaining.first {
                let names = target.command.configuration.subcommands.map { $0.commandName }
                throw UsageError(.unknownSubcommand(word, suggestion: CommandLineParser.closest(to: word, among: names)))
            }
            return .text(HelpFormatter.help(for: target.command, path: target.names,
                                            isRoot: target.path.count == 1, width: width))
        }

        let words = invocation.wordsBeforeTerminator
        if words.contains("--help") || words.contains("-h") {
            return .text(HelpFormatter.help(for: invocation.command, path: invocation.names,
                                            isRoot: invocation.path.count == 1, width: width))
        }
        if invocation.path.count == 1, let version = rootConfiguration.version, words.contains("--version") {
            return .text(version + "\n")
        }

        let selected = invocation.command.configuration
        if !selected.subcommands.isEmpty {
            let takesPositionals = declaresPositionals(invocation.command)
            if let first = invocation.remaining.first, !CommandLineParser.isOptionLike(first), first != "--",
               !takesPositionals {
                let names = selected.subcommands.map { $0.commandName }
                throw UsageError(.unknownSubcommand(first, suggestion: CommandLineParser.closest(to: first, among: names)))
            }
            if let defaultSubcommand = selected.defaultSubcommand {
                invocation.descend(into: defaultSubcommand)
            }
        }

        let command: any ParsableCommand = try parseAndValidate(
            invocation.command, words: invocation.remaining, environment: environment)
        return .run(command)
    }

    /// Generic over the concrete command so that the existential is opened once (mutating `validate()`
    /// through an opened existential crashes SILGen in Swift 6.3).
    private static func parseAndValidate<Command: ParsableCommand>(
        _ type: Command.Type, words: [String], environment: [String: String]
    ) throws -> Command {
        var command = Command()
        let set = ArgumentSet(reflecting: command)
        try CommandLineParser.parse(words, into: set, environment: environment,
                                    subcommandNames: Command.configuration.subcommands.map { $0.commandName })
        for group in set.groups {
            try validate(group)
        }
        try command.validate()
        return command
    }

    private static func declaresPositionals<Command: ParsableCommand>(_ type: Command.Type) -> Bool {
        !ArgumentSet(reflecting: Command()).positionals.isEmpty
    }

    /// Runs a group's `validate()`; its declarations share storage with the command's copy.
    private static func validate<Group: ParsableArguments>(_ group: Group) throws {
        var group = group
        try group.validate()
    }
}
