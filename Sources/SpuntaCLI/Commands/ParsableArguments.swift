/// A set of declarations (`@Option`, `@Flag`, `@Argument`, `@OptionGroup`) that the parser fills from
/// the command line. A command is one; a group of options shared by several commands is another.
public protocol ParsableArguments: Sendable {
    /// Creates the value with its declarations unfilled; the parser fills them.
    init()

    /// Checks the parsed values together, after parsing and before `run`. A thrown `ValidationError`
    /// is a usage error (exit code 2); any other error is reported as a failure.
    mutating func validate() throws
}

extension ParsableArguments {
    public mutating func validate() throws {}
}
