import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The lock `spunta-server serve` holds on its archive for as long as it runs, so that `spunta-server restore`
/// cannot put a copy under a running server — which would keep its old epoch, so the devices would never push
/// again what the copy lacks, and would go on merging new pushes into the restored file.
///
/// An advisory `flock` on a file beside the archive (`comune.sqlite.lock`): the kernel drops it when the process
/// ends however it ends, `kill -9` included, so a crashed server never leaves a lock that blocks a restore; the file
/// itself stays and means nothing. Not a lock on the database file itself: closing any descriptor of that file
/// would drop every POSIX lock SQLite holds on it in the process.
public final class ArchiveLock: Sendable {
    private let descriptor: Int32

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }

    /// Why the lock was not taken, with what the admin must know to act.
    public enum LockError: Error, Equatable {
        /// A server serves the archive (its process id, when it wrote it).
        case serving(archive: String, pid: Int32?)
        /// A restore is putting a copy in place.
        case restoring(archive: String)
        /// The lock file cannot be opened (permissions: a file left by a command run as another user).
        case unavailable(path: String, reason: String)
    }

    /// The lock file of an archive.
    public static func path(of databasePath: String) -> String {
        databasePath + ".lock"
    }

    /// Taken by `serve` before it opens the archive, and held until the process ends. Shared: it keeps restores
    /// out, nothing else. The file is created owner-only, and holds the server's process id for restore's message.
    public static func serving(databasePath: String) throws -> ArchiveLock {
        let path = path(of: databasePath)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw LockError.unavailable(path: path, reason: String(cString: strerror(errno))) }
        guard flock(fd, LOCK_SH | LOCK_NB) == 0 else {
            close(fd)
            throw LockError.restoring(archive: databasePath)
        }
        let pid = Array("\(getpid())\n".utf8)
        if ftruncate(fd, 0) == 0 { _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) } }
        return ArchiveLock(descriptor: fd)
    }

    /// Taken by `restore` for its whole run, without waiting: refused (`.serving`) while a server holds the lock.
    /// nil when the archive has no lock file (no server ever served it here): nothing to keep out then, and no file
    /// is made — one created by a command run as another user could keep the service's server from starting.
    public static func restoring(databasePath: String) throws -> ArchiveLock? {
        let path = path(of: databasePath)
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { return nil }
            throw LockError.unavailable(path: path, reason: String(cString: strerror(errno)))
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            var buffer = [UInt8](repeating: 0, count: 32)
            let read = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
            close(fd)
            let text = read > 0 ? String(decoding: buffer[..<read], as: UTF8.self) : ""
            throw LockError.serving(archive: databasePath, pid: Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)))
        }
        return ArchiveLock(descriptor: fd)
    }
}
