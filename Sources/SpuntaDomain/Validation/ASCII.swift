import Foundation

/// Character classes of the codes validated in this module. Every one of them (codice fiscale, IBAN, codice
/// avviso, card id) is plain ASCII, so `Character.isLetter` and friends, which accept any script, are too broad.
enum ASCII {
    static func digitValue(_ character: Character) -> Int? {
        guard let byte = character.asciiValue, byte >= 0x30, byte <= 0x39 else { return nil }
        return Int(byte - 0x30)
    }

    /// The number written by the ASCII digits `bytes[range]`; nil if any byte there is not a digit. For fixed-width
    /// fields of dates and times.
    static func number<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes, _ range: Range<Int>) -> Int? where Bytes.Index == Int {
        var value = 0
        for byte in bytes[range] {
            guard byte >= 48, byte <= 57 else { return nil }
            value = value * 10 + Int(byte - 48)
        }
        return value
    }

    static func isDigit(_ character: Character) -> Bool {
        digitValue(character) != nil
    }

    /// `A` = 0 … `Z` = 25.
    static func uppercaseLetterIndex(_ character: Character) -> Int? {
        guard let byte = character.asciiValue, byte >= 0x41, byte <= 0x5A else { return nil }
        return Int(byte - 0x41)
    }

    static func isUppercaseLetter(_ character: Character) -> Bool {
        uppercaseLetterIndex(character) != nil
    }

    static func isLowercaseLetter(_ character: Character) -> Bool {
        guard let byte = character.asciiValue else { return false }
        return byte >= 0x61 && byte <= 0x7A
    }

    static func isUppercaseAlphanumeric(_ character: Character) -> Bool {
        isDigit(character) || isUppercaseLetter(character)
    }

    /// Uppercases ASCII letters only: `ç` stays `ç`, so a character typed by a mismatched keyboard layout is
    /// still reported as the character that was read.
    static func uppercased(_ text: some StringProtocol) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if (0x61...0x7A).contains(scalar.value), let upper = Unicode.Scalar(scalar.value - 0x20) {
                scalars.append(upper)
            } else {
                scalars.append(scalar)
            }
        }
        return String(scalars)
    }

    /// A character as it can be shown inside «…» in a message: invisible characters are named, not printed.
    static func visible(_ character: Character) -> String {
        if character == " " { return "spazio" }
        if character == "\t" { return "tabulazione" }
        if let scalar = character.unicodeScalars.first,
           character.unicodeScalars.count == 1,
           scalar.properties.generalCategory == .control || scalar.properties.generalCategory == .format
            || scalar.properties.isWhitespace {
            return String(format: "U+%04X", scalar.value)
        }
        return String(character)
    }

    /// Text from outside, shortened and made printable for a message.
    static func excerpt(_ text: some StringProtocol, limit: Int = 24) -> String {
        let shown = text.prefix(limit).map { character -> String in
            guard character != " " else { return " " }
            let name = visible(character)
            return name == String(character) ? name : "[\(name)]"
        }.joined()
        return text.count > limit ? shown + "…" : shown
    }

    /// Surrounding whitespace, line ends and control characters: what spreadsheets and scanners add around a value.
    static let padding: CharacterSet = .whitespacesAndNewlines.union(.controlCharacters)

    static func trimmed(_ text: String) -> String {
        text.trimmingCharacters(in: padding)
    }
}
