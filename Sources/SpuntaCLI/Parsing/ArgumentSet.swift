/// The declarations of one command, found by reflecting over a fresh instance: every `@Option`,
/// `@Flag` and `@Argument`, including those inside `@OptionGroup`s, in declaration order.
struct ArgumentSet {
    struct Entry {
        let definition: ArgumentDefinition
        let slot: any ArgumentSlot
    }

    private(set) var entries: [Entry] = []
    /// The nested groups, innermost first, whose `validate()` runs before the command's.
    private(set) var groups: [any ParsableArguments] = []

    init(reflecting value: any ParsableArguments) {
        collect(from: value)
    }

    private mutating func collect(from value: any ParsableArguments) {
        for child in Mirror(reflecting: value).children {
            let propertyName = child.label ?? ""
            if let slot = child.value as? any ArgumentSlot {
                entries.append(Entry(definition: slot.definition(propertyName: propertyName), slot: slot))
            } else if let groupSlot = child.value as? any ArgumentGroupSlot {
                collect(from: groupSlot.group)
                groups.append(groupSlot.group)
            }
        }
    }

    var options: [Entry] { entries.filter { $0.definition.kind != .positional } }
    var positionals: [Entry] { entries.filter { $0.definition.kind == .positional } }

    func index(longName: String) -> Int? {
        entries.firstIndex { $0.definition.kind != .positional && $0.definition.name == longName }
    }

    func index(shortName: Character) -> Int? {
        entries.firstIndex { $0.definition.kind != .positional && $0.definition.shortName == shortName }
    }

    /// Declaration mistakes: clashing names, names the toolkit reserves, positional arguments in an
    /// order that cannot be parsed. Empty for a well-formed command.
    var problems: [String] {
        var problems: [String] = []
        var longNames: Set<String> = ["help"]
        var shortNames: Set<Character> = ["h"]
        for entry in options {
            let definition = entry.definition
            if definition.name.isEmpty || definition.name.hasPrefix("-") || definition.name.contains("=")
                || definition.name.contains(" ") {
                problems.append("option name «\(definition.name)» is not a valid long name")
            }
            if !longNames.insert(definition.name).inserted {
                problems.append("--\(definition.name) is declared twice or is reserved")
            }
            if let short = definition.shortName, !shortNames.insert(short).inserted {
                problems.append("-\(short) is declared twice or is reserved")
            }
        }
        var sawOptional = false
        var sawRepeating = false
        for entry in positionals {
            let definition = entry.definition
            if sawRepeating {
                problems.append("<\(definition.valueName)> follows a variadic argument, which takes every word left")
            }
            if definition.isRequired && sawOptional {
                problems.append("required <\(definition.valueName)> follows an optional argument")
            }
            sawOptional = sawOptional || !definition.isRequired
            sawRepeating = sawRepeating || definition.isRepeating
        }
        return problems
    }
}
