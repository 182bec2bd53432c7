/// A list of strings as JSON text, as the store keeps op ids and similar lists in one column (`source_ops`,
/// `payer_ids`…).
///
/// Written by hand because billing writes one for each of a city's statement lines, and going through
/// `JSONSerialization` (boxing the array, then scanning it as `Any`) cost more than the insert itself. The text is
/// the one `JSONSerialization.data(withJSONObject:)` writes for the same list, byte for byte — stored rows compare
/// equal whichever wrote them (`JSONStringListTests` checks both side by side): no blanks, `"`, `\` and `/`
/// escaped, the short escapes for backspace, form feed, newline, carriage return and tab, `\u00XX` with lowercase
/// hex for the other control characters, everything else as its own UTF-8.
public enum JSONStringList {
    /// The operand of `IN` that reads a list of ids bound as one argument, its `encode`d text: `x IN \(inList)`. The
    /// statement's text is the same whatever the ids and however many, so it is prepared once and cached — a list of
    /// `?` (`sqlInList`) made a new statement, parsed and planned, for every group of families billing reads. SQLite
    /// plans it as the list: the ids in an index, each looked up. For ids (letters, digits and `-_./`): SQLite ends a
    /// text decoded from JSON at a NUL, so a text holding one would be looked up cut short.
    public static let inList = "(SELECT value FROM json_each(?))"

    public static func encode(_ values: [String]) -> String {
        // Written straight into the string, room for every byte escaped (six bytes at most): billing encodes the
        // sources of every line it writes and the ids of every group it reads, and an array of bytes built first and
        // then copied into the string was a second allocation each time.
        let capacity = values.reduce(2) { $0 + 6 * $1.utf8.count + 3 }
        return String(unsafeUninitializedCapacity: capacity) { buffer in
            var count = 0
            func put(_ byte: UInt8) {
                buffer[count] = byte
                count += 1
            }
            put(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { put(UInt8(ascii: ",")) }
                quote(value, escapingSlashes: true, put)
            }
            put(UInt8(ascii: "]"))
            return count
        }
    }

    private static let hex = Array("0123456789abcdef".utf8)

    /// Appends one string, quoted and escaped. Working on UTF-8 bytes is safe: every byte that needs escaping is
    /// ASCII, and no byte of a multi-byte sequence is below 0x80. Without `escapingSlashes`, `/` is written as itself,
    /// as `JSONEncoder` does with `.withoutEscapingSlashes` (the rest is escaped alike).
    public static func append(_ value: String, to bytes: inout [UInt8], escapingSlashes: Bool = true) {
        quote(value, escapingSlashes: escapingSlashes) { bytes.append($0) }
    }

    /// Gives `put` the bytes of `value` quoted and escaped, one by one (`append`).
    private static func quote(_ value: String, escapingSlashes: Bool, _ put: (UInt8) -> Void) {
        put(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                put(UInt8(ascii: "\\"))
                put(byte)
            case UInt8(ascii: "/"):
                if escapingSlashes { put(UInt8(ascii: "\\")) }
                put(byte)
            case 0x08, 0x0C, 0x0A, 0x0D, 0x09:
                put(UInt8(ascii: "\\"))
                put(shortEscapes[Int(byte)])
            case 0x00..<0x20:
                for escaped in [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]] {
                    put(escaped)
                }
            default:
                put(byte)
            }
        }
        put(UInt8(ascii: "\""))
    }

    /// The letter after the backslash of the controls JSON escapes by a letter (`\b`, `\f`, `\n`, `\r`, `\t`), by byte.
    private static let shortEscapes: [UInt8] = {
        var letters = [UInt8](repeating: 0, count: 0x20)
        for (byte, letter) in [(0x08, "b"), (0x0C, "f"), (0x0A, "n"), (0x0D, "r"), (0x09, "t")] as [(Int, Unicode.Scalar)] {
            letters[byte] = UInt8(ascii: letter)
        }
        return letters
    }()
}
