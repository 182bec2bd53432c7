import Foundation
import SpuntaDomain
import SpuntaStore
import SpuntaTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `spunta-server restore` on an archive that `spunta-server serve` is serving would put the copy under a server that
/// keeps its old epoch and goes on merging pushes into it: refused while a server holds the archive, allowed once it
/// is gone, however it went.
@Suite("Restore while the server serves")
struct RestoreWhileServingTests {
    static func run(_ arguments: [String]) throws -> (status: Int32, output: String, errors: String) {
        let process = try ChildProcess("spunta-server", arguments)
        let status = process.wait()
        return (status, process.output.joined(separator: "\n"), process.errors)
    }

    static func epoch(_ db: String) throws -> String? {
        try DatabaseQueue(path: db).read { try $0.scalar("SELECT value FROM server_meta WHERE key = 'epoch'") }
    }

    @Test("restore is refused while serve runs on the archive, names the command that stops the service and changes nothing; after a kill -9 of the server it restores")
    func refusedWhileServing() throws {
        let folder = try TemporaryFolder("spunta-restore-serving")
        let db = folder.path("comune.sqlite")
        try SampleDatabase.copySample(to: db)
        let backup = folder.path("copia.sqlite")
        #expect(try Self.run(["backup", "--db", db, "--to", backup]).status == 0)
        let server = try ChildProcess("spunta-server", ["serve", "--db", db, "--listen", "127.0.0.1:0", "--access-log", "off"])
        defer {
            server.signal(SIGKILL)
            server.wait()
        }
        try #require(server.waitForLine(containing: "in ascolto su http://") != nil, "\(server.errors)")
        let before = try Self.epoch(db)

        let refused = try Self.run(["restore", "--db", db, "--from", backup])
        #expect(refused.status == 1)
        #expect(refused.errors.contains("in uso da spunta-server serve"), "\(refused.errors)")
        #expect(refused.errors.contains("(processo \(server.process.processIdentifier))"), "\(refused.errors)")
        let lines = refused.errors.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(lines.contains("sudo systemctl stop spunta"), "the command on a line of its own: \(refused.errors)")
        let repeated = ["spunta-server", "restore", "--db", db, "--from", backup].map(ShellWord.quoted).joined(separator: " ")
        #expect(lines.contains(repeated), "the restore to repeat, as typed, on a line of its own: \(refused.errors)")
        #expect(!refused.errors.contains("Fatal") && !refused.errors.contains("Swift/"), "\(refused.errors)")
        #expect(try Self.epoch(db) == before, "nothing restored")

        // A server that crashed (kill -9) leaves no lock behind: the kernel drops it with the process.
        server.signal(SIGKILL)
        server.wait()
        let restored = try Self.run(["restore", "--db", db, "--from", backup])
        #expect(restored.status == 0, "\(restored.errors)")
        #expect(try Self.epoch(db) != before)
        // And a server starts again on the restored archive, taking the lock the dead one held.
        let again = try ChildProcess("spunta-server", ["serve", "--db", db, "--listen", "127.0.0.1:0", "--access-log", "off"])
        defer {
            again.signal(SIGKILL)
            again.wait()
        }
        #expect(again.waitForLine(containing: "in ascolto su http://") != nil, "\(again.errors)")
        #expect(try Self.run(["restore", "--db", db, "--from", backup]).status == 1, "held again by the new server")
    }
}
