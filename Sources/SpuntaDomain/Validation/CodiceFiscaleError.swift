/// Why a codice fiscale was refused. Positions are 1-based, as a person counts them on the card.
public enum CodiceFiscaleError: UserFacingError, Hashable, Sendable {
    case empty
    case wrongLength(String, length: Int)
    /// A character that cannot stand at that position (a digit among the letters, a symbol, a space).
    case invalidCharacter(String, position: Int, character: Character)
    /// A letter at a digit position that is not one of the omocodia letters `L M N P Q R S T U V`.
    case invalidOmocodiaCharacter(String, position: Int, character: Character)
    case invalidMonth(String, letter: Character)
    /// `day` as written in the code (41–71 for women); `month` 1–12.
    case invalidDay(String, day: Int, month: Int)
    case wrongCheckCharacter(String, expected: Character)

    public var code: String {
        switch self {
        case .empty: return "empty"
        case .wrongLength: return "wrong_length"
        case .invalidCharacter: return "invalid_character"
        case .invalidOmocodiaCharacter: return "invalid_omocodia_character"
        case .invalidMonth: return "invalid_month"
        case .invalidDay: return "invalid_day"
        case .wrongCheckCharacter: return "bad_check"
        }
    }

    /// What is wrong, without advice, for a caller that adds its own context and next step:
    /// `codice fiscale RSSMRA85T10A562X non valido (carattere di controllo atteso S)`.
    public var reason: String {
        switch self {
        case .empty:
            return "codice fiscale mancante"
        case let .wrongLength(text, length):
            let count = length == 1 ? "1 carattere" : "\(length) caratteri"
            return "codice fiscale \(ASCII.excerpt(text, limit: 40)) non valido (\(count) invece di 16)"
        case let .invalidCharacter(text, position, character):
            let expected = CodiceFiscale.omocodiaOffsets.contains(position - 1) ? "una cifra" : "una lettera"
            return "codice fiscale \(ASCII.excerpt(text)) non valido (alla posizione \(position) è attesa "
                + "\(expected), non «\(ASCII.visible(character))»)"
        case let .invalidOmocodiaCharacter(text, position, character):
            return "codice fiscale \(text) non valido (alla posizione \(position) è attesa una cifra o una "
                + "lettera di omocodia L M N P Q R S T U V, non «\(character)»)"
        case let .invalidMonth(text, letter):
            return "codice fiscale \(text) non valido (la lettera del mese «\(letter)» non esiste: "
                + "i mesi sono A B C D E H L M P R S T)"
        case let .invalidDay(text, day, month):
            let dayOfMonth = day > 40 ? day - 40 : day
            if (1...31).contains(day) || (41...71).contains(day) {
                return "codice fiscale \(text) non valido (il giorno \(dayOfMonth) non esiste in "
                    + "\(BillingPeriod.monthNames[month - 1]))"
            }
            return "codice fiscale \(text) non valido (giorno di nascita \(day) impossibile: "
                + "01–31 per gli uomini, 41–71 per le donne)"
        case let .wrongCheckCharacter(text, expected):
            return "codice fiscale \(text) non valido (carattere di controllo atteso \(expected))"
        }
    }

    public var userMessage: String {
        switch self {
        case .empty:
            return "Codice fiscale mancante: indicarlo come riportato sulla tessera sanitaria."
        default:
            return "\(reason.sentenceCased). "
                + "Verificarlo sulla tessera sanitaria e correggerlo."
        }
    }
}
