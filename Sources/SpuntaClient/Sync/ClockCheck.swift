import SpuntaDomain
import SpuntaProtocol
import SpuntaStore

/// Orologio del dispositivo: whether the last sync found this device's clock off by more than the tolerance
/// (`DeviceClock.toleranceMs`), from the offset the server measured and the device keeps. A wrong clock puts
/// marks and meals on the wrong day, so the screens say so until a sync measures it right again.
public enum ClockCheck {
    /// The offset the last sync measured (device minus server, ms), nil when never measured.
    public static func offset(_ db: Database) throws -> Int64? {
        try db.scalar("SELECT clock_offset_ms FROM sync_state WHERE id = 1")
    }

    /// "avanti di 1 giorno", "indietro di 3 anni": how far off a wrong clock is; nil when within the tolerance or unknown.
    public static func error(offsetMs: Int64?) -> String? {
        guard let offsetMs, !DeviceClock.isWithinTolerance(offsetMs) else { return nil }
        let span = ItalianTime.span(seconds: Int(clamping: offsetMs / 1000))
        return offsetMs > 0 ? "avanti di \(span)" : "indietro di \(span)"
    }

    /// The warning a screen shows, nil when the clock is right or was never measured.
    public static func warning(offsetMs: Int64?) -> String? {
        error(offsetMs: offsetMs).map {
            "OROLOGIO SBAGLIATO: all'ultima sincronizzazione questo dispositivo era \($0) rispetto al server. "
                + "Correggere data e ora del dispositivo, poi sincronizzare (spunta sync)."
        }
    }

    /// The warning for the device in `db`.
    public static func warning(_ db: Database) throws -> String? {
        warning(offsetMs: try offset(db))
    }
}
