import Foundation

/// The one place where an error thrown while parsing or running a command becomes what the user reads
/// and the exit status.
enum ErrorReporter {
    /// The report for `error`; nil when the error is an `ExitCode`, which ends the program silently.
    static func report(for error: any Error, root: any ParsableCommand.Type) -> ErrorReport? {
        switch error {
        case is ExitCode:
            return nil
        case let usage as UsageError:
            return ErrorReport(userMessage: usage.userMessage, exitCode: .usage)
        case let validation as ValidationError:
            return ErrorReport(userMessage: validation.userMessage, exitCode: .usage)
        default:
            break
        }
        if let report = root.report(for: error) { return report }
        if let reportable = error as? any ReportableError {
            return ErrorReport(userMessage: reportable.userMessage, exitCode: reportable.exitCode)
        }
        if let localized = error as? any LocalizedError, let description = localized.errorDescription {
            return ErrorReport(userMessage: description, exitCode: .failure)
        }
        return ErrorReport(userMessage: "Errore imprevisto: \(String(describing: error)).", exitCode: .failure)
    }

    static func exitCode(for error: any Error, root: any ParsableCommand.Type) -> ExitCode {
        if let code = error as? ExitCode { return code }
        return report(for: error, root: root)?.exitCode ?? .failure
    }
}
