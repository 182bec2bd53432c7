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

    /// By payer, child, service, day (none first), kind and key. The days compare as dates, which orders them as
    /// their texts would (`LocalDate` years have four digits) without writing a text at every comparison.
    /// Field by field, each text compared once for equality and once for order at most: billing sorts every group's
    /// charges, and the tuples compared each text up to four times.
    public static func < (lhs: Charge, rhs: Charge) -> Bool {
        if lhs.payerId != rhs.payerId { return lhs.payerId < rhs.payerId }
        if lhs.beneficiaryId != rhs.beneficiaryId { return lhs.beneficiaryId < rhs.beneficiaryId }
        if lhs.serviceId != rhs.serviceId { return lhs.serviceId < rhs.serviceId }
        if lhs.date != rhs.date {
            guard let left = lhs.date else { return true }
            guard let right = rhs.date else { return false }
            return left < right
        }
        return (lhs.kind.rawValue, lhs.key) < (rhs.kind.rawValue, rhs.key)
    }
}
