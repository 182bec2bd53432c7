/// A mark the push checks leave on an op they keep although the master data does not cover it, stored with the
/// op (`op.scope_flag`) so that the merge reads it back whatever the order in which the ops of a fact arrive.
public enum OpFlag: String, Sendable, CaseIterable {
    /// A boarding or alighting of a child not enrolled on that route that day: kept (whoever is aboard must be on
    /// the list), flagged for the office (`ride_not_enrolled`) and billed only if the office decides so.
    case notEnrolled = "not_enrolled"
}
