import Foundation

/// An amount of euro as a person types it, in the Italian way or in the files' way: `7.830,00` (dots between
/// thousands, comma before the cents), `7830,00`, `7830.00`, `7830`, also `1.234.567` and `€ 7.830,00`. The
/// ISEE comes off the family's attestation as `7.830,00`, and refusing it — or taking it for something else —
/// would put the family in the wrong band. A single separator before exactly three digits (`7.830`, `7,830`) is
/// refused as ambiguous: thousands or decimals cannot be told apart, and a wrong guess is a factor of a thousand.
public enum TypedAmount: Hashable, Sendable {
    case amount(Money)
    /// A single `.` or `,` followed by exactly three digits.
    case ambiguous
    /// Not an amount: letters, a sign, more than two decimals, misplaced separators, the English `7,830.00`.
    case invalid

    public init(_ text: some StringProtocol) {
        var typed = text.trimmingCharacters(in: .whitespaces)
        if typed.hasPrefix("€") { typed = typed.dropFirst().trimmingCharacters(in: .whitespaces) }
        if typed.hasSuffix("€") { typed = typed.dropLast().trimmingCharacters(in: .whitespaces) }
        let s = Substring(typed)
        func digits(_ part: Substring, _ counts: ClosedRange<Int>) -> Bool {
            counts.contains(part.count) && part.allSatisfy { $0.isASCII && $0.isNumber }
        }
        /// Whole euro with dots between thousands (`7.830`, `1.234.567`) or none (`7830`).
        func units(_ part: Substring) -> Int64? {
            let groups = part.split(separator: ".", omittingEmptySubsequences: false)
            guard digits(groups[0], groups.count == 1 ? 1...12 : 1...3),
                  groups.dropFirst().allSatisfy({ digits($0, 3...3) }), groups.count <= 4 else { return nil }
            return Int64(groups.joined())
        }
        func cents(_ part: Substring) -> Int64? {
            guard digits(part, 1...2), let value = Int64(part) else { return nil }
            return part.count == 1 ? value * 10 : value
        }
        let commas = s.split(separator: ",", omittingEmptySubsequences: false)
        let dots = s.split(separator: ".", omittingEmptySubsequences: false)
        switch (commas.count, dots.count) {
        case (1, 1), (1, 3...):
            // 7830, or 1.234.567: several dots can only separate thousands.
            guard let euro = units(s) else { self = .invalid; return }
            self = .amount(Money(cents: euro * 100))
        case (1, 2):
            // 7830.00 as the files write it; 7.830 cannot be told from 7,83.
            if digits(dots[1], 3...3) && digits(dots[0], 1...3) { self = .ambiguous; return }
            guard digits(dots[0], 1...12), let euro = Int64(dots[0]), let c = cents(dots[1]) else { self = .invalid; return }
            self = .amount(Money(cents: euro * 100 + c))
        case (2, _):
            // 7.830,00 or 7830,00; 7,830 cannot be told from 7.830 written the English way.
            if dots.count == 1 && digits(commas[1], 3...3) && digits(commas[0], 1...3) { self = .ambiguous; return }
            guard let euro = units(commas[0]), let c = cents(commas[1]) else { self = .invalid; return }
            self = .amount(Money(cents: euro * 100 + c))
        default:
            self = .invalid
        }
    }

    /// The amount, nil when ambiguous or invalid.
    public var money: Money? {
        if case .amount(let money) = self { return money }
        return nil
    }

    /// What is wrong with `text` read as `self`, in Italian with what to write instead; nil for an amount.
    /// `subject` names where it was typed ("nel campo «isee»").
    public func problem(_ text: String, subject: String) -> String? {
        let forms = "scrivere l'importo in euro con la virgola prima dei centesimi (es. 7.830,00, 7830,00, 7830.00 o 7830)"
        switch self {
        case .amount: return nil
        case .ambiguous:
            return "importo «\(text)» \(subject) ambiguo: non si capisce se il separatore divide le migliaia o i centesimi; " + forms
        case .invalid:
            return "importo «\(text)» \(subject) non valido: " + forms
        }
    }
}
