import Foundation
import SpuntaClient
import SpuntaExchange
import SpuntaHTTP
import SpuntaStore
import SpuntaSync
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

    @Test("no credential reaches a log: access log, server error output, audit trail, device list, the device's own output")
    func noSecretsInLogs() throws {
        let d = try Deployment()
        let accessLog = d.folder.path("accessi.log")
        let server = try ChildProcess("spunta-server", ["serve", "--db", d.db, "--listen", "127.0.0.1:0", "--access-log", accessLog])
        defer {
            server.signal(SIGTERM)
            server.wait()
        }
        let line = try #require(server.waitForLine(containing: "in ascolto su http://"), "\(server.errors)")
        let url = try #require(line.components(separatedBy: " ").first { $0.hasPrefix("http://") })
        var outputs: [String] = []
        func spunta(_ home: String, _ arguments: [String], input: String? = nil) throws -> Int32 {
            let result = try d.spunta(home, arguments, input: input)
            outputs += result.output + [result.errors]
            return result.status
        }

        let code = try d.enrollmentCode("porta", role: .canteen, scopes: ["site:S01"])
        let wrong = "QQQQ-RRRR-SSSS"
        let home = d.folder.path("porta")
        #expect(try spunta(d.folder.path("sbagliato"), ["enroll", "--server", url, "--code", wrong]) == 1)
        #expect(try spunta(home, ["enroll", "--server", url, "--code", code]) == 0)
        #expect(try spunta(d.folder.path("copia"), ["enroll", "--server", url, "--code", code]) == 1)
        let card = try #require(try d.canteenCards(site: "S01").first)
        #expect(try spunta(home, ["scan", "--service", "canteen", "--date", schoolDay], input: card.payload + "\n") == 0)
        #expect(try spunta(home, ["sync"]) == 0)
        #expect(try spunta(home, ["status"]) == 0)
        let token = try #require(try DatabaseQueue(path: DeviceHome(path: home).databasePath).read {
            try $0.scalar("SELECT token FROM device WHERE id = 1") as String?
        })

        let minted = try d.admin(["admin-token", "--db", d.db])
        let adminToken = try #require(minted.output.split(separator: "\n").first.map(String.init))
        let client = try HTTPClient(baseURL: url)
        #expect(try client.send(method: "GET", path: "/v1/admin/status", headers: ["Authorization": "Bearer \(adminToken)"]).status == 200)
        #expect(try client.send(method: "GET", path: "/v1/admin/status", headers: ["Authorization": "Bearer \(token)"]).status == 403)
        #expect(try client.send(method: "GET", path: "/v1/pull?cursor=nonsense",
                                headers: ["Spunta-Protocol": "1", "Authorization": "Bearer \(token)"]).status == 400)
        #expect(try client.send(method: "GET", path: "/v1/pull", headers: ["Spunta-Protocol": "1", "Authorization": "Bearer \(adminToken)"]).status == 401)

        server.signal(SIGTERM)
        server.wait()
        let logs: [String] = [
            try String(contentsOfFile: accessLog, encoding: .utf8), server.errors, server.output.joined(separator: "\n"),
            try d.admin(["audit", "--db", d.db]).output, try d.admin(["audit", "--db", d.db, "--json"]).output,
            try d.admin(["devices", "--db", d.db, "--json"]).output,
        ] + outputs
        // The logs are there and say what happened.
        #expect(logs[0].contains("\"POST /v1/enroll\" 200"), "\(logs[0])")
        #expect(logs[1].contains("registrazione rifiutata da 127.0.0.1"), "\(logs[1])")
        let secrets: [(String, String)] = [
            ("device token", token), ("device token hash", TokenHash.of(token)), ("admin token", adminToken),
            ("admin token hash", TokenHash.of(adminToken)), ("code", code), ("code", EnrollmentCode.normalize(code)),
            ("code hash", TokenHash.of(EnrollmentCode.normalize(code))), ("wrong code", wrong),
            ("wrong code", EnrollmentCode.normalize(wrong)), ("wrong code hash", TokenHash.of(EnrollmentCode.normalize(wrong))),
        ]
        for (name, secret) in secrets {
            #expect(!logs.contains { $0.contains(secret) }, "\(name) printed")
        }
    }
}
