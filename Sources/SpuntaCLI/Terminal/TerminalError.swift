/// A terminal operation failed: the descriptor is not a terminal, or a termios call was refused.
public enum TerminalError: ReportableError, Equatable, Sendable {
    /// Raw mode was asked of something that is not a terminal (input from a file or a pipe).
    case notATerminal(fileDescriptor: Int32)
    /// `tcgetattr` or `tcsetattr` failed with `errno`.
    case systemCall(String, errno: Int32)

    public var userMessage: String {
        switch self {
        case .notATerminal:
            return "L'ingresso non è un terminale: questa schermata richiede una tastiera. "
                + "Avviare il comando da un terminale."
        case let .systemCall(call, errorNumber):
            return "Impossibile configurare il terminale (\(call), errno \(errorNumber))."
        }
    }
}
