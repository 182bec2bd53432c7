import Foundation

/// The character encoding a text file was read in. Spreadsheets on Italian Windows save "CSV (separato da
/// punto e virgola)" in Windows-1252 ("ANSI"), where `ò` is the single byte 0xF2; "CSV UTF-8" is UTF-8 with
/// a byte order mark.
public enum TextEncoding: String, Sendable, Codable {
    case utf8 = "utf-8"
    case windows1252 = "windows-1252"

    /// The name a person knows it by.
    public var italian: String {
        switch self {
        case .utf8: return "UTF-8"
        case .windows1252: return "Windows-1252 (ANSI)"
        }
    }
}

/// Turns the bytes of a text file into a string, naming the encoding when it cannot: never a guess that
/// turns "Niccolò" into "NiccolÃ²" or "Niccol�" without saying so.
///
/// UTF-8 (with or without a byte order mark) is read as it is. Bytes that are not UTF-8 are read as
/// Windows-1252 only when the caller allows it — and it then tells the person, with an example — and only
/// when no byte is undefined there and no valid UTF-8 sequence is mixed in (a file pasted together from
/// two encodings). UTF-16 ("Testo Unicode") and binary files are refused with their name.
public enum TextDecoding {
    public struct Decoded: Sendable {
        public let text: String
        public let encoding: TextEncoding
    }

    /// Reads `data`; `remedy` tells the person what to do about an encoding refused ("salvare il foglio come
    /// «CSV UTF-8»").
    public static func decode(_ data: Data, file: String, allowWindows1252: Bool, remedy: String) -> Result<Decoded, ImportProblem> {
        let bytes = [UInt8](data)
        switch classify(bytes, file: file, allowWindows1252: allowWindows1252, remedy: remedy) {
        case .refused(let problem):
            return .failure(problem)
        case .windows1252(let text):
            return .success(Decoded(text: text, encoding: .windows1252))
        case .utf8:
            var text = String(decoding: bytes, as: UTF8.self)
            if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
            return .success(Decoded(text: text, encoding: .utf8))
        }
    }

    /// Why `data` is not UTF-8 text, or nil when it is (the XML reader hands the bytes to the parser as they are).
    public static func utf8Problem(_ data: Data, file: String, remedy: String) -> ImportProblem? {
        if case .refused(let problem) = classify([UInt8](data), file: file, allowWindows1252: false, remedy: remedy) {
            return problem
        }
        return nil
    }

    private enum Classification {
        case utf8
        case windows1252(String)
        case refused(ImportProblem)
    }

    private static func classify(_ bytes: [UInt8], file: String, allowWindows1252: Bool, remedy: String) -> Classification {
        let whole = SourceLocation(file: file, line: 0)
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) || looksLikeUTF16(bytes) {
            return .refused(ImportProblem(whole, "il file è in codifica UTF-16 («Testo Unicode»): \(remedy)"))
        }
        if bytes.contains(0) {
            return .refused(ImportProblem(whole, "il file non è testo (file binario?): \(remedy)"))
        }
        guard let invalid = firstInvalidUTF8(bytes) else { return .utf8 }
        let line = bytes[..<invalid].filter { $0 == 0x0A }.count + 1
        let byte = "0x" + String(bytes[invalid], radix: 16, uppercase: true)
        let where_ = SourceLocation(file: file, line: line)
        guard let windows = windows1252(bytes) else {
            return .refused(ImportProblem(where_, "il file non è in codifica UTF-8 (byte \(byte) non valido) né in Windows-1252: \(remedy)"))
        }
        if hasMultibyteUTF8(bytes) {
            return .refused(ImportProblem(
                where_, "il file mescola due codifiche, UTF-8 e un'altra (byte \(byte) non valido in UTF-8): \(remedy)"
            ))
        }
        guard allowWindows1252 else {
            return .refused(ImportProblem(where_, "il file non è in codifica UTF-8 (byte \(byte) non valido): sembra Windows-1252 (ANSI); \(remedy)"))
        }
        return .windows1252(windows)
    }

    /// The offset of the first byte that does not belong to a valid UTF-8 sequence, or nil when all do.
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        var index = 0
        while index < bytes.count {
            let length = utf8SequenceLength(bytes, at: index)
            if length == 0 { return index }
            index += length
        }
        return nil
    }

    /// The length of the valid UTF-8 sequence starting at `index` (1–4), or 0 when the bytes there are not one
    /// (overlong forms, surrogates and values past U+10FFFF included).
    static func utf8SequenceLength(_ bytes: [UInt8], at index: Int) -> Int {
        let first = bytes[index]
        if first < 0x80 { return 1 }
        let length: Int
        var low: UInt8 = 0x80, high: UInt8 = 0xBF
        switch first {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: return 0
        }
        guard index + length <= bytes.count else { return 0 }
        for offset in 1..<length {
            let byte = bytes[index + offset]
            let (min, max) = offset == 1 ? (low, high) : (UInt8(0x80), UInt8(0xBF))
            guard byte >= min, byte <= max else { return 0 }
        }
        return length
    }

    /// Whether a valid multi-byte UTF-8 sequence occurs: in a file that is not all UTF-8, it means two encodings.
    static func hasMultibyteUTF8(_ bytes: [UInt8]) -> Bool {
        var index = 0
        while index < bytes.count {
            let length = utf8SequenceLength(bytes, at: index)
            if length > 1 { return true }
            index += max(length, 1)
        }
        return false
    }

    /// UTF-16 without a byte order mark: most ASCII characters come with a zero byte beside them.
    static func looksLikeUTF16(_ bytes: [UInt8]) -> Bool {
        let sample = bytes.prefix(512)
        guard sample.count >= 4 else { return false }
        var zerosEven = 0, zerosOdd = 0
        for (offset, byte) in sample.enumerated() where byte == 0 {
            if offset % 2 == 0 { zerosEven += 1 } else { zerosOdd += 1 }
        }
        let pairs = sample.count / 2
        return max(zerosEven, zerosOdd) * 10 >= pairs * 7 && min(zerosEven, zerosOdd) * 10 <= pairs
    }

    /// Code points of the bytes 0x80–0x9F in Windows-1252; nil where the code page leaves a byte undefined.
    private static let windows1252High: [UInt32?] = [
        0x20AC, nil, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, nil, 0x017D, nil,
        nil, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, nil, 0x017E, 0x0178,
    ]

    /// The bytes read as Windows-1252, or nil when one of them is undefined there.
    static func windows1252(_ bytes: [UInt8]) -> String? {
        var scalars = String.UnicodeScalarView()
        for byte in bytes {
            if (0x80...0x9F).contains(byte) {
                guard let value = windows1252High[Int(byte - 0x80)], let scalar = Unicode.Scalar(value) else { return nil }
                scalars.append(scalar)
            } else {
                // 0x00–0x7F are ASCII and 0xA0–0xFF are Latin-1, the same code points.
                scalars.append(Unicode.Scalar(byte))
            }
        }
        return String(scalars)
    }
}
