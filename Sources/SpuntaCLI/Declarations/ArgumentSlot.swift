/// A declaration the parser can describe and fill: implemented by `Option`, `Flag` and `Argument`.
protocol ArgumentSlot {
    /// The definition, naming the declaration after `propertyName` unless it was given a name.
    func definition(propertyName: String) -> ArgumentDefinition

    /// Converts and stores the raw strings given for this declaration (one per occurrence, or the
    /// positional words it took). Throws `ArgumentValueError` for a value that does not convert.
    func assign(_ rawValues: [String]) throws
}

/// A nested group of declarations: implemented by `OptionGroup`.
protocol ArgumentGroupSlot {
    var group: any ParsableArguments { get }
}

/// A raw string that does not convert to the declared type, with what was expected (Italian).
struct ArgumentValueError: Error {
    let value: String
    let expectation: String
}
