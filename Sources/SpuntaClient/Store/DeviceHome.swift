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

    /// Whether the folder holds an enrolled device. A database without one is no device: older versions left an empty
    /// one wherever a mistyped --home pointed, and an enrollment whose answer never came leaves one too (the same
    /// `spunta enroll` finishes it). Such a database holds no op: ops are recorded only once a device is enrolled.
    ///
    /// Looked at without changing anything: no migration, no journal mode, no `-wal`/`-shm` left beside it. When no
    /// `-wal` is there the file holds every commit, so it is read as immutable (SQLite then makes no side file);
    /// when one is there, a plain read-only connection reads it with its log.
    public func holdsDevice() throws -> Bool {
        let files = FileManager.default
        guard files.fileExists(atPath: databasePath) else { return false }
        let size = (try? files.attributesOfItem(atPath: databasePath)[.size] as? Int) ?? nil
        if size == 0 { return false }
        var readOnly = DatabaseConfiguration()
        readOnly.readOnly = true
        let path = files.fileExists(atPath: databasePath + "-wal")
            ? databasePath
            : URL(fileURLWithPath: databasePath).absoluteString + "?immutable=1"
        let db = try Database(path: path, configuration: readOnly)
        let table: Int? = try db.scalar("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'device'")
        guard table == 1 else { return false }
        return (try db.scalar("SELECT COUNT(*) FROM device WHERE id = 1") as Int?) == 1
    }

    /// Opens (creating folder and database if needed) a connection with durable commits, migrated. Only
    /// `spunta enroll` makes a device: every other command opens with `openExisting()`.
    public func open() throws -> DatabaseQueue {
        try createFolder()
        return try connect(databasePath)
    }

    /// Opens the database of the device already in the folder, migrated. A folder without one (a mistyped --home or
    /// SPUNTA_HOME), or whose database holds no enrolled device, is an error naming it, and nothing is created or
    /// changed there: an empty database left behind would look like a device that lost everything.
    public func openExisting() throws -> DatabaseQueue {
        guard try holdsDevice() else { throw ClientError.noDevice(path) }
        return try connect(databasePath)
    }

    /// The device's database, or when the folder holds no enrolled device an empty one in memory: `spunta status`
    /// reports a folder never enrolled (and how to enroll it) as one whose enrollment did not finish, changing nothing.
    public func openOrEmpty() throws -> DatabaseQueue {
        try connect(try holdsDevice() ? databasePath : ":memory:")
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
