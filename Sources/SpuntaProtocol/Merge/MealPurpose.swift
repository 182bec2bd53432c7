/// Why the meal question is asked. The two answers differ on one point only, on purpose: a late entry after the
/// cut-off.
public enum MealPurpose: Sendable, CaseIterable {
    /// Whether the family is charged (addebito, `chargeBasis` register or both). The register at the cut-off is the
    /// booking (Comuni book meals unless cancelled by the cut-off): a child who comes in after it had no meal booked
    /// at the cut-off and is not charged one (protocol/billing.md).
    case billing
    /// Whether the meal is prepared and expected at the canteen: the caterer's count (conteggio pasti), the device's
    /// `spunta meals` and the door's expected children. A child who comes in late, whatever the hour, is at school
    /// for lunch and eats, so the kitchen must count them in (a late arrival reaches the caterer as a variation).
    case kitchenCount
}
