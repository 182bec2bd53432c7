/// A flag: `--json`, `-v`. Absent it is `false`, given it is `true`; it takes no value.
///
/// `@Flag(help: "Risultato in JSON, un oggetto per riga.") var json = false`
@propertyWrapper
public struct Flag: Sendable {
    private let storage: ValueStorage<Bool>
    private let name: String?
    private let shortName: Character?
    private let help: String

    /// A flag, `false` unless given. The long name is the property name in kebab case unless `name:` says otherwise.
    public init(wrappedValue: Bool = false, name: String? = nil, short: Character? = nil, help: String) {
        precondition(!wrappedValue, "a flag starts false and is named after what it turns on")
        storage = ValueStorage(initial: false)
        self.name = name
        self.shortName = short
        self.help = help
    }

    public var wrappedValue: Bool {
        get { storage.read("flag --\(name ?? "?")") }
        nonmutating set { storage.set(newValue) }
    }
}

extension Flag: ArgumentSlot {
    func definition(propertyName: String) -> ArgumentDefinition {
        let name = self.name ?? ArgumentDefinition.kebabCase(propertyName)
        return ArgumentDefinition(
            kind: .flag, name: name, shortName: shortName, help: help, valueName: "",
            environmentVariable: nil, isRepeating: false, isRequired: false, defaultDescription: nil,
            allowedValues: [])
    }

    func assign(_ rawValues: [String]) throws {
        storage.set(!rawValues.isEmpty)
    }
}
