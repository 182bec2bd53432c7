/// Indirizzo e-mail of a payer, where credit alerts and statements go. The check is pragmatic, not RFC 5322:
/// it refuses what a person mistypes or pastes (two addresses in one cell, a missing `@`, a domain without a
/// dot, spaces, accented letters) and accepts what mail providers actually hand out. The domain is
/// lowercased, because it is case-insensitive; the local part is kept as written.
public struct EmailAddress: Hashable, Sendable, CustomStringConvertible, Codable {
    /// `local@domain`, domain lowercased.
    public let value: String

    /// The longest address that fits a forward path of SMTP (RFC 5321 §4.5.3.1.3, 256 minus the brackets).
    public static let maximumLength = 254

    /// Characters allowed in an unquoted local part besides letters, digits and dots (RFC 5322 `atext`).
    private static let localSymbols = Set("!#$%&'*+/=?^_`{|}~-")

    public init(validating text: String) throws(EmailAddressError) {
        let trimmed = ASCII.trimmed(text)
        guard !trimmed.isEmpty else { throw .empty }
        guard trimmed.count <= Self.maximumLength else { throw .tooLong(length: trimmed.count) }
        if trimmed.contains(where: { $0 == ";" || $0 == "," }) { throw .multipleAddresses(trimmed) }
        if trimmed.contains(where: \.isWhitespace) { throw .containsSpace(trimmed) }

        let parts = trimmed.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count >= 2 else { throw .missingAt(trimmed) }
        guard parts.count == 2 else { throw .multipleAt(trimmed) }
        let local = parts[0]
        let domain = parts[1].lowercased()

        guard !local.isEmpty else { throw .emptyLocalPart(trimmed) }
        guard local.count <= 64 else { throw .localPartTooLong(trimmed) }
        for character in local {
            let allowed = character.isASCII && (character.isLetter || character.isNumber
                || character == "." || Self.localSymbols.contains(character))
            guard allowed else { throw .invalidCharacter(trimmed, character: character) }
        }
        guard local.first != ".", local.last != ".", !local.contains("..") else {
            throw .misplacedDot(trimmed)
        }

        guard !domain.isEmpty else { throw .invalidDomain(trimmed) }
        for character in domain where !(character.isASCII && (character.isLetter || character.isNumber))
            && character != "." && character != "-" {
            throw .invalidCharacter(trimmed, character: character)
        }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2 else { throw .domainWithoutDot(trimmed) }
        let wellFormed = labels.allSatisfy { label in
            (1...63).contains(label.count) && label.first != "-" && label.last != "-"
        }
        guard wellFormed, let topLevel = labels.last, topLevel.count >= 2,
              !topLevel.allSatisfy(\.isNumber) else { throw .invalidDomain(trimmed) }

        self.value = "\(local)@\(domain)"
    }

    /// The part before `@`.
    public var localPart: String { String(value.prefix { $0 != "@" }) }

    /// The part after `@`, lowercase.
    public var domain: String { String(value.drop { $0 != "@" }.dropFirst()) }

    public var description: String { value }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try EmailAddress(validating: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.userMessage)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}
