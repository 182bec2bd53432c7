import Foundation
import SpuntaStore

/// The folder of one device (cartella del dispositivo): its database. `--home` or SPUNTA_HOME choose it,
/// so several devices can live on one machine; the default is `~/.spunta`.
public struct DeviceHome: Sendable {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    public static func resolve(option: String?, environment: [String: String]) -> DeviceHome {
        if let option, !option.isEmpty { return DeviceHome(path: option) }
        if let env = environment["SPUNTA_HOME"], !env.isEmpty { return DeviceHome(path: env) }
        let home = environment["HOME"] ?? FileManager.default.homeDirectoryForCurrentUser.path
        return DeviceHome(path: (home as NSString).appendingPathComponent(".spunta"))
    }

    public var databasePath: String { (path as NSString).appendingPathComponent("spunta.sqlite") }

    /// Opens (creating folder and database if needed) a connection with durable commits, migrated.
    public func open() throws -> DatabaseQueue {
        try createFolder()
        let queue = try DatabaseQueue(path: databasePath)
        try ClientMigrations.migrator.migrate(queue)
        try queue.write { db in
            if (try db.scalar("SELECT COUNT(*) FROM instance") as Int?) == 0 {
                try db.run("INSERT INTO instance (id, instance_id, last_seq, last_hlc) VALUES (1, ?, 0, 0)", [UUID().uuidString.lowercased()])
            }
            try db.run("INSERT OR IGNORE INTO sync_state (id) VALUES (1)")
        }
        return queue
    }

    /// The folder holds the device's credential and its children's data: a folder made here is for its owner
    /// only (0700), whatever the umask. A folder that exists (chosen with --home) keeps its permissions.
    private func createFolder() throws {
        do {
            try PrivateFile.createFolder(path)
        } catch {
            throw ClientError.homeNotWritable(path)
        }
    }
}
