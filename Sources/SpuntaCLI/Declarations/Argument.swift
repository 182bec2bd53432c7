/// A positional argument: `spunta-server import FILE...`.
///
/// As for `Option`, the declared type says what it is: `String` required, `String = "x"` with a
/// default, `String?` optional, `[String]` one or more (variadic, must be the last), `[String] = []`
/// zero or more. Required arguments come before optional ones.
@propertyWrapper
public struct Argument<Value: Sendable>: Sendable {
    private let storage: ValueStorage<Value>
    private let declaration: Declaration
    private let convert: @Sendable ([String]) throws -> Value

    private struct Declaration: Sendable {
        var valueName: String?
        var help: String
        var isRepeating: Bool
        var isRequired: Bool
        var defaultDescription: String?
        var allowedValues: [String]
    }

    public var wrappedValue: Value {
        get { storage.read("argument <\(declaration.valueName ?? "?")>") }
        nonmutating set { storage.set(newValue) }
    }

    private init(storage: ValueStorage<Value>, declaration: Declaration,
                 convert: @escaping @Sendable ([String]) throws -> Value) {
        self.storage = storage
        self.declaration = declaration
        self.convert = convert
    }

    fileprivate static func element<T: ArgumentValue>(_ raw: String, as type: T.Type) throws -> T {
        guard let value = T(argument: raw) else {
            throw ArgumentValueError(value: raw, expectation: T.expectedValue)
        }
        return value
    }
}

extension Argument where Value: ArgumentValue {
    /// A positional argument with a default value.
    public init(wrappedValue: Value, valueName: String? = nil, help: String) {
        self.init(
            storage: ValueStorage(initial: wrappedValue),
            declaration: Declaration(valueName: valueName, help: help, isRepeating: false, isRequired: false,
                                     defaultDescription: wrappedValue.argumentDescription,
                                     allowedValues: Value.allValueStrings),
            convert: Argument.single)
    }

    /// A required positional argument.
    public init(valueName: String? = nil, help: String) {
        self.init(
            storage: ValueStorage(),
            declaration: Declaration(valueName: valueName, help: help, isRepeating: false, isRequired: true,
                                     defaultDescription: nil, allowedValues: Value.allValueStrings),
            convert: Argument.single)
    }

    @Sendable
    private static func single(_ rawValues: [String]) throws -> Value {
        guard let raw = rawValues.first else { throw ArgumentValueError(value: "", expectation: Value.expectedValue) }
        return try element(raw, as: Value.self)
    }
}

extension Argument {
    /// An optional positional argument: nil when absent.
    public init<Wrapped: ArgumentValue>(valueName: String? = nil, help: String) where Value == Wrapped? {
        self.init(wrappedValue: nil, valueName: valueName, help: help)
    }

    /// An optional positional argument written with an explicit default.
    public init<Wrapped: ArgumentValue>(wrappedValue: Wrapped?, valueName: String? = nil,
                                        help: String) where Value == Wrapped? {
        self.init(
            storage: ValueStorage(initial: wrappedValue),
            declaration: Declaration(valueName: valueName, help: help, isRepeating: false, isRequired: false,
                                     defaultDescription: wrappedValue?.argumentDescription,
                                     allowedValues: Wrapped.allValueStrings),
            convert: { rawValues in
                guard let raw = rawValues.first else { return nil }
                return try Argument.element(raw, as: Wrapped.self)
            })
    }

    /// A variadic positional argument taking one or more words.
    public init<Element: ArgumentValue>(valueName: String? = nil, help: String) where Value == [Element] {
        self.init(
            storage: ValueStorage(),
            declaration: Declaration(valueName: valueName, help: help, isRepeating: true, isRequired: true,
                                     defaultDescription: nil, allowedValues: Element.allValueStrings),
            convert: { rawValues in try rawValues.map { try Argument.element($0, as: Element.self) } })
    }

    /// A variadic positional argument with a default list (usually `[]`): zero or more words.
    public init<Element: ArgumentValue>(wrappedValue: [Element], valueName: String? = nil,
                                        help: String) where Value == [Element] {
        self.init(
            storage: ValueStorage(initial: wrappedValue),
            declaration: Declaration(valueName: valueName, help: help, isRepeating: true, isRequired: false,
                                     defaultDescription: nil, allowedValues: Element.allValueStrings),
            convert: { rawValues in try rawValues.map { try Argument.element($0, as: Element.self) } })
    }
}

extension Argument: ArgumentSlot {
    func definition(propertyName: String) -> ArgumentDefinition {
        let name = declaration.valueName ?? ArgumentDefinition.kebabCase(propertyName)
        return ArgumentDefinition(
            kind: .positional, name: name, shortName: nil, help: declaration.help, valueName: name,
            environmentVariable: nil, isRepeating: declaration.isRepeating, isRequired: declaration.isRequired,
            defaultDescription: declaration.defaultDescription, allowedValues: declaration.allowedValues)
    }

    func assign(_ rawValues: [String]) throws {
        storage.set(try convert(rawValues))
    }
}
