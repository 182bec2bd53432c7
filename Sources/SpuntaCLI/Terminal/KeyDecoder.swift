/// Turns the bytes a terminal sends into key presses: UTF-8 characters, control bytes, and the CSI
/// (`ESC [`) and SS3 (`ESC O`) sequences of arrows, Home/End, Page Up/Down, Delete and function keys.
/// A pure function over bytes, so it is tested without a terminal.
public enum KeyDecoder {
    /// The outcome of decoding the start of a byte buffer.
    public enum Result: Equatable, Sendable {
        /// A key made of the first `byteCount` bytes.
        case key(Key, byteCount: Int)
        /// The bytes are the beginning of a longer sequence: read more, or decode again with `atEnd`.
        case incomplete
    }

    /// Decodes the key at the start of `bytes`. With `atEnd`, no more bytes are coming, so a lone ESC
    /// is the Escape key and a cut sequence is `.unknown`.
    public static func decode(_ bytes: ArraySlice<UInt8>, atEnd: Bool = false) -> Result {
        guard let first = bytes.first else { return .incomplete }
        let start = bytes.startIndex
        switch first {
        case 0x1B:
            return decodeEscape(bytes, atEnd: atEnd)
        case 0x0D, 0x0A:
            return .key(.enter, byteCount: 1)
        case 0x09:
            return .key(.tab, byteCount: 1)
        case 0x7F, 0x08:
            return .key(.backspace, byteCount: 1)
        case 0x01...0x1A:
            let letter = Character(Unicode.Scalar(first + 0x60))
            return .key(.control(letter), byteCount: 1)
        case 0x00, 0x1C...0x1F:
            return .key(.unknown([first]), byteCount: 1)
        case 0x20...0x7E:
            return .key(.character(Character(Unicode.Scalar(first))), byteCount: 1)
        default:
            let length = utf8Length(leadingByte: first)
            guard length > 1 else { return .key(.unknown([first]), byteCount: 1) }
            guard bytes.count >= length else {
                return atEnd ? .key(.unknown(Array(bytes)), byteCount: bytes.count) : .incomplete
            }
            let sequence = Array(bytes[start..<start + length])
            guard sequence.dropFirst().allSatisfy({ $0 & 0xC0 == 0x80 }),
                  let character = String(validating: sequence, as: UTF8.self)?.first else {
                return .key(.unknown([first]), byteCount: 1)
            }
            return .key(.character(character), byteCount: length)
        }
    }

    /// Decodes the key at the start of `bytes`.
    public static func decode(_ bytes: [UInt8], atEnd: Bool = false) -> Result {
        decode(bytes[...], atEnd: atEnd)
    }

    private static func utf8Length(leadingByte: UInt8) -> Int {
        switch leadingByte {
        case 0xC2...0xDF: return 2
        case 0xE0...0xEF: return 3
        case 0xF0...0xF4: return 4
        default: return 1
        }
    }

    private static func decodeEscape(_ bytes: ArraySlice<UInt8>, atEnd: Bool) -> Result {
        let start = bytes.startIndex
        guard bytes.count >= 2 else { return atEnd ? .key(.escape, byteCount: 1) : .incomplete }
        let introducer = bytes[start + 1]
        switch introducer {
        case UInt8(ascii: "["):
            // CSI: parameter bytes 0x30–0x3F, intermediate bytes 0x20–0x2F, one final byte 0x40–0x7E.
            var index = start + 2
            while index < bytes.endIndex, (0x20...0x3F).contains(bytes[index]) { index += 1 }
            guard index < bytes.endIndex else {
                return atEnd ? .key(.unknown(Array(bytes)), byteCount: bytes.count) : .incomplete
            }
            let final = bytes[index]
            let count = index - start + 1
            guard (0x40...0x7E).contains(final) else {
                return .key(.unknown(Array(bytes[start..<index + 1])), byteCount: count)
            }
            let parameters = String(decoding: bytes[(start + 2)..<index], as: UTF8.self)
            return .key(csiKey(final: final, parameters: parameters, raw: Array(bytes[start..<index + 1])),
                        byteCount: count)
        case UInt8(ascii: "O"):
            guard bytes.count >= 3 else { return atEnd ? .key(.unknown(Array(bytes)), byteCount: bytes.count) : .incomplete }
            let key: Key
            switch bytes[start + 2] {
            case UInt8(ascii: "A"): key = .up
            case UInt8(ascii: "B"): key = .down
            case UInt8(ascii: "C"): key = .right
            case UInt8(ascii: "D"): key = .left
            case UInt8(ascii: "H"): key = .home
            case UInt8(ascii: "F"): key = .end
            case UInt8(ascii: "P"): key = .function(1)
            case UInt8(ascii: "Q"): key = .function(2)
            case UInt8(ascii: "R"): key = .function(3)
            case UInt8(ascii: "S"): key = .function(4)
            default: key = .unknown(Array(bytes[start..<start + 3]))
            }
            return .key(key, byteCount: 3)
        default:
            // ESC then something else (Alt+key, or Escape pressed before typing): Escape alone; the
            // following byte is decoded as a key of its own.
            return .key(.escape, byteCount: 1)
        }
    }

    private static func csiKey(final: UInt8, parameters: String, raw: [UInt8]) -> Key {
        // Modifiers come after a semicolon (`1;5A` is Ctrl+Up); the key is the same.
        let firstParameter = parameters.split(separator: ";").first.flatMap { Int($0) }
        switch final {
        case UInt8(ascii: "A"): return .up
        case UInt8(ascii: "B"): return .down
        case UInt8(ascii: "C"): return .right
        case UInt8(ascii: "D"): return .left
        case UInt8(ascii: "H"): return .home
        case UInt8(ascii: "F"): return .end
        case UInt8(ascii: "Z"): return .unknown(raw) // Shift+Tab
        case UInt8(ascii: "~"):
            switch firstParameter {
            case 1, 7: return .home
            case 2: return .insert
            case 3: return .delete
            case 4, 8: return .end
            case 5: return .pageUp
            case 6: return .pageDown
            case 11: return .function(1)
            case 12: return .function(2)
            case 13: return .function(3)
            case 14: return .function(4)
            case 15: return .function(5)
            case 17: return .function(6)
            case 18: return .function(7)
            case 19: return .function(8)
            case 20: return .function(9)
            case 21: return .function(10)
            case 23: return .function(11)
            case 24: return .function(12)
            default: return .unknown(raw)
            }
        default:
            return .unknown(raw)
        }
    }
}
