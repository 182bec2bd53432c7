import Foundation
import SpuntaTestSupport
import Testing
import SpuntaHTTP
import SpuntaProtocol
@testable import SpuntaSync

/// The real `spunta-server` program: serve on a kernel-chosen port, commands against its database, SIGTERM.
@Suite("spunta-server as a process")
struct ServeProcessTests {
    @Test("serve prints its port, serves devices, and stops cleanly on SIGTERM")
    func serveAndStop() async throws {
        do {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spunta-serve-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            let db = dir.appendingPathComponent("comune.sqlite").path
            let sample = dir.appendingPathComponent("comune.xml").path
            #expect(try ChildProcess("spunta-server", ["sample", "--output", sample]).wait() == 0)
            let importer = try ChildProcess("spunta-server", ["import", "--db", db, sample, "--json"])
            #expect(importer.wait() == 0)
            #expect(importer.output.joined().contains("\"beneficiaries\":488"))
            let add = try ChildProcess("spunta-server", ["device", "add", "--db", db, "--name", "Porta 1", "--role", "canteen", "--scope", "site:S01", "--json"])
            #expect(add.wait() == 0)
            let added = try JSONSerialization.jsonObject(with: Data(add.output.joined().utf8)) as? [String: Any]
            let code = try #require(added?["code"] as? String)

            let server = try ChildProcess("spunta-server", ["serve", "--db", db, "--listen", "127.0.0.1:0", "--access-log", "off"])
            let line = try #require(server.waitForLine(containing: "in ascolto su http://"), "server did not start: \(server.errors)")
            let url = try #require(line.components(separatedBy: " ").first { $0.hasPrefix("http://") })
            let client = try HTTPClient(baseURL: url)
            let enroll = try client.send(method: "POST", path: "/v1/enroll", headers: ["Spunta-Protocol": "1"],
                                         body: try WireCoding.encode(EnrollRequest(code: code, deviceLabel: "t", appVersion: "t")))
            #expect(enroll.status == 200)
            #expect(try client.send(method: "GET", path: "/healthz").status == 200)

            // The admin lists devices while the server runs (a second connection to the same file).
            let devices = try ChildProcess("spunta-server", ["devices", "--db", db, "--json"])
            #expect(devices.wait() == 0)
            #expect(devices.output.joined().contains("\"state\":\"ok\""))

            server.signal(SIGTERM)
            #expect(server.wait() == 0)
            #expect(server.output.contains { $0.contains("Server fermato") })
        }
    }

    @Test("a port already taken is said as such, with what to do, in one sentence after one «Errore:»")
    func portInUse() throws {
        let folder = try TemporaryFolder("spunta-serve-busy")
        let db = folder.path("comune.sqlite")
        let sample = folder.path("comune.xml")
        #expect(try ChildProcess("spunta-server", ["sample", "--output", sample]).wait() == 0)
        #expect(try ChildProcess("spunta-server", ["import", "--db", db, sample]).wait() == 0)
        // Another program listening on a port the kernel chose: the server must not take it.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(fd >= 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && listen(fd, 1) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        try #require(bound)
        let listenAt = "127.0.0.1:\(UInt16(bigEndian: address.sin_port))"
        let server = try ChildProcess("spunta-server", ["serve", "--db", db, "--listen", listenAt, "--access-log", "off", "--alert-interval", "0"])
        #expect(server.wait() == 1)
        let message = server.errors
        #expect(message.hasPrefix("Errore: L'indirizzo \(listenAt) è già in uso: forse un altro spunta-server è già avviato"), "\(message)")
        #expect(message.contains("--listen"))
        #expect(message.components(separatedBy: "Errore").count == 2, "one «Errore:», no «Errore imprevisto»: \(message)")
        #expect(!message.contains(".."), "\(message)")
    }

    @Test("bad input to the commands is a clear Italian error and a non-zero status")
    func badInput() async throws {
        do {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spunta-cli-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            let db = dir.appendingPathComponent("x.sqlite").path
            let junk = dir.appendingPathComponent("junk.xml").path
            try Data([0, 1, 2, 3, 255]).write(to: URL(fileURLWithPath: junk))
            let importer = try ChildProcess("spunta-server", ["import", "--db", db, junk])
            #expect(importer.wait() == 1)
            #expect(importer.errors.contains("junk.xml"))
            #expect(importer.errors.contains("binario"))
            let unknownFlag = try ChildProcess("spunta-server", ["import", "--db", db, "--frobnicate", junk])
            #expect(unknownFlag.wait() == 2)
            #expect(unknownFlag.errors.contains("--frobnicate"))
            let badScope = try ChildProcess("spunta-server", ["device", "add", "--db", db, "--name", "x", "--role", "bus", "--scope", "nonsense"])
            #expect(badScope.wait() == 2)
            let missing = try ChildProcess("spunta-server", ["device", "revoke", "--db", db, "D-9999"])
            #expect(missing.wait() == 1)
            #expect(missing.errors.contains("D-9999"))
        }
    }
}
