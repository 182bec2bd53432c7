/// The device's clock as the server measured it at one request (orologio del dispositivo), returned in the
/// push and pull answers so that the device can tell its user that its clock is wrong.
///
/// The server reads `Spunta-Device-Time` against its own clock; `offset_ms` is the device's clock minus the
/// server's (positive: the device is ahead). Absent when the request did not carry the device's time.
public struct DeviceClock: Codable, Sendable, Hashable {
    /// An offset beyond this makes a clock wrong, for the device, the status page and the merge alike. It is
    /// far above what a slow network adds to a measurement, and far below what can move a fact to another day.
    public static let toleranceMs: Int64 = 2 * 60 * 1000

    public var offsetMs: Int64
    /// Whether the offset is within the tolerance.
    public var ok: Bool

    public init(offsetMs: Int64) {
        self.offsetMs = offsetMs
        self.ok = Self.isWithinTolerance(offsetMs)
    }

    public static func isWithinTolerance(_ offsetMs: Int64) -> Bool {
        offsetMs.magnitude <= toleranceMs.magnitude
    }

    enum CodingKeys: String, CodingKey {
        case offsetMs = "offset_ms", ok
    }
}
