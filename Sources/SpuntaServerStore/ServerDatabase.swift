import Foundation
import SpuntaStore

/// Opens the server database (archivio del server) and brings its schema up to date.
public enum ServerDatabase {
    /// Opens `path`, creating it if needed, and applies the pending schema steps.
    public static func open(path: String, configuration: DatabaseConfiguration = DatabaseConfiguration()) throws -> DatabaseQueue {
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        try ServerMigrations.migrator.migrate(queue)
        return queue
    }

    /// For a dry run (`import --dry-run`): a private in-memory copy of the database at `path`, brought up to
    /// date there — or an empty one when there is no file. The file is only read: no file is created, no
    /// schema step applied to it, nothing written.
    public static func openInMemoryCopy(path: String) throws -> DatabaseQueue {
        let copy = try Database(path: ":memory:")
        if FileManager.default.fileExists(atPath: path) {
            var configuration = DatabaseConfiguration()
            configuration.readOnly = true
            // A WAL database opened even read-only gets -wal and -shm files beside it, left there. When there is
            // no -wal, no connection has the file open and everything is in the main file: read it as immutable,
            // which creates nothing. With a -wal (the server is running), read through it: the files exist already.
            let source = FileManager.default.fileExists(atPath: path + "-wal") ? path : immutableURI(path)
            try Database(path: source, configuration: configuration).copy(into: copy)
        }
        let queue = DatabaseQueue(database: copy)
        try ServerMigrations.migrator.migrate(queue)
        return queue
    }

    /// `file:` URI of `path` opened as immutable (SQLite reads it without locks and creates no file beside it).
    static func immutableURI(_ path: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#%")
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return "file:" + (absolute.addingPercentEncoding(withAllowedCharacters: allowed) ?? absolute) + "?immutable=1"
    }

    /// How the server's one writer opens the database (`serve`). Each of its jobs runs in a savepoint of the group's
    /// transaction, and a savepoint keeps the original of every page the job changes until it ends: a push of a few
    /// hundred meals changes a few thousand pages (each meal lands in several indexes, at random places). In a file,
    /// that journal cost the writer a kernel write of every page again; in memory it is a copy, freed when the job ends
    /// (a job is bounded: a push carries at most 1,000 ops).
    ///
    /// Its WAL is copied back into the database file by another connection after each commit (`WALCheckpointer` in
    /// `serve`), not inside the writer's own commits: the writer does it itself only past `autoCheckpointPages` (64 MiB
    /// of WAL), should that connection fall behind.
    public static let writerConfiguration: DatabaseConfiguration = {
        var configuration = DatabaseConfiguration()
        configuration.temporaryStorageInMemory = true
        configuration.autoCheckpointPages = 16_384
        return configuration
    }()

    /// Opens a second connection for reading (listings, pulls) while the first one writes.
    public static func openReader(path: String) throws -> DatabaseQueue {
        try DatabaseQueue(path: path)
    }
}
