/// What the merge made of an op (esito della fusione), stored with the op (`op.merge_status`) and reported to the
/// device that pushed it (`outcome`).
public enum MergeStatus: String, Sendable, Hashable, CaseIterable {
    /// It is the fact: the register's mark, the billed meal, the ride's boarding or alighting.
    case applied
    /// A second scan of a meal or a ride already kept: kept for the record, never billed.
    case duplicate
    /// A register mark or a justification that a later one (by HLC, device) replaced.
    case superseded
    /// Cancelled by a void op (annullata).
    case voided
    /// A register mark of a child and day on which devices disagree: a conflict for a person to review.
    case conflict
    /// Refused by the push checks or by the void rule: stored for the audit trail, counts for nothing.
    case rejected
    /// A void whose target has not arrived yet: it counts for nothing until its target is stored.
    case held

    /// As the office reads it.
    public var italian: String {
        switch self {
        case .applied: return "applicata"
        case .duplicate: return "doppione"
        case .superseded: return "superata"
        case .voided: return "annullata"
        case .conflict: return "in conflitto"
        case .rejected: return "rifiutata"
        case .held: return "in attesa dell'operazione da annullare"
        }
    }
}
