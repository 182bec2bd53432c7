import SpuntaDomain

/// One child on one business day (un bambino in un giorno): the key of the register, and of the cross-checks
/// between the register and the meals.
public struct ChildDay: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let beneficiaryId: String
    public let date: LocalDate

    public init(beneficiaryId: String, date: LocalDate) {
        self.beneficiaryId = beneficiaryId
        self.date = date
    }

    /// `B1|2026-10-30`: how a conflict about the child and day is keyed in the server's store (`conflict.subject`).
    public var subject: String { "\(beneficiaryId)|\(date)" }

    public var description: String { subject }

    /// Child first, then day: compared field by field, never through the formatted subject.
    public static func < (lhs: ChildDay, rhs: ChildDay) -> Bool {
        (lhs.beneficiaryId, lhs.date) < (rhs.beneficiaryId, rhs.date)
    }
}
