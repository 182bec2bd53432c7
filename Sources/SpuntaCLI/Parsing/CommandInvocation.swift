/// The command a command line selects: the chain of subcommands named by its leading words, and the
/// words left for that command's own declarations.
struct CommandInvocation {
    private(set) var path: [any ParsableCommand.Type]
    private(set) var names: [String]
    private(set) var remaining: [String]

    /// Follows subcommand names from the start of `arguments`.
    init(root: any ParsableCommand.Type, arguments: [String]) {
        path = [root]
        names = [root.commandName]
        var index = 0
        while index < arguments.count,
              let next = path[path.count - 1].configuration.subcommands.first(where: { $0.commandName == arguments[index] }) {
            path.append(next)
            names.append(next.commandName)
            index += 1
        }
        remaining = Array(arguments[index...])
    }

    var command: any ParsableCommand.Type { path[path.count - 1] }

    /// Moves into the default subcommand, which receives the remaining words.
    mutating func descend(into subcommand: any ParsableCommand.Type) {
        path.append(subcommand)
        names.append(subcommand.commandName)
    }

    /// The remaining words before `--`, where `--help` and `--version` count.
    var wordsBeforeTerminator: ArraySlice<String> {
        remaining.prefix { $0 != "--" }
    }
}
