import SpuntaDomain

/// Quote dei paganti: how one line of a child whose payers share the cost (separated parents, 50/50 or 70/30) is
/// divided among them, without ever losing or creating a cent.
///
/// Each payer's part is their percent of the price computed for them (with their own ISEE band and residence). The
/// line as a whole costs the sum of those exact parts, rounded once by `TariffEngine.fraction` (half a cent in the
/// family's favour); every payer but the primary one pays their own part rounded the same way, and the primary payer
/// pays what is left. So the parts always add up to the line, the odd cent of a split goes to the primary payer, and
/// when every payer has the same price the parts add up to exactly what one payer alone would have paid.
public enum CostSharing {
    /// One payer's side of a line: their percent and the price computed for them (before the split).
    public struct Part: Sendable, Equatable {
        public let payerId: String
        public let percent: Int
        public let price: Money
        /// How `price` was computed, in Italian ("ISEE € 4.000,00, fascia fino a € 5.000,00").
        public let detail: String

        public init(payerId: String, percent: Int, price: Money, detail: String) {
            self.payerId = payerId
            self.percent = percent
            self.price = price
            self.detail = detail
        }
    }

    /// The amount of each part, in order; the first part is the primary payer's. A single part at 100% is its price.
    public static func split(_ parts: [Part]) -> [Money] {
        guard parts.count > 1 else { return parts.map { TariffEngine.fraction(of: $0.price, Int64($0.percent), 100) } }
        let exactHundredths = parts.reduce(Int64(0)) { $0 + $1.price.cents * Int64($1.percent) }
        let line = TariffEngine.fraction(of: Money(cents: exactHundredths), 1, 100)
        let others = parts.dropFirst().map { TariffEngine.fraction(of: $0.price, Int64($0.percent), 100) }
        let primary = Money(cents: line.cents - others.reduce(Int64(0)) { $0 + $1.cents })
        return [primary] + others
    }

    /// The explanation of a part for its payer's line: how their price was computed and their share of it, saying
    /// when the part carries the odd cent of the split.
    public static func explain(_ part: Part, amount: Money) -> String {
        let detail = part.detail.isEmpty ? "" : part.detail + ", "
        guard part.percent < 100 else { return part.detail }
        let own = TariffEngine.fraction(of: part.price, Int64(part.percent), 100)
        let rounding = own == amount ? "" : ", con l'arrotondamento della divisione"
        return "\(detail)quota \(part.percent)% di \(part.price.italian)\(rounding)"
    }
}
