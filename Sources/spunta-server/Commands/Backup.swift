import Foundation
import SpuntaCLI
import SpuntaServerStore
import SpuntaStore

/// `spunta-server backup`: a consistent copy while the server runs (SQLite online backup).
struct Backup: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copia l'archivio in un file, anche mentre il server è in funzione."
    )

    @OptionGroup var database: DatabaseOption
    @Option(valueName: "file", help: "Il file di copia (non deve esistere).")
    var to: String

    func run(_ context: CommandContext) async throws {
        guard !FileManager.default.fileExists(atPath: to) else { throw BackupError.exists(to) }
        guard FileManager.default.fileExists(atPath: database.path) else { throw BackupError.missing(database.path) }
        let source = try Database(path: database.path, configuration: { var c = DatabaseConfiguration(); c.readOnly = true; return c }())
        try source.backup(to: to)
        context.print("Copia dell'archivio scritta in \(to).")
    }
}
