/// A fragment of HTML that is safe to send: the literal parts come from our code, every interpolated `String`
/// is escaped by `Markup.escape`, and only another `HTML` value goes in as it is. A page is built as
/// `"<td>\(device.name)</td>" as HTML`, so forgetting to escape a value is not possible.
public struct HTML: Sendable, Equatable, CustomStringConvertible, ExpressibleByStringInterpolation {
    public private(set) var text: String

    public init(stringLiteral value: StaticString) {
        text = value.description
    }

    public init(stringInterpolation: Interpolation) {
        text = stringInterpolation.text
    }

    /// Markup that is already safe — what another `HTML` produced, or a constant of ours.
    init(trusted text: String) {
        self.text = text
    }

    public static let empty = HTML(trusted: "")

    public var description: String { text }

    public static func + (lhs: HTML, rhs: HTML) -> HTML { HTML(trusted: lhs.text + rhs.text) }

    public static func += (lhs: inout HTML, rhs: HTML) { lhs.text += rhs.text }

    public struct Interpolation: StringInterpolationProtocol {
        var text = ""

        public init(literalCapacity: Int, interpolationCount: Int) {
            text.reserveCapacity(literalCapacity + interpolationCount * 16)
        }

        public mutating func appendLiteral(_ literal: StaticString) {
            text += literal.description
        }

        /// Data: escaped.
        public mutating func appendInterpolation(_ value: String) {
            text += Markup.escape(value)
        }

        public mutating func appendInterpolation(_ value: Int) {
            text += String(value)
        }

        /// Markup already built and escaped.
        public mutating func appendInterpolation(_ html: HTML) {
            text += html.text
        }

        public mutating func appendInterpolation(_ list: [HTML]) {
            for item in list { text += item.text }
        }
    }
}

extension Array where Element == HTML {
    public func joined(separator: HTML = .empty) -> HTML {
        HTML(trusted: map(\.text).joined(separator: separator.text))
    }
}
