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

    /// Whether the folder holds a device's database: `spunta enroll` made it here (even if it did not finish).
    public var holdsDevice: Bool { FileManager.default.fileExists(atPath: databasePath) }

    /// Opens (creating folder and database if needed) a connection with durable commits, migrated. Only
    /// `spunta enroll` makes a device: every other command opens with `openExisting()`.
    public func open() throws -> DatabaseQueue {
        try createFolder()
        return try connect(databasePath)
    }

    /// Opens the database of the device already in the folder, migrated. A folder without one (a mistyped --home or
    /// SPUNTA_HOME) is an error naming it, and nothing is created there: an empty database left behind would look
    /// like a device that lost everything.
    public func openExisting() throws -> DatabaseQueue {
        guard holdsDevice else { throw ClientError.noDevice(path) }
        return try connect(databasePath)
    }

    /// The device's database, or when the folder holds none an empty one in memory: `spunta status` reports a folder
    /// never enrolled (and how to enroll it) as it reports one whose enrollment did not finish, leaving nothing behind.
    public func openOrEmpty() throws -> DatabaseQueue {
        try connect(holdsDevice ? databasePath : ":memory:")
    }

    private func connect(_ path: String) throws -> DatabaseQueue {
        let queue = try DatabaseQueue(path: path)
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
