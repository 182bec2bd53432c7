import SpuntaProtocol

/// One measurement of a device's clock, taken by the server when a request arrives (misura dell'orologio).
public struct ClockReading: Sendable, Hashable {
    /// The device's clock when it sent the request (`Spunta-Device-Time`).
    public let deviceMs: Int64
    /// The server's clock when the request arrived.
    public let serverMs: Int64
    /// The number of the device's last op when it sent the request (`Spunta-Device-Seq`); nil from an app that
    /// does not send it, for which the server uses the last number it received.
    public let deviceSeq: Int64?

    public init(deviceMs: Int64, serverMs: Int64, deviceSeq: Int64?) {
        self.deviceMs = deviceMs
        self.serverMs = serverMs
        self.deviceSeq = deviceSeq
    }

    /// Reads the request's headers; nil when the device did not send its time as a number of milliseconds.
    public init?(deviceTime: String?, deviceSeq: String?, serverMs: Int64) {
        guard let text = deviceTime?.trimmingCharacters(in: .whitespaces), let ms = Int64(text) else { return nil }
        let seq = deviceSeq.flatMap { Int64($0.trimmingCharacters(in: .whitespaces)) }.flatMap { $0 >= 0 ? $0 : nil }
        self.init(deviceMs: ms, serverMs: serverMs, deviceSeq: seq)
    }

    /// The device's clock minus the server's.
    public var offsetMs: Int64 { deviceMs &- serverMs }

    /// What the answer tells the device.
    public var report: DeviceClock { DeviceClock(offsetMs: offsetMs) }
}
