/// The command line does not fit the command's declarations. Each message names the option, argument
/// or word at fault and is written in Italian; the program exits with `ExitCode.usage`.
public struct UsageError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Reason: Equatable, Sendable {
        /// `--foo` is not an option of this command; `suggestion` is a close existing one.
        case unknownOption(String, suggestion: String?)
        /// `--name` was last on the line, or followed by another option.
        case missingValue(option: String)
        /// `--port abc`.
        case invalidValue(option: String, value: String, expected: String)
        /// A variable named by `environment:` holds a value that does not convert.
        case invalidEnvironmentValue(variable: String, option: String, value: String, expected: String)
        /// A required option is absent.
        case missingOption(String)
        /// A required option is absent, and so is the environment variable that may give it instead.
        case missingOptionOrVariable(option: String, variable: String)
        /// A single-valued option given twice.
        case repeatedOption(String)
        /// `--json=yes`: flags take no value.
        case flagWithValue(String)
        /// A required positional argument is absent.
        case missingArgument(String)
        /// A positional word the command has no place for.
        case unexpectedArgument(String)
        /// A word that names no subcommand of a command that has subcommands.
        case unknownSubcommand(String, suggestion: String?)
        /// A command that only groups subcommands was run without one.
        case missingSubcommand
    }

    public let reason: Reason

    public init(_ reason: Reason) {
        self.reason = reason
    }

    /// The Italian message.
    public var userMessage: String {
        switch reason {
        case let .unknownOption(option, suggestion):
            let hint = suggestion.map { " Forse \($0)?" } ?? ""
            return "Opzione sconosciuta: \(option).\(hint) Usare --help per l'elenco delle opzioni."
        case let .missingValue(option):
            return "Manca il valore dell'opzione \(option)."
        case let .invalidValue(option, value, expected):
            return "Valore non valido per \(option): «\(value)» (atteso \(expected))."
        case let .invalidEnvironmentValue(variable, option, value, expected):
            return "Valore non valido nella variabile d'ambiente \(variable) (per \(option)): «\(value)» "
                + "(atteso \(expected))."
        case let .missingOption(option):
            return "Manca l'opzione obbligatoria \(option)."
        case let .missingOptionOrVariable(option, variable):
            return "Manca l'opzione obbligatoria \(option): indicarla sulla riga di comando, oppure impostare la variabile \(variable)."
        case let .repeatedOption(option):
            return "L'opzione \(option) è indicata più volte: indicarla una volta sola."
        case let .flagWithValue(option):
            return "L'opzione \(option) non accetta un valore."
        case let .missingArgument(argument):
            return "Manca l'argomento \(argument)."
        case let .unexpectedArgument(word):
            return "Argomento inatteso: «\(word)». Usare --help per l'uso del comando."
        case let .unknownSubcommand(word, suggestion):
            let hint = suggestion.map { " Forse \($0)?" } ?? ""
            return "Comando sconosciuto: «\(word)».\(hint) Usare --help per l'elenco dei comandi."
        case .missingSubcommand:
            return "Indicare un comando. Usare --help per l'elenco dei comandi."
        }
    }

    public var description: String { userMessage }
}
