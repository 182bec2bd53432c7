/// Why an IBAN was refused. Positions are 1-based in the IBAN written without spaces.
public enum IBANError: UserFacingError, Hashable, Sendable {
    case empty
    case invalidCharacter(String, position: Int, character: Character)
    /// `expected` is 27 for Italy, `nil` where only the ISO range 15–34 is known.
    case wrongLength(String, length: Int, expected: Int?)
    /// The ISO 13616 check digits do not match: a character was mistyped or two were swapped.
    case wrongCheckDigits(String)
    /// The Italian CIN does not match ABI, CAB and account number.
    case wrongCIN(String, expected: Character)

    public var code: String {
        switch self {
        case .empty: return "empty"
        case .invalidCharacter: return "invalid_character"
        case .wrongLength: return "wrong_length"
        case .wrongCheckDigits: return "bad_check"
        case .wrongCIN: return "bad_cin"
        }
    }

    /// What is wrong, without advice, for a caller that adds its own context.
    public var reason: String {
        switch self {
        case .empty:
            return "IBAN mancante"
        case let .invalidCharacter(text, position, character):
            let expected: String
            switch position {
            case 1, 2: expected = "una lettera del codice del paese"
            case 3, 4: expected = "una cifra di controllo"
            case 5 where text.hasPrefix("IT"): expected = "la lettera del CIN"
            case 6...15 where text.hasPrefix("IT"): expected = "una cifra di ABI o CAB"
            default: expected = "una lettera o una cifra"
            }
            return "IBAN \(ASCII.excerpt(text, limit: 34)) non valido (alla posizione \(position) è attesa "
                + "\(expected), non «\(ASCII.visible(character))»)"
        case let .wrongLength(text, length, expected):
            let bound = expected.map { "invece di \($0)" } ?? "invece di 15–34"
            return "IBAN \(ASCII.excerpt(text, limit: 40)) non valido (\(length) caratteri \(bound))"
        case let .wrongCheckDigits(text):
            return "IBAN \(text) non valido (le cifre di controllo non corrispondono: "
                + "un carattere è errato o due sono invertiti)"
        case let .wrongCIN(text, expected):
            return "IBAN \(text) non valido (CIN atteso \(expected))"
        }
    }

    public var userMessage: String {
        "\(reason.sentenceCased). Ricopiarlo dall'estratto conto o dal contratto."
    }
}
