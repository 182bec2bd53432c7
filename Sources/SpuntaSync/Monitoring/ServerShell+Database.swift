import Foundation
#if canImport(Glibc)
import Glibc
#endif
import SpuntaDomain
import SpuntaStore

extension ServerShell {
    /// The shell of the server whose archive `db` is, for the commands an alert or an admin page gives: the
    /// archive's absolute path, and the account that owns it when that is a service account (`serviceUser(owner:
    /// shell:)`). An archive whose owner cannot be read is named without `sudo`, as its path still runs for root.
    public static func serving(_ db: Database) -> ServerShell {
        guard !db.path.isEmpty, db.path != ":memory:", !db.path.hasPrefix("file:") else { return ServerShell(database: nil) }
        let path = URL(fileURLWithPath: db.path).standardizedFileURL.path
        var info = stat()
        guard stat(path, &info) == 0, let account = Self.account(uid: info.st_uid) else { return ServerShell(database: path) }
        return ServerShell(database: path, serviceUser: serviceUser(owner: account.name, shell: account.shell))
    }

    /// The name and login shell of the account `uid` (`getpwuid_r`: the server's threads may ask at once).
    static func account(uid: uid_t) -> (name: String, shell: String)? {
        var buffer = [CChar](repeating: 0, count: 4_096)
        // The entry's strings point into the buffer: read while it is held.
        return buffer.withUnsafeMutableBufferPointer { storage -> (name: String, shell: String)? in
            var entry = passwd()
            var found: UnsafeMutablePointer<passwd>?
            guard let base = storage.baseAddress, getpwuid_r(uid, &entry, base, storage.count, &found) == 0, found != nil,
                  let name = entry.pw_name, let shell = entry.pw_shell else { return nil }
            return (String(cString: name), String(cString: shell))
        }
    }
}
