/// Why the codice fiscale of an ente was refused.
public enum EnteFiscalCodeError: UserFacingError, Hashable, Sendable {
    case empty
    case invalidCharacter(String, position: Int, character: Character)
    case wrongLength(String, length: Int)
    /// `00000000000`: valid by the check digit, but only ever a placeholder.
    case placeholder(String)
    case wrongCheckDigit(String, expected: Int)
    /// Digits 8–10 are not the code of a tax office that gives numbers (001–100, 120, 121, 888, 999).
    case wrongOfficeCode(String, office: String)
    /// The first seven digits, the number within the office (matricola), are all zeros.
    case zeroMatricola(String)

    public var code: String {
        switch self {
        case .empty: return "empty"
        case .invalidCharacter: return "invalid_character"
        case .wrongLength: return "wrong_length"
        case .placeholder: return "placeholder"
        case .wrongCheckDigit: return "bad_check"
        case .wrongOfficeCode: return "bad_office_code"
        case .zeroMatricola: return "zero_matricola"
        }
    }

    /// What is wrong, without advice, for a caller that adds its own context.
    public var reason: String {
        switch self {
        case .empty:
            return "codice fiscale dell'ente mancante"
        case let .invalidCharacter(text, position, character):
            return "codice fiscale dell'ente \(ASCII.excerpt(text)) non valido (sono ammesse solo cifre: "
                + "«\(ASCII.visible(character))» alla posizione \(position))"
        case let .wrongLength(text, length):
            let count = length == 1 ? "1 cifra" : "\(length) cifre"
            return "codice fiscale dell'ente \(text) non valido (\(count) invece di 11)"
        case let .placeholder(text):
            return "codice fiscale dell'ente \(text) non valido (è un valore di esempio)"
        case let .wrongCheckDigit(text, expected):
            return "codice fiscale dell'ente \(text) non valido (cifra di controllo attesa \(expected))"
        case let .wrongOfficeCode(text, office):
            return "codice fiscale dell'ente \(text) non valido (le cifre dall'ottava alla decima, \(office), devono essere il codice "
                + "di un ufficio dell'Agenzia delle Entrate: da 001 a 100, oppure 120, 121, 888 o 999)"
        case let .zeroMatricola(text):
            return "codice fiscale dell'ente \(text) non valido (le prime sette cifre non possono essere tutte zero)"
        }
    }

    public var userMessage: String {
        "\(reason.sentenceCased). "
            + "Indicare il codice fiscale numerico del Comune, come risulta dall'Agenzia delle Entrate."
    }
}
