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
        guard FileManager.default.fileExists(atPath: database.path) else { throw BackupError.missingDatabase(database.path) }
        let source = try Database(path: database.path, configuration: { var c = DatabaseConfiguration(); c.readOnly = true; return c }())
        // The copy's folder is the one path the database layer cannot name for the user: say which it is.
        let folder = (to as NSString).deletingLastPathComponent
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.isEmpty ? "." : folder, isDirectory: &isFolder), isFolder.boolValue,
              FileManager.default.isWritableFile(atPath: folder.isEmpty ? "." : folder) else {
            throw BackupError.folderNotWritable(to)
        }
        try source.backup(to: to)
        context.print("Copia dell'archivio scritta in \(to).")
    }
}
