import SpuntaDomain

/// A remote HLC stamp lies further in the future than the clock accepts (orologio del dispositivo
/// avanti): the stamp was not adopted. The caller records the skew for the device; the clock is unchanged.
public struct HLCDriftError: UserFacingError, Equatable, Sendable, CustomStringConvertible {
    /// The stamp that was refused.
    public let remote: HLCTimestamp
    /// The local physical time when it was refused, in ms since the epoch.
    public let physicalMilliseconds: Int64
    /// The tolerance in force, in ms.
    public let maxDriftMilliseconds: Int64

    public init(remote: HLCTimestamp, physicalMilliseconds: Int64, maxDriftMilliseconds: Int64) {
        self.remote = remote
        self.physicalMilliseconds = physicalMilliseconds
        self.maxDriftMilliseconds = maxDriftMilliseconds
    }

    /// How far ahead of local physical time the remote stamp is, in ms.
    public var driftMilliseconds: Int64 { remote.milliseconds - physicalMilliseconds }

    public var code: String { "clock_drift" }

    public var userMessage: String {
        "L'orologio del dispositivo è avanti di \(HLCDriftError.italianDuration(driftMilliseconds)) "
            + "rispetto al server (tolleranza \(HLCDriftError.italianDuration(maxDriftMilliseconds))): "
            + "l'orario \(remote) non è stato adottato. Correggere data e ora del dispositivo."
    }

    public var description: String { userMessage }

    /// "2 giorni, 3 ore e 5 minuti", "1 ora", "meno di un minuto".
    static func italianDuration(_ milliseconds: Int64) -> String {
        let totalMinutes = milliseconds / 60_000
        let days = totalMinutes / 1440
        let hours = totalMinutes / 60 % 24
        let minutes = totalMinutes % 60
        var parts: [String] = []
        if days > 0 { parts.append(days == 1 ? "1 giorno" : "\(days) giorni") }
        if hours > 0 { parts.append(hours == 1 ? "1 ora" : "\(hours) ore") }
        if minutes > 0 { parts.append(minutes == 1 ? "1 minuto" : "\(minutes) minuti") }
        switch parts.count {
        case 0: return "meno di un minuto"
        case 1: return parts[0]
        default: return parts.dropLast().joined(separator: ", ") + " e " + parts[parts.count - 1]
        }
    }
}
