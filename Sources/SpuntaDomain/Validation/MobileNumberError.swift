/// Why a mobile number was refused.
public enum MobileNumberError: UserFacingError, Hashable, Sendable {
    case empty
    /// A country code other than +39.
    case foreign(String)
    case invalidCharacter(String, character: Character)
    /// Starts with 0: a landline, which cannot receive SMS.
    case landline(String)
    /// Starts with neither 3 nor 0 (a toll-free or service number, or a typo).
    case notMobile(String)
    /// `digits`: how many digits remain after the country code.
    case wrongLength(String, digits: Int)

    public var code: String {
        switch self {
        case .empty: return "empty"
        case .foreign: return "not_italian"
        case .invalidCharacter: return "invalid_character"
        case .landline: return "landline"
        case .notMobile: return "not_mobile"
        case .wrongLength: return "wrong_length"
        }
    }

    /// What is wrong, without advice, for a caller that adds its own context.
    public var reason: String {
        switch self {
        case .empty:
            return "numero di cellulare mancante"
        case let .foreign(text):
            return "il numero \(ASCII.excerpt(text, limit: 30)) non è italiano: gli SMS partono solo verso "
                + "cellulari con prefisso +39"
        case let .invalidCharacter(text, character):
            return "il numero \(ASCII.excerpt(text, limit: 30)) contiene il carattere non ammesso "
                + "«\(ASCII.visible(character))»"
        case let .landline(text):
            return "il numero \(ASCII.excerpt(text, limit: 30)) è di rete fissa e non riceve SMS: serve un "
                + "cellulare (inizia con 3)"
        case let .notMobile(text):
            return "il numero \(ASCII.excerpt(text, limit: 30)) non è un cellulare (un cellulare inizia con 3)"
        case let .wrongLength(text, digits):
            return "il numero \(ASCII.excerpt(text, limit: 30)) ha \(digits) cifre: un cellulare ne ha 9 o 10"
        }
    }

    public var userMessage: String {
        "\(reason.sentenceCased). Chiedere alla famiglia un numero di cellulare e correggerlo."
    }
}
