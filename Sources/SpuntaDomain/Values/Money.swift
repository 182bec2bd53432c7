import Foundation

/// An amount of euro as integer cents (importo). Never a floating-point number.
public struct Money: Hashable, Comparable, Sendable, Codable, CustomStringConvertible, AdditiveArithmetic {
    public var cents: Int64

    public init(cents: Int64) {
        self.cents = cents
    }

    public static let zero = Money(cents: 0)

    /// Parses an amount as written in exchange files: `4.50`, `4,50`, `1234`, `1.234,50` is refused
    /// (thousands separators are ambiguous). At most two decimals; no sign unless `allowNegative`.
    public init?(decimal text: some StringProtocol, allowNegative: Bool = false) {
        var s = Substring(text.trimmingCharacters(in: .whitespaces))
        var negative = false
        if s.first == "-" {
            guard allowNegative else { return nil }
            negative = true
            s = s.dropFirst()
        }
        let parts = s.split(separator: s.contains(",") ? "," : ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty,
              parts[0].count <= 12, parts[0].allSatisfy({ $0.isASCII && $0.isNumber }),
              let units = Int64(parts[0]) else { return nil }
        var fraction: Int64 = 0
        if parts.count == 2 {
            let f = parts[1]
            guard (1...2).contains(f.count), f.allSatisfy({ $0.isASCII && $0.isNumber }), let v = Int64(f) else { return nil }
            fraction = f.count == 1 ? v * 10 : v
        }
        let cents = units * 100 + fraction
        self.cents = negative ? -cents : cents
    }

    /// `4.50`: the exchange-file and CSV form (dot, two decimals, no grouping).
    public var decimalString: String {
        let sign = cents < 0 ? "-" : ""
        let a = cents.magnitude
        let f = a % 100
        return "\(sign)\(a / 100).\(f < 10 ? "0" : "")\(f)"
    }

    /// `€ 1.234,50`: how amounts are printed for Italian readers.
    public var italian: String {
        let sign = cents < 0 ? "-" : ""
        let a = cents.magnitude
        var units = String(a / 100)
        var grouped = ""
        while units.count > 3 {
            grouped = "." + units.suffix(3) + grouped
            units.removeLast(3)
        }
        let f = a % 100
        return "\(sign)€ \(units)\(grouped),\(f < 10 ? "0" : "")\(f)"
    }

    public var description: String { italian }

    public static func < (lhs: Money, rhs: Money) -> Bool { lhs.cents < rhs.cents }
    public static func + (lhs: Money, rhs: Money) -> Money { Money(cents: lhs.cents + rhs.cents) }
    public static func - (lhs: Money, rhs: Money) -> Money { Money(cents: lhs.cents - rhs.cents) }
    public static prefix func - (value: Money) -> Money { Money(cents: -value.cents) }

    public init(from decoder: any Decoder) throws {
        self.cents = try decoder.singleValueContainer().decode(Int64.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(cents)
    }
}
