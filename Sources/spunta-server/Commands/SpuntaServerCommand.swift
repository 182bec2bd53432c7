import Foundation
import SpuntaCLI
import SpuntaDemo
import SpuntaDomain
import SpuntaExchange
import SpuntaProtocol
import SpuntaStore

/// `spunta-server`: the back office and sync server of a Comune.
struct SpuntaServerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spunta-server",
        abstract: "Server di sincronizzazione e ufficio scuola di Spunta.",
        discussion: """
            Codici di uscita: 0 riuscito, 1 errore, 2 uso errato dei comandi, 3 dispositivi non in salute.
            Per provare tutto su un Comune di esempio: spunta-server demo
            """,
        version: ProtocolVersion.appVersion,
        subcommands: [
            Demo.self, Import.self, List.self, Sample.self, Serve.self, DeviceCommand.self, Devices.self, Conflicts.self,
            Alerts.self, Today.self, MealsCommand.self, Absences.self, Audit.self, Cards.self, Billing.self, Payments.self, RemindersCommand.self, Outbox.self,
            TaxStatementCommand.self, AdminTokenCommand.self, Backup.self, Restore.self,
        ]
    )

    /// The commands its messages suggest repeat the --db the user gave.
    static let hintLocationOption: String? = "--db"

    static func report(for error: any Error) -> ErrorReport? {
        switch error {
        case let error as ImportError:
            return ErrorReport(userMessage: error.userMessage, exitCode: .failure)
        case let error as any UserFacingError:
            return ErrorReport(userMessage: error.userMessage, exitCode: .failure)
        case let error as DatabaseError:
            return ErrorReport(userMessage: archiveMessage(error), exitCode: .failure)
        case let error as MigrationError:
            return ErrorReport(userMessage: "\(error)", exitCode: .failure)
        case let error as DemoError:
            return ErrorReport(userMessage: error.description, exitCode: .failure)
        default:
            return nil
        }
    }

    /// What an archive that cannot be opened means to the operator, in Italian: SQLite's own words («file is not a
    /// database», «unable to open database file») say neither which file nor what to do. The two usual slips — the
    /// Comune's XML given as --db, a folder given instead of the file in it — are named, with the way out.
    static func archiveMessage(_ error: DatabaseError) -> String {
        guard let path = error.path else {
            return "errore dell'archivio: \(error.message). Controllare il percorso indicato con --db."
        }
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
            let archives = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [])
                .filter { $0.lowercased().hasSuffix(".sqlite") }.sorted()
            let inside = archives.isEmpty ? "non contiene file .sqlite"
                : "contiene " + archives.prefix(3).joined(separator: ", ") + (archives.count > 3 ? " e altri" : "")
            return "\(path) è una cartella, non un archivio: con --db va indicato il file .sqlite dell'archivio del server "
                + "(la cartella \(inside))."
        }
        switch error.resultCode {
        case .SQLITE_NOTADB:
            let archive = (path.lowercased().hasSuffix(".xml") ? String(path.dropLast(4)) : path) + ".sqlite"
            let command = ["spunta-server", "import", "--db", archive, path].map(ShellWord.quoted).joined(separator: " ")
            return "Il file \(path) non è un archivio di Spunta (forse il file XML da importare?): con --db va indicato "
                + "l'archivio del server (file .sqlite). Per creare l'archivio importando questo file:\n  \(command)"
        case .SQLITE_CANTOPEN:
            return "Impossibile aprire l'archivio \(path): controllare il percorso indicato con --db e che l'utente che "
                + "lancia il comando possa leggere e scrivere il file e la sua cartella."
        default:
            return "errore dell'archivio \(path): \(error.message). Controllare il percorso indicato con --db."
        }
    }
}

/// `--actor`: who does an admin action, as the audit trail records it. Without it, the Unix user who ran the
/// command — `SUDO_USER` when run through `sudo -u spunta`, else `USER`, else `LOGNAME` (all cron sets), else the
/// account the process runs as — so that the trail names a person, not the service account, whenever it can.
struct ActorOption: ParsableArguments {
    @Option(name: "actor", valueName: "nome", help: "Chi lo fa, per il registro di audit (predefinito: l'utente che lancia il comando).")
    var actor: String?

    func name(_ context: CommandContext) -> String {
        for candidate in [actor, context.environment["SUDO_USER"], context.environment["USER"], context.environment["LOGNAME"], Self.account()] {
            if let value = candidate?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty { return value }
        }
        return "sconosciuto"
    }

    /// The name of the account the process runs as, from the password database; nil when it has none.
    static func account() -> String? {
        guard let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name else { return nil }
        return String(cString: name)
    }
}

/// The `--db` option shared by the commands that work on the server database. The archive must exist: opening a
/// mistyped path would create an empty archive there and answer about it («nessun servizio», «0 rendiconti»), as if
/// the Comune had none. Only `import` and `restore` create one (`NewDatabaseOption`).
struct DatabaseOption: ParsableArguments {
    @Option(name: "db", environment: "SPUNTA_DB", valueName: "percorso", help: "Archivio del server (file SQLite).")
    var path: String

    func validate() throws {
        guard FileManager.default.fileExists(atPath: path) else { throw DatabaseOptionError.missing(path) }
    }
}

/// The `--db` of the commands that create the archive when it is not there yet (`import`, `restore`).
struct NewDatabaseOption: ParsableArguments {
    @Option(name: "db", environment: "SPUNTA_DB", valueName: "percorso", help: "Archivio del server (file SQLite), creato se manca.")
    var path: String
}

/// An archive named with --db (or SPUNTA_DB) that is not there. The import that creates one is a command hint, so
/// that it is printed on its own line with the --db the user typed and runs as printed once FILE is named.
enum DatabaseOptionError: ReportableError, HintingError {
    case missing(String)

    var userMessage: String { hintedMessage.description }

    var hintedMessage: HintedText {
        switch self {
        case .missing(let path):
            return "L'archivio \(path) non esiste: controllare il percorso indicato con --db (o SPUNTA_DB). "
                + "Un archivio nuovo si crea importando l'anagrafica con \(CommandHint.server("import", arguments: ["FILE"]))."
        }
    }

    var exitCode: ExitCode { .failure }
}
