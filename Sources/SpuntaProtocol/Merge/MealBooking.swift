import SpuntaDomain

/// Pasto prenotato: what the register of a child's day (present, absent, late entry or early exit at a time) says
/// about the meal, decided by `MergeRules.mealBooking` — the one rule behind billing's charge, the caterer's count
/// and the device's count and canteen door.
public enum MealBooking: Sendable, Equatable {
    /// The meal is booked: no mark (meals are booked unless cancelled), present, in by the cut-off, out after it.
    case booked
    /// Marked absent (or away for an absence period).
    case absent
    /// Gone home at this time, at or before the cut-off.
    case leftBy(LocalTime)
    /// Came in at this time, after the cut-off (only for `MealPurpose.billing`).
    case cameAfter(LocalTime)

    public var isBooked: Bool { self == .booked }

    /// Why the meal is not booked, as the office reads it ("uscito alle 09:10"); nil when it is booked.
    public var italianReason: String? {
        switch self {
        case .booked: return nil
        case .absent: return "assente"
        case .leftBy(let time): return "uscito alle \(time)"
        case .cameAfter(let time): return "entrato alle \(time)"
        }
    }
}
