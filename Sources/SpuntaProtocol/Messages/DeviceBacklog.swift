import Foundation

/// Coda del dispositivo: what waits on a device, reported with every request in the `Spunta-Device-Backlog`
/// header so that the server knows how many scans a handheld holds even when its pushes are refused or it only
/// pulls (protocol/sync.md, "Device backlog").
///
/// Ages are measured on the device's own clock and sent as ages, not instants: a device clock that is wrong by
/// an hour still measures "12 minutes ago" right, and the server turns ages into its own instants.
public struct DeviceBacklog: Codable, Sendable, Equatable {
    /// The request header that carries the report.
    public static let header = "Spunta-Device-Backlog"
    /// A local error is cut to this many characters: it is a hint for the admin, not a log.
    public static let maxErrorLength = 200
    /// Ages beyond ten years are not ages: the report is refused.
    static let maxAgeSeconds = 10 * 366 * 86_400

    /// Ops recorded on the device and not yet acknowledged by the server.
    public var pendingOps: Int
    /// Seconds since the oldest of them was recorded; nil when none waits.
    public var oldestPendingAgeSeconds: Int?
    /// The device's last failed synchronisation, in the words it showed its user; nil after a success.
    public var lastError: String?
    /// Its stable code (`offline`, `device_blocked`, …).
    public var lastErrorCode: String?
    /// Seconds since that failure.
    public var lastErrorAgeSeconds: Int?

    enum CodingKeys: String, CodingKey {
        case pendingOps = "pending_ops", oldestPendingAgeSeconds = "oldest_pending_age_s", lastError = "last_error"
        case lastErrorCode = "last_error_code", lastErrorAgeSeconds = "last_error_age_s"
    }

    public init(pendingOps: Int, oldestPendingAgeSeconds: Int?, lastError: String?, lastErrorCode: String?, lastErrorAgeSeconds: Int?) {
        self.pendingOps = pendingOps
        self.oldestPendingAgeSeconds = oldestPendingAgeSeconds
        self.lastError = lastError.map { String($0.prefix(Self.maxErrorLength)) }
        self.lastErrorCode = lastErrorCode.map { String($0.prefix(64)) }
        self.lastErrorAgeSeconds = lastErrorAgeSeconds
    }

    /// The header value: compact JSON with every character outside ASCII written as a `\uXXXX` escape, so that the
    /// Italian text of an error travels in a header (which carries ASCII only) and still decodes as plain JSON.
    public var headerValue: String {
        let data = (try? WireCoding.encode(self)) ?? Data("{\"pending_ops\":\(pendingOps)}".utf8)
        var out = ""
        for scalar in String(decoding: data, as: UTF8.self).unicodeScalars {
            if scalar.isASCII, scalar.value >= 0x20 {
                out.unicodeScalars.append(scalar)
            } else {
                // JSON escapes UTF-16 code units: a scalar beyond the BMP becomes its surrogate pair.
                for unit in String(scalar).utf16 {
                    let hex = String(unit, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                }
            }
        }
        return out
    }

    /// Reads a header value; nil when it is not a report this protocol describes (bad JSON, negative counts,
    /// ages beyond ten years). Text fields longer than allowed are cut, not refused.
    public init?(headerValue: String) {
        guard headerValue.utf8.count <= 4_096,
              let decoded = try? WireCoding.decode(DeviceBacklog.self, from: Data(headerValue.utf8)) else { return nil }
        let ages = [decoded.oldestPendingAgeSeconds, decoded.lastErrorAgeSeconds].compactMap { $0 }
        guard (0...100_000_000).contains(decoded.pendingOps), ages.allSatisfy({ (0...Self.maxAgeSeconds).contains($0) }) else { return nil }
        self.init(
            pendingOps: decoded.pendingOps, oldestPendingAgeSeconds: decoded.pendingOps == 0 ? nil : decoded.oldestPendingAgeSeconds,
            lastError: decoded.lastError, lastErrorCode: decoded.lastErrorCode, lastErrorAgeSeconds: decoded.lastErrorAgeSeconds
        )
    }
}
