/// Version negotiation of spunta-sync (see protocol/sync.md, "Versions").
///
/// Every request carries `Spunta-Protocol: N`; the server answers requests of a version it does not speak
/// with 426 and `protocol_version_unsupported`, naming the versions it speaks, so the side to upgrade is clear.
public enum ProtocolVersion {
    /// The version this build speaks.
    public static let current = 1
    /// Versions the server accepts.
    public static let supported: ClosedRange<Int> = 1...1
    /// The request and response header.
    public static let header = "Spunta-Protocol"
    /// The device's wall clock at sending, milliseconds since 1970 (for clock-skew measurement).
    public static let deviceTimeHeader = "Spunta-Device-Time"
    /// The number of the last op the device had recorded when it sent the request (its `seq`), so that the server
    /// can place each op between the clock measurements taken before and after it was recorded.
    public static let deviceSeqHeader = "Spunta-Device-Seq"
    /// The program version, e.g. `spunta/0.1.0`.
    public static let appVersion = "0.1.0"
}
