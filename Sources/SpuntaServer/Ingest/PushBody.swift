import Foundation
import SpuntaProtocol

/// Reads a push body `{"ops": [ … ]}`: the ops decoded in one pass, and each op's JSON exactly as the device
/// sent it (stored verbatim), found by scanning the bytes once rather than re-serialising every op.
enum PushBody {
    /// The byte ranges of the elements of the top-level array named `name`, or nil if the body is not shaped so.
    static func elements(ofArray name: String, in body: Data) -> [Range<Int>]? {
        body.withUnsafeBytes { raw -> [Range<Int>]? in
            let bytes = raw.bindMemory(to: UInt8.self)
            let key = Array("\"\(name)\"".utf8)
            var i = 0
            var depth = 0
            var found = false
            // Find the key at depth 1, outside strings.
            while i < bytes.count, !found {
                let b = bytes[i]
                if b == UInt8(ascii: "\"") {
                    if depth == 1, i + key.count <= bytes.count, (0..<key.count).allSatisfy({ bytes[i + $0] == key[$0] }) {
                        i += key.count
                        found = true
                        break
                    }
                    i = skipString(bytes, i)
                    continue
                }
                if b == UInt8(ascii: "{") || b == UInt8(ascii: "[") { depth += 1 }
                if b == UInt8(ascii: "}") || b == UInt8(ascii: "]") { depth -= 1 }
                i += 1
            }
            guard found else { return nil }
            while i < bytes.count, bytes[i] != UInt8(ascii: "[") {
                if bytes[i] != UInt8(ascii: ":") && !isSpace(bytes[i]) { return nil }
                i += 1
            }
            guard i < bytes.count else { return nil }
            i += 1
            var ranges: [Range<Int>] = []
            var start: Int?
            depth = 0
            while i < bytes.count {
                let b = bytes[i]
                if b == UInt8(ascii: "\"") {
                    if start == nil { start = i }
                    i = skipString(bytes, i)
                    continue
                }
                if depth == 0 && (b == UInt8(ascii: ",") || b == UInt8(ascii: "]")) {
                    if let s = start { ranges.append(s..<trimEnd(bytes, s, i)) }
                    start = nil
                    if b == UInt8(ascii: "]") { return ranges }
                    i += 1
                    continue
                }
                if !isSpace(b) && start == nil { start = i }
                if b == UInt8(ascii: "{") || b == UInt8(ascii: "[") { depth += 1 }
                if b == UInt8(ascii: "}") || b == UInt8(ascii: "]") { depth -= 1 }
                i += 1
            }
            return nil
        }
    }

    private static func isSpace(_ b: UInt8) -> Bool { b == 32 || b == 9 || b == 10 || b == 13 }

    private static func trimEnd(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int {
        var e = end
        while e > start, isSpace(bytes[e - 1]) { e -= 1 }
        return e
    }

    /// The index just after the string starting at `i` (a quote).
    private static func skipString(_ bytes: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int {
        var j = i + 1
        while j < bytes.count {
            if bytes[j] == UInt8(ascii: "\\") { j += 2; continue }
            if bytes[j] == UInt8(ascii: "\"") { return j + 1 }
            j += 1
        }
        return j
    }
}
