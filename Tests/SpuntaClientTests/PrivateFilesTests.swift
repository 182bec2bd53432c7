import Foundation
import SpuntaExchange
import SpuntaStore
import SpuntaTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The files that hold children's data, diets and credentials are for their owner only, whatever the umask of
/// the programs that create them: the server database with its -wal and -shm, its backups and restores, the
/// access log, the device folder and the device database.
@Suite("Private files", .serialized)
struct PrivateFilesTests {
    /// The permission bits of a file or folder.
    static func mode(_ path: String) -> mode_t? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return info.st_mode & 0o777
    }

    static func run(_ program: String, _ arguments: [String], umask: mode_t) throws -> (status: Int32, output: [String], errors: String) {
        let process = try ChildProcess(program, arguments, umask: umask)
        process.closeInput()
        let status = process.wait()
        return (status, process.output, process.errors)
    }

    @Test("server and device files are created private under a permissive umask", arguments: [mode_t(0o000), mode_t(0o022)])
    func createdPrivate(umask: mode_t) throws {
        let folder = try TemporaryFolder("spunta-private")
        let xml = folder.path("comune.xml")
        try Data(SampleComuneGenerator.sampleFile().utf8).write(to: URL(fileURLWithPath: xml))
        let db = folder.path("comune.sqlite")
        let imported = try Self.run("spunta-server", ["import", "--db", db, xml], umask: umask)
        try #require(imported.status == 0, "\(imported.errors)")
        #expect(Self.mode(db) == 0o600)

        let log = folder.path("accessi.log")
        let server = try ChildProcess("spunta-server", ["serve", "--db", db, "--listen", "127.0.0.1:0", "--access-log", log], umask: umask)
        defer {
            server.signal(SIGTERM)
            server.wait()
        }
        let line = try #require(server.waitForLine(containing: "in ascolto su http://"), "\(server.errors)")
        let url = try #require(line.components(separatedBy: " ").first { $0.hasPrefix("http://") })
        // While the server runs, SQLite keeps its write-ahead log and shared-memory index beside the database.
        for file in [db, db + "-wal", db + "-shm", log] {
            #expect(Self.mode(file) == 0o600, "\(file)")
        }

        let copy = folder.path("copia.sqlite")
        #expect(try Self.run("spunta-server", ["backup", "--db", db, "--to", copy], umask: umask).status == 0)
        #expect(Self.mode(copy) == 0o600)

        let added = try Self.run("spunta-server", ["device", "add", "--db", db, "--name", "Mensa", "--role", "canteen",
                                                  "--scope", "site:S01", "--json"], umask: umask)
        let code = try #require(JSON.object(added.output.joined())["code"] as? String, "\(added.errors)")
        // A folder two levels down: the parents are made too, the device's own folder is private.
        let home = folder.path("palmari/mensa")
        let enrolled = try Self.run("spunta", ["enroll", "--server", url, "--code", code, "--home", home], umask: umask)
        try #require(enrolled.status == 0, "\(enrolled.errors)")
        #expect(Self.mode(home) == 0o700)
        #expect(Self.mode(home + "/spunta.sqlite") == 0o600)

        // A scan while `spunta scan` holds the database open: its -wal and -shm are private too.
        let card: String = try #require(try DatabaseQueue(path: db).read { db in
            try db.scalar("""
                SELECT c.id FROM card c JOIN enrollment e ON e.beneficiary_id = c.beneficiary_id
                WHERE e.site_id = 'S01' AND c.revoked_on IS NULL ORDER BY c.id LIMIT 1
                """)
        })
        let scan = try ChildProcess("spunta", ["scan", "--service", "canteen", "--date", schoolDay, "--json", "--home", home], umask: umask)
        scan.send("SPUNTA1:\(card)\n")
        #expect(scan.waitForLine(containing: "\"result\"") != nil, "\(scan.errors)")
        for file in ["spunta.sqlite-wal", "spunta.sqlite-shm"] {
            #expect(Self.mode(home + "/" + file) == 0o600, "\(file)")
        }
        scan.closeInput()
        #expect(scan.wait() == 0)

        server.signal(SIGTERM)
        server.wait()
        let restored = folder.path("ripristinato.sqlite")
        #expect(try Self.run("spunta-server", ["restore", "--db", restored, "--from", copy], umask: umask).status == 0)
        #expect(Self.mode(restored) == 0o600)
    }
}
