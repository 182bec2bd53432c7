import SpuntaDomain

/// One billable consumption (addebito): a meal, a ride, a month of nursery — or a monthly cap or minimum —
/// with its price, its explanation and the ops (or enrollment) it comes from. The `key` identifies the fact
/// across billing runs, so that a fact is billed once and a late change becomes a conguaglio.
public struct Charge: Hashable, Sendable, Comparable {
    public enum Kind: String, Sendable {
        case charge, cap
    }

    public let key: String
    public let kind: Kind
    public let period: BillingPeriod
    public let payerId: String
    public let beneficiaryId: String
    public let serviceId: String
    public let date: LocalDate?
    public let description: String
    public let quantity: Int
    public let unitPrice: Money
    public let amount: Money
    public let sourceOps: [String]

    public static func < (lhs: Charge, rhs: Charge) -> Bool {
        (lhs.payerId, lhs.beneficiaryId, lhs.serviceId, lhs.date?.description ?? "", lhs.kind.rawValue, lhs.key)
            < (rhs.payerId, rhs.beneficiaryId, rhs.serviceId, rhs.date?.description ?? "", rhs.kind.rawValue, rhs.key)
    }
}
