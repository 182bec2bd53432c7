/// Tariffa: the price of a service unit, by ISEE band, in force over a span of dates.
public struct Tariff: Hashable, Sendable, Codable {
    public var id: String
    public var serviceId: String
    public var name: String
    public var unit: Unit
    public var validFrom: LocalDate
    public var validTo: LocalDate?
    /// Fasce ISEE in ascending order of `upTo`; the last band has `upTo == nil` and is the full price.
    public var bands: [Band]
    /// Price with no valid ISEE on file (nessuna attestazione): usually the top band.
    public var priceWithoutIsee: Money
    /// Price for non-residents, if different.
    public var nonResidentPrice: Money?
    /// Riduzione fratelli: percent off for the second child and for the third and later ones.
    public var secondSiblingDiscountPercent: Int
    public var thirdSiblingDiscountPercent: Int
    /// Minimum and maximum charged per beneficiary per month, if the Comune sets them.
    public var monthlyMinimum: Money?
    public var monthlyMaximum: Money?
    /// For monthly fees: charge a partial month pro rata by the days enrolled.
    public var proRata: Bool
    /// The service's option (opzione tariffaria) this tariff prices; nil: enrollments without an option, and those
    /// whose option has no tariff of its own in force.
    public var optionId: String?
    /// Quota giornaliera: for a monthly fee (the fixed part, quota fissa), the price of each day the child attends.
    public var dailyPrice: Money?
    /// Riduzione per malattia lunga: an absence period of at least `illnessDays` consecutive days takes
    /// `illnessReductionPercent` % off the fixed part for the service days it covers (0: no reduction).
    public var illnessDays: Int
    public var illnessReductionPercent: Int
    /// Riduzione per chiusura del Comune: `closureReductionPercent` % off the fixed part for the days a closure of
    /// this service or of its site closed it (0: no reduction).
    public var closureReductionPercent: Int

    /// The illness threshold when the tariff does not set one: a week of school (five days).
    public static let defaultIllnessDays = 5

    public init(
        id: String, serviceId: String, name: String, unit: Unit, validFrom: LocalDate, validTo: LocalDate?,
        bands: [Band], priceWithoutIsee: Money, nonResidentPrice: Money?, secondSiblingDiscountPercent: Int,
        thirdSiblingDiscountPercent: Int, monthlyMinimum: Money?, monthlyMaximum: Money?, proRata: Bool,
        optionId: String? = nil, dailyPrice: Money? = nil, illnessDays: Int = Tariff.defaultIllnessDays,
        illnessReductionPercent: Int = 0, closureReductionPercent: Int = 0
    ) {
        self.id = id
        self.serviceId = serviceId
        self.name = name
        self.unit = unit
        self.validFrom = validFrom
        self.validTo = validTo
        self.bands = bands
        self.priceWithoutIsee = priceWithoutIsee
        self.nonResidentPrice = nonResidentPrice
        self.secondSiblingDiscountPercent = secondSiblingDiscountPercent
        self.thirdSiblingDiscountPercent = thirdSiblingDiscountPercent
        self.monthlyMinimum = monthlyMinimum
        self.monthlyMaximum = monthlyMaximum
        self.proRata = proRata
        self.optionId = optionId
        self.dailyPrice = dailyPrice
        self.illnessDays = illnessDays
        self.illnessReductionPercent = illnessReductionPercent
        self.closureReductionPercent = closureReductionPercent
    }

    /// What one price buys.
    public enum Unit: String, Hashable, Sendable, Codable, CaseIterable {
        case meal, ride, month, year

        public var italian: String {
            switch self {
            case .meal: return "pasto"
            case .ride: return "corsa"
            case .month: return "mese"
            case .year: return "anno"
            }
        }
    }

    /// Fascia ISEE: ISEE up to `upTo` (included) pays `price`. `upTo == nil`: any ISEE.
    public struct Band: Hashable, Sendable, Codable {
        public var upTo: Money?
        public var price: Money

        public init(upTo: Money?, price: Money) {
            self.upTo = upTo
            self.price = price
        }
    }

    public func isInForce(on date: LocalDate) -> Bool {
        validFrom <= date && (validTo.map { date <= $0 } ?? true)
    }
}
