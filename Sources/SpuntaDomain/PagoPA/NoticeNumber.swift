/// Codice avviso (numero avviso, NAV): the 18 digits printed on a pagoPA payment notice that identify the
/// payment, together with the creditor's codice fiscale. It contains the IUV (identificativo univoco di
/// versamento), which the Comune reconciles payments on.
///
/// Source: pagoPA SACI, "Generazione dell'identificativo univoco di versamento" (docs.pagopa.it/saci,
/// versions 2.0–3.2; AgID's "Specifiche attuative dei codici identificativi di versamento" 1.3.1, §2.2.2,
/// before them). The aux digit fixes the layout:
///
/// - aux 0: `0` + application code (2) + base (13) + check (2); IUV = base + check (15 digits); check over
///   `0‖application code‖base`.
/// - aux 1: `1` + base (17); IUV = base (17), no check digits.
/// - aux 2: `2` + base (15) + check (2); IUV = base + check (17); check over `2‖base`.
/// - aux 3: `3` + segregation code (2) + base (13) + check (2); IUV = segregation code + base + check (17);
///   check over `3‖segregation code‖base`.
///
/// The check digits are that number modulo 93, on two digits. Spunta generates aux 3 only (the Comune's
/// segregation code is configuration) and accepts all four when reading notices issued elsewhere.
public struct NoticeNumber: Hashable, Sendable, CustomStringConvertible, Codable {
    /// The 18 digits.
    public let value: String

    /// Reads a codice avviso as printed (groups of four digits) or typed; spaces are ignored.
    public init(validating text: String) throws(NoticeNumberError) {
        let compact = ASCII.trimmed(text).filter { $0 != " " && $0 != "\u{00A0}" }
        let characters = Array(compact)
        guard !characters.isEmpty else { throw .empty }
        for (offset, character) in characters.enumerated() where !ASCII.isDigit(character) {
            throw .invalidCharacter(compact, position: offset + 1, character: character)
        }
        guard characters.count == 18 else { throw .wrongLength(compact, length: characters.count) }
        switch characters[0] {
        case "0", "2", "3":
            let expected = Self.checkDigits(of: characters[0..<16])
            guard String(characters[16...]) == expected else {
                throw .wrongCheckDigits(compact, expected: expected)
            }
        case "1":
            break  // No check digits in this layout.
        default:
            throw .unknownAuxDigit(compact, digit: characters[0])
        }
        self.value = compact
    }

    private init(unchecked value: String) {
        self.value = value
    }

    /// Generates the codice avviso of a new notice with aux digit 3.
    /// - Precondition: `segregationCode` is two digits and `base` thirteen: the Comune's configuration,
    ///   validated when it is loaded (`isSegregationCode(_:)`), and a sequence number of our own.
    public static func make(segregationCode: String, base: String) -> NoticeNumber {
        precondition(isSegregationCode(segregationCode), "a segregation code is two digits")
        precondition(base.count == 13 && base.allSatisfy(ASCII.isDigit), "the IUV base of aux 3 is thirteen digits")
        let digits = "3" + segregationCode + base
        return NoticeNumber(unchecked: digits + checkDigits(of: Array(digits)))
    }

    /// Whether `text` has the form of a segregation code: two digits. PagoPA assigns them to intermediaries
    /// (00–45 at the time of writing; 96–99 and a few others to central services); the value is not checked
    /// against that list, which changes.
    public static func isSegregationCode(_ text: String) -> Bool {
        text.count == 2 && text.allSatisfy(ASCII.isDigit)
    }

    /// The remainder modulo 93 of the decimal number `digits`, on two digits.
    static func checkDigits(of digits: some Sequence<Character>) -> String {
        let remainder = digits.reduce(0) { ($0 * 10 + (ASCII.digitValue($1) ?? 0)) % 93 }
        return remainder < 10 ? "0\(remainder)" : "\(remainder)"
    }

    /// 0, 1, 2 or 3.
    public var auxDigit: Int { ASCII.digitValue(value.first ?? "0") ?? 0 }

    /// The IUV inside the codice avviso: 17 digits, or 15 for aux 0 (whose application code is not part of it).
    public var iuv: String { String(value.dropFirst(auxDigit == 0 ? 3 : 1)) }

    /// Codice di segregazione (aux 3 only).
    public var segregationCode: String? { auxDigit == 3 ? String(value.dropFirst().prefix(2)) : nil }

    /// Application code (aux 0 only).
    public var applicationCode: String? { auxDigit == 0 ? String(value.dropFirst().prefix(2)) : nil }

    /// The two check digits; `nil` for aux 1, which has none.
    public var checkDigits: String? { auxDigit == 1 ? nil : String(value.suffix(2)) }

    /// As printed on the notice (`AVVISO.CODICE`): groups of four digits separated by spaces,
    /// `3010 0000 0001 2345 19`.
    public var grouped: String {
        stride(from: 0, to: value.count, by: 4).map { start in
            String(value.dropFirst(start).prefix(4))
        }.joined(separator: " ")
    }

    public var description: String { value }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try NoticeNumber(validating: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.userMessage)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}
