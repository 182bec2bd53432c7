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
        var bytes: [UInt8] = [UInt8(ascii: "[")]
        bytes.reserveCapacity(2 + values.reduce(0) { $0 + $1.utf8.count + 3 })
        for (index, value) in values.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            append(value, to: &bytes)
        }
        bytes.append(UInt8(ascii: "]"))
        return String(decoding: bytes, as: UTF8.self)
    }

    private static let hex = Array("0123456789abcdef".utf8)

    /// Appends one string, quoted and escaped. Working on UTF-8 bytes is safe: every byte that needs escaping is
    /// ASCII, and no byte of a multi-byte sequence is below 0x80. Without `escapingSlashes`, `/` is written as itself,
    /// as `JSONEncoder` does with `.withoutEscapingSlashes` (the rest is escaped alike).
    public static func append(_ value: String, to bytes: inout [UInt8], escapingSlashes: Bool = true) {
        bytes.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                bytes.append(UInt8(ascii: "\\"))
                bytes.append(byte)
            case UInt8(ascii: "/"):
                if escapingSlashes { bytes.append(UInt8(ascii: "\\")) }
                bytes.append(byte)
            case 0x08: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x0C: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x00..<0x20:
                bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                          hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
            default:
                bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
