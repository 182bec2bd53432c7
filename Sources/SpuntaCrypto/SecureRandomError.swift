/// The operating system could not provide random bytes: neither getentropy(3) nor /dev/urandom worked.
/// Nothing falls back to a weaker generator.
public struct SecureRandomError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The `errno` of the last attempt.
    public let errorNumber: Int32

    public init(errorNumber: Int32) {
        self.errorNumber = errorNumber
    }

    public var description: String {
        "Il sistema non fornisce byte casuali sicuri (errno \(errorNumber)). Verificare /dev/urandom e riprovare."
    }
}
