/// Why an e-mail address was refused.
public enum EmailAddressError: UserFacingError, Hashable, Sendable {
    case empty
    case tooLong(length: Int)
    /// A `;` or `,`: two addresses pasted into one field.
    case multipleAddresses(String)
    case containsSpace(String)
    case missingAt(String)
    case multipleAt(String)
    case emptyLocalPart(String)
    case localPartTooLong(String)
    /// An accented letter, a bracket, a quote…
    case invalidCharacter(String, character: Character)
    /// A dot at the start or end of the part before `@`, or two dots in a row.
    case misplacedDot(String)
    case domainWithoutDot(String)
    case invalidDomain(String)

    public var code: String {
        switch self {
        case .empty: return "empty"
        case .tooLong: return "too_long"
        case .multipleAddresses: return "multiple_addresses"
        case .containsSpace: return "contains_space"
        case .missingAt: return "missing_at"
        case .multipleAt: return "multiple_at"
        case .emptyLocalPart: return "empty_local_part"
        case .localPartTooLong: return "local_part_too_long"
        case .invalidCharacter: return "invalid_character"
        case .misplacedDot: return "misplaced_dot"
        case .domainWithoutDot: return "domain_without_dot"
        case .invalidDomain: return "invalid_domain"
        }
    }

    /// What is wrong, without advice, for a caller that adds its own context.
    public var reason: String {
        switch self {
        case .empty:
            return "indirizzo e-mail mancante"
        case let .tooLong(length):
            return "indirizzo e-mail troppo lungo (\(length) caratteri, al massimo \(EmailAddress.maximumLength))"
        case let .multipleAddresses(text):
            return "«\(ASCII.excerpt(text, limit: 60))» contiene più indirizzi e-mail: ne va indicato uno solo"
        case let .containsSpace(text):
            return "l'indirizzo e-mail «\(ASCII.excerpt(text, limit: 60))» contiene spazi"
        case let .missingAt(text):
            return "l'indirizzo e-mail «\(ASCII.excerpt(text, limit: 60))» non contiene la chiocciola @"
        case let .multipleAt(text):
            return "l'indirizzo e-mail «\(ASCII.excerpt(text, limit: 60))» contiene più di una chiocciola @"
        case let .emptyLocalPart(text):
            return "l'indirizzo e-mail «\(ASCII.excerpt(text, limit: 60))» non ha nulla prima della @"
        case let .localPartTooLong(text):
            return "l'indirizzo e-mail «\(ASCII.excerpt(text, limit: 60))» ha più di 64 caratteri prima della @"
        case let .invalidCharacter(text, character):
            return "l'indirizzo e-mail «\(ASCII.excerpt(text, limit: 60))» contiene il carattere non ammesso "
                + "«\(ASCII.visible(character))»"
        case let .misplacedDot(text):
            return "l'indirizzo e-mail «\(ASCII.excerpt(text, limit: 60))» ha un punto all'inizio, alla fine "
                + "o ripetuto prima della @"
        case let .domainWithoutDot(text):
            return "l'indirizzo e-mail «\(ASCII.excerpt(text, limit: 60))» non ha un dominio completo dopo la @ "
                + "(ad esempio «libero.it»)"
        case let .invalidDomain(text):
            return "il dominio dell'indirizzo e-mail «\(ASCII.excerpt(text, limit: 60))» non è valido"
        }
    }

    public var userMessage: String {
        "\(reason.sentenceCased). Controllare l'indirizzo con la famiglia e correggerlo."
    }
}
