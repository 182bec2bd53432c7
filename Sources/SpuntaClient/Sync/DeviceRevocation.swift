import SpuntaStore

/// Dispositivo revocato: what a device the server revoked knows about itself. Its last sync was refused for good
/// (`sync_state.revoked`, `spunta sync` exits 4), so nothing recorded on it reaches the office unless the office
/// re-enables it (a new code, enrolled again in place: the ops kept here are sent then). The screens that record
/// still work — a bus attendant needs the list of who is aboard whatever the server thinks of the handheld — but
/// they say so before the first line, and never promise that the office will be told.
public enum DeviceRevocation {
    /// Whether the last sync found this device revoked.
    public static func isRevoked(_ db: Database) throws -> Bool {
        try db.scalar("SELECT revoked FROM sync_state WHERE id = 1") ?? false
    }

    /// Whether the device in `queue` is revoked; a database that cannot say is taken as not revoked (the screens
    /// open all the same and the sync reports the error).
    public static func isRevoked(_ queue: DatabaseQueue) -> Bool {
        (try? queue.read { try isRevoked($0) }) ?? false
    }

    /// The warning every recording screen shows first on a revoked device: what it means and what to do.
    public static let warning = "DISPOSITIVO REVOCATO: quello che si registra resta su questo dispositivo e NON arriva "
        + "all'ufficio scuola. Consegnare il dispositivo all'ufficio e usarne un altro; l'ufficio può riabilitarlo "
        + "(le registrazioni fatte qui partono allora)."

    /// The short line a screen keeps in view under its title.
    public static let banner = "!! DISPOSITIVO REVOCATO: nulla arriva all'ufficio"

    /// What the attendant must do when a ride closes with children aboard on a revoked device: the office's alert
    /// will not come, so a person must give it.
    public static let phoneTheOffice = "Dispositivo revocato: l'ufficio NON riceverà questo avviso. Telefonare subito "
        + "all'ufficio scuola e dire chi è rimasto a bordo."
}
