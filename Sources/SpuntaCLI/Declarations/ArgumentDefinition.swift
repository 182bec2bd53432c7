/// What a declaration looks like to the parser and the help screen.
struct ArgumentDefinition: Sendable {
    enum Kind: Sendable {
        case option
        case flag
        case positional
    }

    var kind: Kind
    /// Long name without dashes (`dry-run`); for a positional argument, its display name.
    var name: String
    var shortName: Character?
    var help: String
    /// The placeholder shown after an option or for a positional argument: `<nome>`.
    var valueName: String
    var environmentVariable: String?
    /// An option that may be given more than once, or a variadic positional argument.
    var isRepeating: Bool
    var isRequired: Bool
    /// The default as shown in the help screen, when there is one worth showing.
    var defaultDescription: String?
    var allowedValues: [String]

    /// `--name`, as messages name an option or flag.
    var displayName: String {
        switch kind {
        case .option, .flag: return "--" + name
        case .positional: return "<" + valueName + ">"
        }
    }

    /// The long name derived from a Swift property name: `_dryRun` → `dry-run`, `iseeURL` → `isee-url`.
    static func kebabCase(_ propertyName: String) -> String {
        let characters = Array(propertyName.drop { $0 == "_" })
        var result = ""
        for (index, character) in characters.enumerated() {
            if character.isUppercase && index > 0 {
                let previous = characters[index - 1]
                let nextIsLower = index + 1 < characters.count && characters[index + 1].isLowercase
                if previous.isLowercase || previous.isNumber || (previous.isUppercase && nextIsLower) {
                    result.append("-")
                }
            }
            result.append(contentsOf: character.lowercased())
        }
        return result
    }
}
