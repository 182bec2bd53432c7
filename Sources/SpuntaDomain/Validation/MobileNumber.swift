/// Numero di cellulare italiano of a payer, for SMS credit alerts. Accepts the ways people write it —
/// `333 1234567`, `+39 333-123-4567`, `0039 3331234567`, `3331234567` — and keeps the national number:
/// Italian mobile numbers start with 3 and have 9 or 10 digits after the country code +39. A landline
/// (`06 1234567`, starting with 0) cannot receive SMS and is refused with its own message.
public struct MobileNumber: Hashable, Sendable, CustomStringConvertible, Codable {
    /// The national number, digits only: `3331234567`.
    public let nationalNumber: String

    /// Separators people type between digit groups.
    private static let separators: Set<Character> = [" ", "-", ".", "/", "(", ")", "\u{00A0}"]

    public init(validating text: String) throws(MobileNumberError) {
        let trimmed = ASCII.trimmed(text)
        guard !trimmed.isEmpty else { throw .empty }
        var digits = Substring(trimmed.filter { !Self.separators.contains($0) })

        if digits.hasPrefix("+") {
            guard digits.hasPrefix("+39") else { throw .foreign(trimmed) }
            digits = digits.dropFirst(3)
        } else if digits.hasPrefix("0039") {
            digits = digits.dropFirst(4)
        } else if digits.hasPrefix("00") {
            throw .foreign(trimmed)
        } else if digits.hasPrefix("39"), digits.count >= 11, digits.dropFirst(2).first == "3" {
            // 39 without + or 00, as some spreadsheets store it; a national number never has 11 digits.
            digits = digits.dropFirst(2)
        }

        if let character = digits.first(where: { !ASCII.isDigit($0) }) {
            throw .invalidCharacter(trimmed, character: character)
        }
        guard let first = digits.first else { throw .wrongLength(trimmed, digits: 0) }
        guard first != "0" else { throw .landline(trimmed) }
        guard first == "3" else { throw .notMobile(trimmed) }
        guard (9...10).contains(digits.count) else { throw .wrongLength(trimmed, digits: digits.count) }
        self.nationalNumber = String(digits)
    }

    /// E.164, for SMS gateways: `+393331234567`.
    public var e164: String { "+39" + nationalNumber }

    /// As Italians write it: `333 1234567`.
    public var grouped: String { "\(nationalNumber.prefix(3)) \(nationalNumber.dropFirst(3))" }

    public var description: String { e164 }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try MobileNumber(validating: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.userMessage)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(e164)
    }
}
