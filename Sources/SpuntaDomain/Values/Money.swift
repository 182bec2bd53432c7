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

    /// `€ 1.234,50`: how amounts are printed for Italian readers. Written in place into one string: billing prints an
    /// amount in the explanation of most lines of a month, and the texts grouped three digits at a time were joined
    /// piece by piece.
    public var italian: String {
        let magnitude = cents.magnitude
        let units = magnitude / 100, fraction = Int(magnitude % 100)
        var digits = 1
        var rest = units
        while rest >= 10 {
            rest /= 10
            digits += 1
        }
        let euro = "€ ".utf8
        // The sign, the euro, the units with a dot before each group of three, the comma and two decimals.
        let count = (cents < 0 ? 1 : 0) + euro.count + digits + (digits - 1) / 3 + 3
        return String(unsafeUninitializedCapacity: count) { buffer in
            var position = 0
            if cents < 0 {
                buffer[0] = UInt8(ascii: "-")
                position = 1
            }
            for byte in euro {
                buffer[position] = byte
                position += 1
            }
            // The units from the last digit back.
            position = count - 4
            var value = units
            for index in 0..<digits {
                if index > 0, index % 3 == 0 {
                    buffer[position] = UInt8(ascii: ".")
                    position -= 1
                }
                buffer[position] = UInt8(ascii: "0") + UInt8(value % 10)
                value /= 10
                position -= 1
            }
            buffer[count - 3] = UInt8(ascii: ",")
            buffer[count - 2] = UInt8(ascii: "0") + UInt8(fraction / 10)
            buffer[count - 1] = UInt8(ascii: "0") + UInt8(fraction % 10)
            return count
        }
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
