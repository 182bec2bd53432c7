/// Codice fiscale numerico dell'ente: the 11-digit tax code of a Comune or other body, the creditor named on
/// every pagoPA notice. The 11th digit is a check digit computed like the partita IVA's (DPR 605/1973; the
/// Luhn scheme): digits in odd positions are added as they are, digits in even positions are doubled and
/// reduced by 9 when above 9, and the check digit brings the total to a multiple of 10. Like a partita IVA, the
/// first seven digits are a number within a tax office (matricola, never all zeros) and digits 8–10 the code of
/// the office that gave it: 001–100, or 120, 121, 888, 999 — the rule python-stdnum applies (`stdnum/it/iva.py`).
public struct EnteFiscalCode: Hashable, Sendable, CustomStringConvertible, Codable {
    /// Eleven digits.
    public let value: String

    /// Surrounding whitespace is ignored; anything else must be exactly eleven digits with the right check digit.
    public init(validating text: String) throws(EnteFiscalCodeError) {
        let normalized = ASCII.trimmed(text)
        let characters = Array(normalized)
        guard !characters.isEmpty else { throw .empty }
        for (offset, character) in characters.enumerated() where !ASCII.isDigit(character) {
            throw .invalidCharacter(normalized, position: offset + 1, character: character)
        }
        guard characters.count == 11 else { throw .wrongLength(normalized, length: characters.count) }
        // Eleven zeros pass the check but are the placeholder of forms and examples, never a real ente.
        guard characters.contains(where: { $0 != "0" }) else { throw .placeholder(normalized) }
        let digits = characters.compactMap(ASCII.digitValue)
        let expected = Self.checkDigit(digits.prefix(10))
        guard digits[10] == expected else { throw .wrongCheckDigit(normalized, expected: expected) }
        // A code that passes the check digit can still name no office: a made-up number, never a real ente.
        let office = String(characters[7..<10])
        guard Self.isOfficeCode(office) else { throw .wrongOfficeCode(normalized, office: office) }
        guard characters[0..<7].contains(where: { $0 != "0" }) else { throw .zeroMatricola(normalized) }
        self.value = normalized
    }

    private init(unchecked value: String) {
        self.value = value
    }

    /// Appends the check digit to a 10-digit base, for sample data and tests.
    /// - Precondition: `base` is ten ASCII digits (our own generated data).
    public static func make(base: String) -> EnteFiscalCode {
        let digits = base.compactMap(ASCII.digitValue)
        precondition(digits.count == 10 && base.count == 10, "the base of an ente's codice fiscale is ten digits")
        return EnteFiscalCode(unchecked: base + String(checkDigit(digits)))
    }

    /// Offices that give numbers: the provincial codes 001–100, and 120, 121, 888, 999.
    static func isOfficeCode(_ office: String) -> Bool {
        guard let number = Int(office), office.count == 3 else { return false }
        return (1...100).contains(number) || [120, 121, 888, 999].contains(number)
    }

    static func checkDigit(_ digits: some Sequence<Int>) -> Int {
        var sum = 0
        for (offset, digit) in digits.enumerated() {
            if offset % 2 == 0 {
                sum += digit
            } else {
                let doubled = digit * 2
                sum += doubled > 9 ? doubled - 9 : doubled
            }
        }
        return (10 - sum % 10) % 10
    }

    public var description: String { value }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try EnteFiscalCode(validating: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.userMessage)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}
