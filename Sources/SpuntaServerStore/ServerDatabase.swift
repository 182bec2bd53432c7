import Foundation
import SpuntaStore

/// Opens the server database (archivio del server) and brings its schema up to date.
public enum ServerDatabase {
    /// Opens `path`, creating it if needed, and applies the pending schema steps.
    public static func open(path: String) throws -> DatabaseQueue {
        let queue = try DatabaseQueue(path: path)
        try ServerMigrations.migrator.migrate(queue)
        return queue
    }

    /// Opens a second connection for reading (listings, pulls) while the first one writes.
    public static func openReader(path: String) throws -> DatabaseQueue {
        try DatabaseQueue(path: path)
    }
}
