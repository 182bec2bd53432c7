/// An error that knows what the user should read. Errors of modules that use SpuntaCLI adopt it;
/// errors of modules that do not (a domain `UserFacingError`) are mapped by the root command's
/// `report(for:)`. Other errors fall back to `LocalizedError.errorDescription`, then to a generic message.
public protocol ReportableError: Error {
    /// Italian, saying what went wrong and what to do next.
    var userMessage: String { get }
    /// `.failure` unless the error means something else, e.g. `.notHealthy`.
    var exitCode: ExitCode { get }
}

extension ReportableError {
    public var exitCode: ExitCode { .failure }
}
