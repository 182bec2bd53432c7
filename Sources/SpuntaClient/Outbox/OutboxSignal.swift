import Foundation
import SpuntaStore
#if canImport(Glibc)
import Glibc
#endif

/// Tells `spunta sync --watch` that new ops are on disk.
///
/// The watcher sleeps on inotify over the device folder. SQLite's own writes are not a safe wake-up: the
/// WAL file is written before the commit is published in the shared-memory index, so a watcher woken by
/// that write can look too early, find nothing pending, and sleep on. This small file is rewritten only
/// after the transaction has committed, so its close always comes after the op is readable.
enum OutboxSignal {
    static let fileName = "push.signal"

    static func post(databasePath: String) {
        let path = ((databasePath as NSString).deletingLastPathComponent as NSString).appendingPathComponent(fileName)
        // The same byte rewritten in place: no truncation, so the file system allocates nothing per scan.
        let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return }  // no watcher can see it either; the op is safe on disk regardless
        _ = pwrite(fd, "1", 1, 0)
        close(fd)
    }
}

extension DatabaseQueue {
    /// A write transaction that may record ops: committed, then signalled to the watcher if it wrote anything
    /// (a refused scan writes nothing and wakes nobody).
    public func recording<T>(_ body: (Database) throws -> T) throws -> T {
        let (result, wrote) = try write { db in
            let before = db.totalChangesCount
            let result = try body(db)
            return (result, db.totalChangesCount != before)
        }
        if wrote { OutboxSignal.post(databasePath: path) }
        return result
    }
}
