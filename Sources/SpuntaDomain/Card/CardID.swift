/// Identificativo della tessera: the random, unguessable id printed as a QR code on a child's card. It carries
/// no personal data; the server alone knows whose card it is, and revoking the card makes the id worthless.
///
/// 120 random bits, comfortably above the 96 that make guessing a valid id hopeless, written as 24 symbols of
/// `CardAlphabet` (5 bits each, most significant first) and one check symbol: 25 characters such as
/// `VTPVXVR0041061050R3GG28AA`. The QR code on the card holds `CardPayload.prefix` followed by this text.
public struct CardID: Hashable, Sendable, CustomStringConvertible, Codable {
    /// The top 56 of the 120 bits.
    private let high: UInt64
    /// The low 64 bits.
    private let low: UInt64

    public static let byteCount = 15
    /// Data symbols and check symbol.
    public static let textLength = 25
    static let dataSymbolCount = 24

    private init(high: UInt64, low: UInt64) {
        precondition(high >> 56 == 0, "a card id has 120 bits")
        self.high = high
        self.low = low
    }

    /// The id with these 15 bytes, big-endian; `nil` unless there are exactly 15.
    public init?(bytes: [UInt8]) {
        guard bytes.count == Self.byteCount else { return nil }
        let high = bytes[0..<7].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let low = bytes[7..<15].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        self.init(high: high, low: low)
    }

    /// The 15 bytes, big-endian.
    public var bytes: [UInt8] {
        (0..<7).reversed().map { UInt8(truncatingIfNeeded: high >> (8 * $0)) }
            + (0..<8).reversed().map { UInt8(truncatingIfNeeded: low >> (8 * $0)) }
    }

    public static func random<G: RandomNumberGenerator>(using generator: inout G) -> CardID {
        let high = generator.next() >> 8
        let low = generator.next()
        return CardID(high: high, low: low)
    }

    /// From the system's cryptographically secure generator (`getrandom` on Linux).
    public static func random() -> CardID {
        var generator = SystemRandomNumberGenerator()
        return random(using: &generator)
    }

    /// The 24 symbol values, most significant first.
    private var symbolValues: [UInt8] {
        (0..<Self.dataSymbolCount).map { index in
            // Bit offset of the symbol's least significant bit within the 120.
            let shift = 115 - 5 * index
            let bits: UInt64
            if shift >= 64 {
                bits = high >> (shift - 64)
            } else if shift + 5 <= 64 {
                bits = low >> shift
            } else {
                bits = low >> shift | high << (64 - shift)
            }
            return UInt8(bits & 0b1_1111)
        }
    }

    /// 24 data symbols and the check symbol: what follows `SPUNTA1:` in the QR code.
    public var text: String {
        let values = symbolValues
        let check = CardAlphabet.checkValue(of: values)
        return String((values + [check]).map { CardAlphabet.symbols[Int($0)] })
    }

    /// Reads the 25-character text of an id, as stored or printed after the prefix, with the same checks
    /// and errors as a scanned payload (`CardPayload.decode`).
    public init(text: String) throws(CardPayloadError) {
        let characters = Array(text)
        if characters.contains(where: ASCII.isLowercaseLetter) { throw .lowercase }
        guard characters.count == Self.textLength else { throw .wrongLength(length: characters.count) }
        var values: [UInt8] = []
        values.reserveCapacity(Self.textLength)
        for (offset, character) in characters.enumerated() {
            guard let value = CardAlphabet.value(of: character) else {
                throw .invalidCharacter(character, position: offset + 1)
            }
            values.append(value)
        }
        guard CardAlphabet.fold(values) == 0 else { throw .badCheck }

        var high: UInt64 = 0
        var low: UInt64 = 0
        for value in values.prefix(Self.dataSymbolCount) {
            high = high << 5 | low >> 59
            low = low << 5 | UInt64(value)
        }
        self.init(high: high, low: low)
    }

    public var description: String { text }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try CardID(text: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.userMessage)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}
