/// Thrown from `validate()` when the values do not go together: a usage error, exit code 2.
///
/// `throw ValidationError("--dal deve precedere --al.")`
public struct ValidationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Italian, naming the options concerned.
    public let userMessage: String

    public init(_ userMessage: String) {
        self.userMessage = userMessage
    }

    public var description: String { userMessage }
}
