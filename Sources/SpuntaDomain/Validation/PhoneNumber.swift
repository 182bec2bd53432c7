/// Numero di telefono italiano of a payer, fixed or mobile, to call a family (it does not receive SMS alerts:
/// those go to `MobileNumber`). A landline starts with 0 and has 6 to 11 digits; a number starting with 3 is
/// read as a mobile. Kept in E.164 (`+39061234567`).
public struct PhoneNumber: Hashable, Sendable, CustomStringConvertible {
    /// The national number, digits only: `061234567`.
    public let nationalNumber: String

    private static let separators: Set<Character> = [" ", "-", ".", "/", "(", ")", "\u{00A0}"]

    public init(validating text: String) throws(PhoneNumberError) {
        let trimmed = ASCII.trimmed(text)
        guard !trimmed.isEmpty else { throw .empty }
        if let mobile = try? MobileNumber(validating: trimmed) {
            nationalNumber = mobile.nationalNumber
            return
        }
        var digits = Substring(trimmed.filter { !Self.separators.contains($0) })
        if digits.hasPrefix("+") {
            guard digits.hasPrefix("+39") else { throw .foreign(trimmed) }
            digits = digits.dropFirst(3)
        } else if digits.hasPrefix("0039") {
            digits = digits.dropFirst(4)
        } else if digits.hasPrefix("00") {
            throw .foreign(trimmed)
        }
        if let character = digits.first(where: { !ASCII.isDigit($0) }) {
            throw .invalidCharacter(trimmed, character: character)
        }
        guard digits.first == "0", (6...11).contains(digits.count) else { throw .notAPhoneNumber(trimmed) }
        nationalNumber = String(digits)
    }

    /// E.164: `+39061234567`.
    public var e164: String { "+39" + nationalNumber }

    public var description: String { e164 }
}

/// Why a telephone number was refused.
public enum PhoneNumberError: UserFacingError, Hashable, Sendable {
    case empty
    case foreign(String)
    case invalidCharacter(String, character: Character)
    /// Neither a landline (0 and 6–11 digits) nor a mobile (3 and 9–10 digits).
    case notAPhoneNumber(String)

    public var code: String {
        switch self {
        case .empty: return "empty"
        case .foreign: return "not_italian"
        case .invalidCharacter: return "invalid_character"
        case .notAPhoneNumber: return "not_a_phone_number"
        }
    }

    public var userMessage: String {
        switch self {
        case .empty:
            return "Numero di telefono mancante."
        case let .foreign(text):
            return "Il numero di telefono \(ASCII.excerpt(text, limit: 30)) non è italiano (prefisso +39). Correggere il numero."
        case let .invalidCharacter(text, character):
            return "Il numero di telefono \(ASCII.excerpt(text, limit: 30)) contiene il carattere non ammesso "
                + "«\(ASCII.visible(character))». Correggere il numero."
        case let .notAPhoneNumber(text):
            return "Il numero di telefono \(ASCII.excerpt(text, limit: 30)) non è un numero italiano: un fisso inizia con 0 "
                + "e ha da 6 a 11 cifre, un cellulare inizia con 3. Correggere il numero."
        }
    }
}
