/// Checks of a whole program's declarations, from the root command down: the mistakes a developer can
/// make that the compiler cannot see.
enum CommandTree {
    static func problems(of command: any ParsableCommand.Type, path: [String]) -> [String] {
        let where_ = path.joined(separator: " ")
        var problems = ArgumentSet(reflecting: command.init()).problems.map { "\(where_): \($0)" }
        let configuration = command.configuration
        var names: Set<String> = []
        for subcommand in configuration.subcommands {
            let name = subcommand.commandName
            if name.isEmpty || name.hasPrefix("-") || name.contains(" ") {
                problems.append("\(where_): subcommand name «\(name)» is not a valid word")
            }
            if !names.insert(name).inserted {
                problems.append("\(where_): two subcommands are named «\(name)»")
            }
            problems += Self.problems(of: subcommand, path: path + [name])
        }
        if let defaultSubcommand = configuration.defaultSubcommand,
           !configuration.subcommands.contains(where: { ObjectIdentifier($0) == ObjectIdentifier(defaultSubcommand) }) {
            problems.append("\(where_): the default subcommand is not among the subcommands")
        }
        return problems
    }
}
