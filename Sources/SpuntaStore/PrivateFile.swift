import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Files for their owner only (0600), whatever the process's umask: the databases, and every document the office
/// writes from them — payment notices, the GPD export, tax statements, printed cards — which name children and
/// payers with their codici fiscali.
public enum PrivateFile {
    /// Creates `path`, which must not exist yet, open for writing and private. The mode given to open(2) is
    /// filtered by the umask; fchmod is not, so the file never has wider permissions, not even for a moment.
    /// Returns the descriptor, or the failed call and its `errno` (`open` with `EEXIST` when the file is already there).
    static func create(_ path: String) -> Result<Int32, PrivateFileError> {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return .failure(PrivateFileError(path: path, call: .open, errorNumber: errno)) }
        guard fchmod(fd, 0o600) == 0 else {
            let code = errno
            close(fd)
            unlink(path)
            return .failure(PrivateFileError(path: path, call: .fchmod, errorNumber: code))
        }
        return .success(fd)
    }

    /// Writes `data` to `path` whole or not at all: into a private temporary file beside it, flushed to disk, then
    /// renamed over `path`. A reader never sees half a document, and the file has its 0600 mode before it has its
    /// name. A file that was there is replaced, with the new, private permissions.
    public static func write(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString.prefix(8)).tmp").path
        let fd: Int32
        switch create(temporary) {
        case .success(let descriptor): fd = descriptor
        case .failure(let error): throw PrivateFileError(path: path, call: error.call, errorNumber: error.errorNumber)
        }
        var renamed = false
        defer {
            if !renamed { unlink(temporary) }
        }
        do {
            defer { close(fd) }
            try data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
                var offset = 0
                while offset < buffer.count {
                    let written = Glibc.write(fd, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        throw PrivateFileError(path: path, call: .write, errorNumber: errno)
                    }
                    offset += written
                }
            }
            guard fsync(fd) == 0 else { throw PrivateFileError(path: path, call: .fsync, errorNumber: errno) }
        }
        guard rename(temporary, path) == 0 else { throw PrivateFileError(path: path, call: .rename, errorNumber: errno) }
        renamed = true
    }
}

extension PrivateFile {
    /// Creates the folder `path`, and every missing folder above it, for its owner only (0700) whatever the umask: a
    /// folder of children's cards, a device's folder. mkdir(2) filters its mode by the umask, chmod(2) does not.
    /// A folder that exists keeps its permissions (the owner chose them), and so does one another process creates
    /// at the same moment.
    public static func createFolder(_ path: String) throws {
        var missing: [String] = []
        var url = URL(fileURLWithPath: path).standardizedFileURL
        while !FileManager.default.fileExists(atPath: url.path) {
            missing.append(url.path)
            let parent = url.deletingLastPathComponent()
            guard parent.path != url.path else { break }
            url = parent
        }
        for folder in missing.reversed() {
            guard mkdir(folder, 0o700) == 0 else {
                if errno == EEXIST { continue }
                throw PrivateFileError(path: folder, call: .mkdir, errorNumber: errno)
            }
            guard chmod(folder, 0o700) == 0 else { throw PrivateFileError(path: folder, call: .chmod, errorNumber: errno) }
        }
    }
}

/// A private file that could not be created or written: the path and the system's reason.
public struct PrivateFileError: Error, Equatable, LocalizedError {
    /// The system call that failed.
    public enum Call: String, Sendable {
        case open, fchmod, write, fsync, rename, mkdir, chmod
    }

    public let path: String
    public let call: Call
    public let errorNumber: Int32

    public var reason: String { String(cString: strerror(errorNumber)) }

    public var errorDescription: String? {
        switch call {
        case .mkdir, .chmod:
            return "Impossibile creare la cartella \(path): \(reason). Controllare che la cartella che la contiene sia scrivibile, "
                + "poi ripetere il comando."
        case .open, .fchmod, .write, .fsync, .rename:
            return "Impossibile scrivere il file \(path): \(reason). Controllare che la cartella esista e sia scrivibile, poi ripetere il comando."
        }
    }
}
