import Foundation

/// A type an option or argument can be declared with: it reads itself from one command-line word.
/// `String`, the integer types, `Double` and `Bool` conform; so does any `String` enum that is
/// `CaseIterable` and declares the conformance (`enum Format: String, CaseIterable, ArgumentValue`).
public protocol ArgumentValue: Sendable {
    /// The value written as `argument`, or nil when the word is not one.
    init?(argument: String)

    /// What a valid word looks like, in Italian, for error messages: "un numero intero".
    static var expectedValue: String { get }

    /// Every valid word, when there are few (enum cases); empty otherwise.
    static var allValueStrings: [String] { get }

    /// The value as the help screen shows a default.
    var argumentDescription: String { get }
}

extension ArgumentValue {
    public static var expectedValue: String { "un valore valido" }
    public static var allValueStrings: [String] { [] }
    public var argumentDescription: String { String(describing: self) }
}

extension ArgumentValue where Self: RawRepresentable, Self.RawValue == String, Self: CaseIterable {
    public init?(argument: String) {
        self.init(rawValue: argument)
    }

    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
    public static var expectedValue: String { "uno tra " + allValueStrings.joined(separator: ", ") }
    public var argumentDescription: String { rawValue }
}

extension String: ArgumentValue {
    public init?(argument: String) {
        self = argument
    }

    public static var expectedValue: String { "un testo" }
}

extension Int: ArgumentValue {
    public init?(argument: String) {
        self.init(argument)
    }

    public static var expectedValue: String { "un numero intero" }
}

extension Int64: ArgumentValue {
    public init?(argument: String) {
        self.init(argument)
    }

    public static var expectedValue: String { "un numero intero" }
}

extension Int32: ArgumentValue {
    public init?(argument: String) {
        self.init(argument)
    }

    public static var expectedValue: String { "un numero intero" }
}

extension UInt16: ArgumentValue {
    public init?(argument: String) {
        self.init(argument)
    }

    public static var expectedValue: String { "un numero intero da 0 a 65535" }
}

extension UInt: ArgumentValue {
    public init?(argument: String) {
        self.init(argument)
    }

    public static var expectedValue: String { "un numero intero non negativo" }
}

extension Double: ArgumentValue {
    /// Accepts a decimal point or, as Italians write it, a decimal comma; refuses infinities and NaN.
    public init?(argument: String) {
        guard let value = Double(argument.replacingOccurrences(of: ",", with: ".")), value.isFinite else {
            return nil
        }
        self = value
    }

    public static var expectedValue: String { "un numero" }
}

extension Bool: ArgumentValue {
    public init?(argument: String) {
        switch argument.lowercased() {
        case "true", "sì", "si", "1", "yes": self = true
        case "false", "no", "0": self = false
        default: return nil
        }
    }

    public static var expectedValue: String { "sì o no" }
    public static var allValueStrings: [String] { ["sì", "no"] }
}
