import Foundation
import SpuntaDomain

/// Machine-readable output for `--json`: snake_case keys, sorted, dates in ISO 8601 UTC, no slash
/// escaping, one compact object per line, so the same value always prints the same bytes and a stream
/// of objects can be read line by line.
public struct JSONOutput: Sendable {
    private let encoder: JSONEncoder

    public init() {
        encoder = JSONOutput.makeEncoder()
    }

    /// The encoder behind the output, for callers that need `Data`.
    public static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    /// `value` as one line of JSON, without the newline. The encoder escapes the C0 controls; DEL, the C1
    /// controls and the bidirectional controls are escaped here (`\u202e`), so that the data reach a script
    /// whole and a terminal showing the line obeys none of them.
    public func line<T: Encodable>(_ value: T) throws -> String {
        Self.safe(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    /// JSON text as the encoder writes it, with DEL, the C1 controls and the bidirectional controls escaped.
    public static func safe(_ text: String) -> String {
        guard UnsafeCharacters.first(in: text) != nil else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            if UnsafeCharacters.contains(scalar) {
                out += "\\u" + String(scalar.value, radix: 16).leftPadded4
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Writes `value` to `sink` as one line of JSON.
    public func write<T: Encodable>(_ value: T, to sink: OutputSink) throws {
        sink.writeLine(try line(value))
    }

    /// Writes `text`, one value's JSON written by hand exactly as the encoder would write it (a large report, where
    /// `JSONEncoder` costs more than the rest of the command's end), as one line, escaped as `line` escapes.
    public func write(encoded text: String, to sink: OutputSink) {
        sink.writeLine(Self.safe(text))
    }

    /// Writes each element of `values` as its own line: a stream of objects.
    public func writeLines<S: Sequence>(_ values: S, to sink: OutputSink) throws where S.Element: Encodable {
        for value in values {
            try write(value, to: sink)
        }
    }
}

extension String {
    /// Four hex digits, as JSON writes a `\\u` escape.
    fileprivate var leftPadded4: String { String(repeating: "0", count: max(0, 4 - count)) + self }
}
