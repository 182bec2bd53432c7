import SpuntaDomain

/// Prices one unit of a service (motore tariffario): the tariff in force on the day, the payer's ISEE band (or
/// the price without ISEE; for non-residents their own price, or the full price when the tariff has none), the sibling reduction and the exemption — and says how,
/// so that every line of a bill can be explained.
public enum TariffEngine {
    /// A price and its explanation.
    public struct Quote: Hashable, Sendable {
        public let tariffId: String
        /// The price before reductions.
        public let base: Money
        /// The price charged.
        public let amount: Money
        /// In Italian: "fascia ISEE fino a € 6.000,00, 2° figlio −20%".
        public let explanation: String
    }

    /// The tariff of `service` in force on `date`: the enrollment's own tariff first, if it is in force; else the
    /// tariff of the enrollment's option that day (opzione tariffaria), if the option has one in force; else the
    /// service's tariff without option.
    public static func tariff(for enrollment: Enrollment, on date: LocalDate, among tariffs: [Tariff]) -> Tariff? {
        if let id = enrollment.tariffId, let own = tariffs.firstIndex(where: { $0.id == id }), tariffs[own].isInForce(on: date) {
            return tariffs[own]
        }
        // The latest in force of the option's, else of those without option (the first of equals): one pass, without a
        // list of those in force — billing asks this for every unit it prices. By index: a tariff is copied only once
        // chosen, not at each step of the pass (a copy retains each of its texts and lists).
        let option = enrollment.option(on: date)
        var priced: Int?
        var plain: Int?
        for index in tariffs.indices where tariffs[index].serviceId == enrollment.serviceId && tariffs[index].isInForce(on: date) {
            if let option, tariffs[index].optionId == option {
                if priced.map({ tariffs[index].validFrom > tariffs[$0].validFrom }) ?? true { priced = index }
            } else if tariffs[index].optionId == nil {
                if plain.map({ tariffs[index].validFrom > tariffs[$0].validFrom }) ?? true { plain = index }
            }
        }
        return (priced ?? plain).map { tariffs[$0] }
    }

    /// The price of one unit for `payer` on `date`. `siblingRank` is 1 for the first child of the payer in the
    /// service that month, 2 for the second, and so on.
    public static func quote(tariff: Tariff, payer: Payer?, date: LocalDate, siblingRank: Int, exemptionPercent: Int) -> Quote {
        quote(tariff: tariff, resident: payer?.resident ?? true, isee: payer?.isee, date: date, siblingRank: siblingRank,
              exemptionPercent: exemptionPercent)
    }

    /// `quote(tariff:payer:…)` from what prices a unit for the payer: residence and ISEE (no payer: a resident without
    /// ISEE). Billing reads the two from its list of payers, instead of copying a whole payer for each unit it prices.
    public static func quote(tariff: Tariff, resident: Bool, isee: Isee?, date: LocalDate, siblingRank: Int, exemptionPercent: Int) -> Quote {
        // One text, written in place: billing quotes every charge, and a list of parts joined was three more allocations.
        var explanation = ""
        var base: Money
        if !resident {
            // Non-residents never get an ISEE band: their own price, or else the full price (the top of the tariff).
            if let price = tariff.nonResidentPrice {
                base = price
                explanation = "non residente"
            } else {
                base = fullPrice(tariff)
                explanation = "non residente: tariffa piena"
            }
        } else if let isee, isee.isInForce(on: date) {
            let band = tariff.bands.first { $0.upTo.map { isee.value <= $0 } ?? true }
            base = band?.price ?? tariff.priceWithoutIsee
            if let limit = band?.upTo {
                explanation = "ISEE \(isee.value.italian), fascia fino a \(limit.italian)"
            } else {
                explanation = "ISEE \(isee.value.italian), fascia massima"
            }
        } else {
            base = tariff.priceWithoutIsee
            if let isee, date > isee.expiresOn {
                explanation = "ISEE scaduto il \(isee.expiresOn.italian): tariffa piena"
            } else if let isee {
                explanation = "ISEE presentato il \(isee.filedOn.italian), valido dal mese \(isee.filedOn.day <= 15 ? "stesso" : "successivo"): tariffa piena"
            } else {
                explanation = "senza ISEE: tariffa piena"
            }
        }
        let (amount, reductions) = reduced(base, tariff: tariff, siblingRank: siblingRank, exemptionPercent: exemptionPercent)
        for reduction in reductions { explanation += ", " + reduction }
        return Quote(tariffId: tariff.id, base: base, amount: amount, explanation: explanation)
    }

    /// The price of one day attended (quota giornaliera) of a monthly tariff that has one: the same for every ISEE,
    /// with the sibling reduction and the exemption of the fixed part. Nil when the tariff has no daily part.
    public static func dailyQuote(tariff: Tariff, siblingRank: Int, exemptionPercent: Int) -> Quote? {
        guard let daily = tariff.dailyPrice else { return nil }
        let (amount, reductions) = reduced(daily, tariff: tariff, siblingRank: siblingRank, exemptionPercent: exemptionPercent)
        return Quote(tariffId: tariff.id, base: daily, amount: amount,
                     explanation: (["quota giornaliera \(daily.italian)"] + reductions).joined(separator: ", "))
    }

    /// `base` less the sibling reduction, then less the exemption, each rounded as it is applied; with their words.
    static func reduced(_ base: Money, tariff: Tariff, siblingRank: Int, exemptionPercent: Int) -> (Money, [String]) {
        var parts: [String] = []
        var amount = base
        let sibling = siblingRank <= 1 ? 0 : (siblingRank == 2 ? tariff.secondSiblingDiscountPercent : tariff.thirdSiblingDiscountPercent)
        if sibling > 0 {
            amount = percentOff(amount, sibling)
            parts.append("\(siblingRank)° figlio −\(sibling)%")
        }
        if exemptionPercent > 0 {
            amount = percentOff(amount, exemptionPercent)
            parts.append(exemptionPercent >= 100 ? "esente" : "esenzione \(exemptionPercent)%")
        }
        return (amount, parts)
    }

    /// The highest price of the tariff: the price without ISEE, or the top band if a band costs more.
    public static func fullPrice(_ tariff: Tariff) -> Money {
        tariff.bands.map(\.price).reduce(tariff.priceWithoutIsee) { max($0, $1) }
    }

    /// `amount` less `percent`%, to the cent by `fraction` (half a cent in the family's favour).
    public static func percentOff(_ amount: Money, _ percent: Int) -> Money {
        fraction(of: amount, Int64(100 - max(0, min(100, percent))), 100)
    }

    /// `amount` × `numerator` / `denominator` (pro rata of a monthly fee), to the cent by `fraction`.
    public static func proRata(_ amount: Money, _ numerator: Int, _ denominator: Int) -> Money {
        fraction(of: amount, Int64(numerator), Int64(denominator))
    }

    /// `amount` × `numerator` / `denominator` to the cent, in integer arithmetic: the one rounding of every price
    /// Spunta computes (a discount, an exemption, a pro rata). The nearest cent; an exact half cent goes to the
    /// family — down for a charge (€3.335 → €3.33), towards the larger credit for a credit (−€1.665 → −€1.67) —
    /// because a Comune may not ask for a fraction it cannot justify, and one rule for every line lets anyone
    /// recompute a bill. A denominator of zero or less prices nothing.
    public static func fraction(of amount: Money, _ numerator: Int64, _ denominator: Int64) -> Money {
        guard denominator > 0 else { return .zero }
        let product = amount.cents * numerator
        // Floor division (Swift's `/` truncates towards zero): `remainder` is then in 0..<denominator.
        var quotient = product / denominator
        var remainder = product % denominator
        if remainder < 0 {
            quotient -= 1
            remainder += denominator
        }
        // Above half: up; an exact half or below: down (the family's side for a charge and for a credit alike).
        return Money(cents: 2 * remainder > denominator ? quotient + 1 : quotient)
    }
}
