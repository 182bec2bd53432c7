import Foundation
import SpuntaCLI
import SpuntaDomain
import SpuntaServerStore
import SpuntaStore

/// `spunta-server restore`: puts a copy back, with a new epoch so devices re-push what the copy lacks.
struct Restore: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Ripristina l'archivio da una copia (a server fermo: rifiutato mentre spunta-server serve lo usa) con una nuova epoca.",
        discussion: """
            I dispositivi vedono la nuova epoca alla prossima sincronizzazione, reinviano le operazioni che hanno ancora \
            e riscaricano i dati: quello che un dispositivo conserva non va perso. I dispositivi registrati dopo la \
            copia vanno registrati di nuovo.
            """
    )

    @OptionGroup var database: NewDatabaseOption
    @Option(valueName: "file", help: "La copia da ripristinare.")
    var from: String
    @OptionGroup var actor: ActorOption

    func run(_ context: CommandContext) async throws {
        let who = actor.name(context)
        guard FileManager.default.fileExists(atPath: from) else { throw BackupError.missing(from) }
        // Held until the restore has set the new epoch: a server starting meanwhile waits for nothing, it is refused.
        let lock: ArchiveLock?
        do {
            lock = try ArchiveLock.restoring(databasePath: database.path)
        } catch ArchiveLock.LockError.serving(_, let pid) {
            throw BackupError.serving(database.path, from: from, pid)
        } catch ArchiveLock.LockError.unavailable(let path, let reason) {
            throw BackupError.lockUnavailable(path, reason)
        }
        defer { withExtendedLifetime(lock) {} }
        let copy = try Database(path: from)
        try copy.backup(to: database.path)
        let queue = try ServerDatabase.open(path: database.path)
        let epoch = UUID().uuidString.lowercased()
        try queue.write { db in
            try db.run("UPDATE server_meta SET value = ? WHERE key = 'epoch'", [epoch])
            try AuditLog.record(db, actor: who, action: "restore", subject: from, details: ["epoch": epoch], at: context.now)
        }
        context.print("Archivio ripristinato da \(from). Nuova epoca \(epoch.prefix(8)): i dispositivi reinvieranno le loro operazioni.")
    }
}

/// What stops a backup or a restore before it touches anything, in the admin's words.
enum BackupError: ReportableError {
    case exists(String)
    case missing(String)
    case missingDatabase(String)
    case folderNotWritable(String)
    /// `spunta-server serve` holds the archive (its process id, if known).
    case serving(String, from: String, Int32?)
    case lockUnavailable(String, String)

    var userMessage: String {
        switch self {
        case .exists(let path): return "Il file \(path) esiste già: scegliere un altro nome per la copia (--to)."
        case .missing(let path): return "La copia \(path) non esiste: indicare con --from il file di una copia fatta con spunta-server backup."
        case .missingDatabase(let path): return "L'archivio \(path) non esiste: controllare il percorso indicato con --db."
        case .folderNotWritable(let path):
            let folder = (path as NSString).deletingLastPathComponent
            return "Impossibile scrivere la copia \(path): la cartella \(folder.isEmpty ? "." : folder) non esiste o non è scrivibile "
                + "da chi esegue il comando. Crearla, o eseguire il comando come l'utente del servizio (sudo -u spunta)."
        case .serving(let path, let from, let pid):
            let process = pid.map { " (processo \($0))" } ?? ""
            return "L'archivio \(path) è in uso da spunta-server serve\(process): ripristinarlo adesso metterebbe la copia sotto "
                + "un server che continua a scriverci, mescolando la copia con i dati nuovi. Nulla è stato cambiato. "
                + "Fermare prima il servizio (o il processo, se avviato a mano):\n"
                + "  sudo systemctl stop spunta\n"
                + "poi ripetere il ripristino:\n"
                + "  " + ["spunta-server", "restore", "--db", path, "--from", from].map(ShellWord.quoted).joined(separator: " ") + "\n"
                + "e riavviare il servizio:\n"
                + "  sudo systemctl start spunta"
        case .lockUnavailable(let path, let reason):
            return "Impossibile controllare se un server usa l'archivio: il file \(path) non si apre (\(reason)). "
                + "Eseguire il comando come l'utente del servizio (sudo -u spunta)."
        }
    }
}
