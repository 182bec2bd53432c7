/// What the user reads when a command fails, and the status the program exits with.
public struct ErrorReport: Equatable, Sendable {
    /// Italian, saying what went wrong and what to do next.
    public var userMessage: String
    public var exitCode: ExitCode

    public init(userMessage: String, exitCode: ExitCode = .failure) {
        self.userMessage = userMessage
        self.exitCode = exitCode
    }
}
