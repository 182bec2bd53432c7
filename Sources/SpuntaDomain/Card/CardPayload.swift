/// Contenuto del QR della tessera: `SPUNTA1:` followed by the card id's text. Barcode scanners on Linux act as
/// keyboards, so `decode` receives what the scanner typed as one line, and tells apart the ways that goes
/// wrong in a canteen: another code scanned, Caps Lock, a scanner set for another keyboard layout, a partial
/// or double read, a misread character.
public enum CardPayload {
    /// Name and version of the payload. Uppercase letters, a digit and `:` keep the whole payload within the
    /// QR alphanumeric character set.
    public static let prefix = "SPUNTA1:"

    public static func encode(_ id: CardID) -> String {
        prefix + id.text
    }

    /// Reads one scanned line. Surrounding whitespace, `\r` and control characters (some scanners add a
    /// carriage return or a tab) are ignored.
    public static func decode(_ line: String) throws(CardPayloadError) -> CardID {
        let trimmed = ASCII.trimmed(line)
        guard !trimmed.isEmpty else { throw .empty }
        guard trimmed.hasPrefix(prefix) else { throw classifyForeign(trimmed) }
        return try CardID(text: String(trimmed.dropFirst(prefix.count)))
    }

    /// Why a line that does not start with the prefix was refused.
    private static func classifyForeign(_ line: String) -> CardPayloadError {
        let characters = Array(line)
        let head = String(characters.prefix(prefix.count))
        let upperHead = ASCII.uppercased(head)
        let name = String(prefix.dropLast(2))  // "SPUNTA"

        // Caps Lock (or a lowercase layout): letters arrive lowercase, the rest as it should.
        if upperHead == prefix { return .lowercase }

        // Another version of the payload: SPUNTA2:, written by a newer Spunta.
        if upperHead.hasPrefix(name), characters.count > prefix.count - 1,
           let version = characters.dropFirst(name.count).first, ASCII.isDigit(version),
           characters[prefix.count - 1] == ":" {
            return .unsupportedVersion(String(characters.prefix(name.count + 1)))
        }

        // The name is there but what follows is mangled: a scanner typing for a US layout on an Italian one
        // turns ':' into 'ç' (Shift plus the key of 'ò'), a German one into 'Ö', others into '.', ';' or
        // a shifted digit ('!' or '&' for '1'); AZERTY also swaps A and Q. S, P, U, N, T sit on the same keys
        // on all these layouts, so "SPUNT" survives.
        if ASCII.uppercased(String(characters.prefix(5))) == "SPUNT" {
            return .keyboardLayout(read: String(characters.prefix(prefix.count)))
        }

        // The payload itself, further along: the scanner adds a prefix of its own (an AIM identifier such as
        // "]Q1", a configured string).
        if line.contains(prefix) { return .leadingCharacters }

        return .wrongPrefix(looksLike: ForeignCode(classifying: line))
    }

    /// What a scanned code that is not a card looks like, so the message can say what was scanned without
    /// repeating it: it could be personal (a health card's barcode is a codice fiscale).
    public enum ForeignCode: String, Hashable, Sendable {
        /// EAN-8, UPC-A, EAN-13 or GTIN-14: the barcode of a product, a juice carton, a yogurt.
        case productBarcode
        /// A URL: the QR code of a menu or a poster.
        case webAddress
        /// Sixteen characters shaped like a codice fiscale: the barcode of a tessera sanitaria.
        case fiscalCode
        case unknown

        init(classifying line: String) {
            let characters = Array(line)
            let lower = line.lowercased()
            if [8, 12, 13, 14].contains(characters.count), characters.allSatisfy(ASCII.isDigit) {
                self = .productBarcode
            } else if lower.hasPrefix("http://") || lower.hasPrefix("https://") || lower.hasPrefix("www.") {
                self = .webAddress
            } else if characters.count == 16, (try? CodiceFiscale(validating: line)) != nil {
                self = .fiscalCode
            } else {
                self = .unknown
            }
        }
    }
}
