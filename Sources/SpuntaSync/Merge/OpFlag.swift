/// A mark the push checks leave on an op they keep although the master data does not cover it, stored with the
/// op (`op.scope_flag`) so that the merge reads it back whatever the order in which the ops of a fact arrive.
public enum OpFlag: String, Sendable, CaseIterable {
    /// A boarding or alighting of a child not enrolled on that route that day: kept (whoever is aboard must be on
    /// the list), flagged for the office (`ride_not_enrolled`) and billed only if the office decides so.
    case notEnrolled = "not_enrolled"
    /// The end of a ride listing aboard a child the server does not know (a server restored from an older backup,
    /// a child added on the device): kept, because the children it lists must be looked for on the bus, and each
    /// unknown id is named in the office's alert as a child the server does not recognise.
    case unknownAboard = "unknown_aboard"
}
