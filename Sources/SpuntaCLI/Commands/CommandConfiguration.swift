/// How a command presents itself: its name on the command line, its one-line description (shown in the
/// parent's list of commands and on top of its help), a longer discussion, its subcommands.
public struct CommandConfiguration: Sendable {
    /// The word that selects this command; the type name in kebab case when nil.
    public var commandName: String?
    /// One sentence, Italian: "Registra un nuovo dispositivo."
    public var abstract: String
    /// Further paragraphs for the help screen: examples, what to do next.
    public var discussion: String
    /// Shown by `--version`, accepted on the root command only when set.
    public var version: String?
    /// Commands selected by the next word: `spunta-server device add`.
    public var subcommands: [any ParsableCommand.Type]
    /// The subcommand that runs when none is named.
    public var defaultSubcommand: (any ParsableCommand.Type)?

    public init(
        commandName: String? = nil,
        abstract: String = "",
        discussion: String = "",
        version: String? = nil,
        subcommands: [any ParsableCommand.Type] = [],
        defaultSubcommand: (any ParsableCommand.Type)? = nil
    ) {
        self.commandName = commandName
        self.abstract = abstract
        self.discussion = discussion
        self.version = version
        self.subcommands = subcommands
        self.defaultSubcommand = defaultSubcommand
    }
}
