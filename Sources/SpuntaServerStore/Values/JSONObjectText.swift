import Foundation

/// A small JSON object (a conflict's details, an audit entry's) as the text `JSONSerialization` writes for it with
/// sorted keys, byte for byte.
///
/// Written by hand because the merge raises or refreshes a conflict for every disagreement it recomputes, and
/// `JSONSerialization` was a tenth of the server's time in the city's day. The stored text is compared with the
/// new one to tell whether a conflict changed, so it must not change: keys of lower-case letters and underscores in
/// byte order (Foundation's order for such keys), strings escaped as `JSONStringList` does, integers and booleans as
/// themselves. Any other key or value (a capital, a fraction, a date…) returns nil and the caller lets
/// `JSONSerialization` write it.
public enum JSONObjectText {
    public static func encode(_ object: [String: any Sendable]) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(128)
        guard append(object, to: &bytes) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Writes `object` with the same text as `JSONSerialization` with `.sortedKeys`, falling back to it for values
    /// this writer does not know.
    public static func sortedText(_ object: [String: any Sendable]) throws -> String {
        if let text = encode(object) { return text }
        return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    private static func append(_ object: [String: any Sendable], to bytes: inout [UInt8]) -> Bool {
        // Foundation sorts keys as people would (case and accents aside, "Ärger" between "alpha" and "beta"); for keys
        // of lower-case letters and underscores, which are the store's, that order is the bytes' order.
        guard object.keys.allSatisfy(isPlainKey) else { return false }
        bytes.append(UInt8(ascii: "{"))
        for (index, key) in object.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }).enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            JSONStringList.append(key, to: &bytes)
            bytes.append(UInt8(ascii: ":"))
            guard let value = object[key], appendValue(value, to: &bytes) else { return false }
        }
        bytes.append(UInt8(ascii: "}"))
        return true
    }

    private static func isPlainKey(_ key: String) -> Bool {
        key.utf8.allSatisfy { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || $0 == UInt8(ascii: "_") }
    }

    private static func appendValue(_ value: any Sendable, to bytes: inout [UInt8]) -> Bool {
        switch value {
        case let text as String:
            JSONStringList.append(text, to: &bytes)
        case let flag as Bool:
            bytes.append(contentsOf: Array((flag ? "true" : "false").utf8))
        case let number as Int:
            bytes.append(contentsOf: Array(String(number).utf8))
        case let number as Int64:
            bytes.append(contentsOf: Array(String(number).utf8))
        case let list as [String]:
            bytes.append(UInt8(ascii: "["))
            for (index, item) in list.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                JSONStringList.append(item, to: &bytes)
            }
            bytes.append(UInt8(ascii: "]"))
        case let list as [[String: any Sendable]]:
            bytes.append(UInt8(ascii: "["))
            for (index, item) in list.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                guard append(item, to: &bytes) else { return false }
            }
            bytes.append(UInt8(ascii: "]"))
        case let object as [String: any Sendable]:
            return append(object, to: &bytes)
        default:
            return false
        }
        return true
    }
}
