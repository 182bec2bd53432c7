import SpuntaServerStore
import SpuntaStore

/// The server's schema as an older release left it: the steps up to `identifier`, for tests of the steps after it.
func databaseMigrated(through identifier: String, at path: String) throws -> DatabaseQueue {
    let queue = try DatabaseQueue(path: path)
    try ServerMigrations.migrator.migrate(queue, through: identifier)
    return queue
}
