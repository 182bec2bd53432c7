/// An option that takes a value: `--port 8080` or `--port=8080`, with an optional short name
/// (`-p 8080`) and an optional environment-variable fallback.
///
/// The declared type says what the option is:
/// - `@Option(help: …) var name: String` — required; missing is a usage error.
/// - `@Option(help: …) var port: Int = 8080` — optional with a default.
/// - `@Option(help: …) var since: String?` — optional, nil when absent.
/// - `@Option(help: …) var scope: [String]` — repeatable, at least once; `= []` to make it optional.
///
/// The long name is the property name in kebab case (`dryRun` → `--dry-run`) unless `name:` says
/// otherwise. With `environment:`, an option absent from the command line is read from that variable.
@propertyWrapper
public struct Option<Value: Sendable>: Sendable {
    private let storage: ValueStorage<Value>
    private let declaration: Declaration
    private let convert: @Sendable ([String]) throws -> Value

    /// What the initialisers record, completed with the property name at parse time.
    private struct Declaration: Sendable {
        var name: String?
        var shortName: Character?
        var environmentVariable: String?
        var valueName: String?
        var help: String
        var isRepeating: Bool
        var isRequired: Bool
        var defaultDescription: String?
        var allowedValues: [String]
    }

    public var wrappedValue: Value {
        get { storage.read("option --\(declaration.name ?? "?")") }
        nonmutating set { storage.set(newValue) }
    }

    private init(storage: ValueStorage<Value>, declaration: Declaration,
                 convert: @escaping @Sendable ([String]) throws -> Value) {
        self.storage = storage
        self.declaration = declaration
        self.convert = convert
    }
}

extension Option where Value: ArgumentValue {
    /// An option with a default value.
    public init(wrappedValue: Value, name: String? = nil, short: Character? = nil, environment: String? = nil,
                valueName: String? = nil, help: String) {
        self.init(
            storage: ValueStorage(initial: wrappedValue),
            declaration: Declaration(name: name, shortName: short, environmentVariable: environment,
                                     valueName: valueName, help: help, isRepeating: false, isRequired: false,
                                     defaultDescription: wrappedValue.argumentDescription,
                                     allowedValues: Value.allValueStrings),
            convert: Option.single)
    }

    /// A required option.
    public init(name: String? = nil, short: Character? = nil, environment: String? = nil,
                valueName: String? = nil, help: String) {
        self.init(
            storage: ValueStorage(),
            declaration: Declaration(name: name, shortName: short, environmentVariable: environment,
                                     valueName: valueName, help: help, isRepeating: false, isRequired: true,
                                     defaultDescription: nil, allowedValues: Value.allValueStrings),
            convert: Option.single)
    }

    @Sendable
    private static func single(_ rawValues: [String]) throws -> Value {
        guard let raw = rawValues.last else { throw ArgumentValueError(value: "", expectation: Value.expectedValue) }
        return try Option.element(raw, as: Value.self)
    }
}

extension Option {
    /// An optional option: nil when absent.
    public init<Wrapped: ArgumentValue>(name: String? = nil, short: Character? = nil, environment: String? = nil,
                                        valueName: String? = nil, help: String) where Value == Wrapped? {
        self.init(wrappedValue: nil, name: name, short: short, environment: environment, valueName: valueName,
                  help: help)
    }

    /// An optional option written with an explicit default (`= nil`, or a value).
    public init<Wrapped: ArgumentValue>(wrappedValue: Wrapped?, name: String? = nil, short: Character? = nil,
                                        environment: String? = nil, valueName: String? = nil,
                                        help: String) where Value == Wrapped? {
        self.init(
            storage: ValueStorage(initial: wrappedValue),
            declaration: Declaration(name: name, shortName: short, environmentVariable: environment,
                                     valueName: valueName, help: help, isRepeating: false, isRequired: false,
                                     defaultDescription: wrappedValue?.argumentDescription,
                                     allowedValues: Wrapped.allValueStrings),
            convert: { rawValues in
                guard let raw = rawValues.last else { return nil }
                return try Option.element(raw, as: Wrapped.self)
            })
    }

    /// A repeatable option that must be given at least once.
    public init<Element: ArgumentValue>(name: String? = nil, short: Character? = nil, environment: String? = nil,
                                        valueName: String? = nil, help: String) where Value == [Element] {
        self.init(
            storage: ValueStorage(),
            declaration: Declaration(name: name, shortName: short, environmentVariable: environment,
                                     valueName: valueName, help: help, isRepeating: true, isRequired: true,
                                     defaultDescription: nil, allowedValues: Element.allValueStrings),
            convert: { rawValues in try rawValues.map { try Option.element($0, as: Element.self) } })
    }

    /// A repeatable option with a default list (usually `[]`).
    public init<Element: ArgumentValue>(wrappedValue: [Element], name: String? = nil, short: Character? = nil,
                                        environment: String? = nil, valueName: String? = nil,
                                        help: String) where Value == [Element] {
        self.init(
            storage: ValueStorage(initial: wrappedValue),
            declaration: Declaration(name: name, shortName: short, environmentVariable: environment,
                                     valueName: valueName, help: help, isRepeating: true, isRequired: false,
                                     defaultDescription: wrappedValue.isEmpty
                                        ? nil : wrappedValue.map(\.argumentDescription).joined(separator: " "),
                                     allowedValues: Element.allValueStrings),
            convert: { rawValues in try rawValues.map { try Option.element($0, as: Element.self) } })
    }

    fileprivate static func element<T: ArgumentValue>(_ raw: String, as type: T.Type) throws -> T {
        guard let value = T(argument: raw) else {
            throw ArgumentValueError(value: raw, expectation: T.expectedValue)
        }
        return value
    }
}

extension Option: ArgumentSlot {
    func definition(propertyName: String) -> ArgumentDefinition {
        let name = declaration.name ?? ArgumentDefinition.kebabCase(propertyName)
        return ArgumentDefinition(
            kind: .option, name: name, shortName: declaration.shortName, help: declaration.help,
            valueName: declaration.valueName ?? name, environmentVariable: declaration.environmentVariable,
            isRepeating: declaration.isRepeating, isRequired: declaration.isRequired,
            defaultDescription: declaration.defaultDescription, allowedValues: declaration.allowedValues)
    }

    func assign(_ rawValues: [String]) throws {
        storage.set(try convert(rawValues))
    }
}
