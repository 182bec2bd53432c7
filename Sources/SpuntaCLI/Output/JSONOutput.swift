import Foundation

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

    /// `value` as one line of JSON, without the newline.
    public func line<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Writes `value` to `sink` as one line of JSON.
    public func write<T: Encodable>(_ value: T, to sink: OutputSink) throws {
        sink.writeLine(try line(value))
    }

    /// Writes each element of `values` as its own line: a stream of objects.
    public func writeLines<S: Sequence>(_ values: S, to sink: OutputSink) throws where S.Element: Encodable {
        for value in values {
            try write(value, to: sink)
        }
    }
}
