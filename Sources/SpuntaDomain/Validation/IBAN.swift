/// IBAN (International Bank Account Number, ISO 13616): the account credited by the Comune's notices (conto di
/// accredito) and the IBANs of the sample data. Validated by the ISO 7064 MOD 97-10 check digits; an Italian
/// IBAN (`IT`, 27 characters) is also checked for the structure of its BBAN and, unless asked not to, for its
/// CIN, the check letter over ABI, CAB and account number (standard BBAN ABI, in force since 1 January 2003).
public struct IBAN: Hashable, Sendable, CustomStringConvertible, Codable {
    /// Compact and uppercase: `IT60X0542811101000000123456`.
    public let value: String

    /// Spaces (also the non-breaking ones of spreadsheets) are removed and letters uppercased; the printed
    /// form `IT60 X054 2811 1010 0000 0123 456` is therefore accepted.
    public init(validating text: String, checkingItalianCIN: Bool = true) throws(IBANError) {
        let compact = ASCII.uppercased(text.filter { !$0.isWhitespace })
        let characters = Array(compact)
        guard !characters.isEmpty else { throw .empty }

        for (offset, character) in characters.enumerated() {
            let valid: Bool
            switch offset {
            case 0, 1: valid = ASCII.isUppercaseLetter(character)
            case 2, 3: valid = ASCII.isDigit(character)
            default: valid = ASCII.isUppercaseAlphanumeric(character)
            }
            guard valid else { throw .invalidCharacter(compact, position: offset + 1, character: character) }
        }

        let country = String(characters.prefix(2))
        if country == "IT" {
            guard characters.count == 27 else { throw .wrongLength(compact, length: characters.count, expected: 27) }
            // CIN letter, then ABI and CAB digits; the account number (12) may hold letters.
            guard ASCII.isUppercaseLetter(characters[4]) else {
                throw .invalidCharacter(compact, position: 5, character: characters[4])
            }
            for offset in 5..<15 where !ASCII.isDigit(characters[offset]) {
                throw .invalidCharacter(compact, position: offset + 1, character: characters[offset])
            }
        } else {
            guard (15...34).contains(characters.count) else {
                throw .wrongLength(compact, length: characters.count, expected: nil)
            }
        }

        guard Self.mod97(characters.dropFirst(4) + characters.prefix(4)) == 1 else {
            throw .wrongCheckDigits(compact)
        }
        if country == "IT", checkingItalianCIN {
            let expected = OddEvenCheckCharacter.compute(characters[5..<27])
            guard characters[4] == expected else { throw .wrongCIN(compact, expected: expected) }
        }
        self.value = compact
    }

    private init(unchecked value: String) {
        self.value = value
    }

    /// Builds an Italian IBAN from bank coordinates, computing the CIN and the check digits (sample data).
    /// - Precondition: `abi` and `cab` are five digits, `account` one to twelve digits or uppercase letters
    ///   (padded with leading zeros to twelve): values our own generator produces.
    public static func makeItalian(abi: String, cab: String, account: String) -> IBAN {
        precondition(abi.count == 5 && abi.allSatisfy(ASCII.isDigit), "ABI is five digits")
        precondition(cab.count == 5 && cab.allSatisfy(ASCII.isDigit), "CAB is five digits")
        precondition(
            (1...12).contains(account.count) && account.allSatisfy(ASCII.isUppercaseAlphanumeric),
            "the account number is up to twelve digits or uppercase letters"
        )
        let coordinates = abi + cab + String(repeating: "0", count: 12 - account.count) + account
        let bban = String(OddEvenCheckCharacter.compute(coordinates)) + coordinates
        let check = 98 - mod97(Array(bban + "IT00"))
        return IBAN(unchecked: "IT" + (check < 10 ? "0\(check)" : "\(check)") + bban)
    }

    /// ISO 7064 MOD 97-10 over the characters, letters counting as 10 (`A`) … 35 (`Z`).
    static func mod97(_ characters: some Sequence<Character>) -> Int {
        var remainder = 0
        for character in characters {
            if let digit = ASCII.digitValue(character) {
                remainder = (remainder * 10 + digit) % 97
            } else if let letter = ASCII.uppercaseLetterIndex(character) {
                remainder = (remainder * 100 + letter + 10) % 97
            }
        }
        return remainder
    }

    /// `IT`, `DE`, …
    public var countryCode: String { String(value.prefix(2)) }

    /// The two ISO check digits after the country code.
    public var checkDigits: String { String(value.dropFirst(2).prefix(2)) }

    /// The national part after the check digits (for Italy: CIN, ABI, CAB, account number).
    public var bban: String { String(value.dropFirst(4)) }

    /// Groups of four characters as printed on paper: `IT60 X054 2811 1010 0000 0123 456`.
    public var grouped: String {
        var groups: [String] = []
        var rest = Substring(value)
        while !rest.isEmpty {
            groups.append(String(rest.prefix(4)))
            rest = rest.dropFirst(4)
        }
        return groups.joined(separator: " ")
    }

    /// Check letter of the Italian BBAN; `nil` for other countries.
    public var italianCIN: Character? { countryCode == "IT" ? Array(value)[4] : nil }
    /// Codice ABI (the bank); `nil` for other countries.
    public var abi: String? { countryCode == "IT" ? String(Array(value)[5..<10]) : nil }
    /// Codice CAB (the branch); `nil` for other countries.
    public var cab: String? { countryCode == "IT" ? String(Array(value)[10..<15]) : nil }
    /// Numero di conto, twelve characters; `nil` for other countries.
    public var accountNumber: String? { countryCode == "IT" ? String(value.suffix(12)) : nil }

    public var description: String { value }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try IBAN(validating: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.userMessage)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}
