/// Why a codice avviso was refused.
public enum NoticeNumberError: UserFacingError, Hashable, Sendable {
    case empty
    case invalidCharacter(String, position: Int, character: Character)
    case wrongLength(String, length: Int)
    /// The first digit is not 0–3.
    case unknownAuxDigit(String, digit: Character)
    case wrongCheckDigits(String, expected: String)

    public var code: String {
        switch self {
        case .empty: return "empty"
        case .invalidCharacter: return "invalid_character"
        case .wrongLength: return "wrong_length"
        case .unknownAuxDigit: return "unknown_aux_digit"
        case .wrongCheckDigits: return "bad_check"
        }
    }

    /// What is wrong, without advice, for a caller that adds its own context.
    public var reason: String {
        switch self {
        case .empty:
            return "codice avviso mancante"
        case let .invalidCharacter(text, position, character):
            return "codice avviso \(ASCII.excerpt(text, limit: 30)) non valido (sono ammesse solo cifre: "
                + "«\(ASCII.visible(character))» alla posizione \(position))"
        case let .wrongLength(text, length):
            return "codice avviso \(ASCII.excerpt(text, limit: 30)) non valido (\(length) cifre invece di 18)"
        case let .unknownAuxDigit(text, digit):
            return "codice avviso \(text) non valido (inizia con \(digit): un codice avviso pagoPA inizia "
                + "con 0, 1, 2 o 3)"
        case let .wrongCheckDigits(text, expected):
            return "codice avviso \(text) non valido (cifre di controllo attese \(expected))"
        }
    }

    public var userMessage: String {
        "\(reason.sentenceCased). Ricopiarlo dall'avviso di pagamento."
    }
}
