import Foundation
import SpuntaStore
import SpuntaTestSupport
import Testing

/// `spunta-server import` as the office runs it: a dry run touches no file, a file with hostile text is
/// refused with its line and field, and what the program prints carries no control character from the file.
@Suite("spunta-server import as a process")
struct ImportCommandTests {
    /// A folder of its own, removed at the end.
    final class Folder {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("spunta-import-cmd-\(UUID().uuidString)")
        init() throws { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) }
        func path(_ name: String) -> String { url.appendingPathComponent(name).path }
        var listing: [String] { ((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []).sorted() }
        deinit { try? FileManager.default.removeItem(at: url) }

        /// The sample Comune written here as `comune.xml`, imported into `comune.sqlite` unless `imported` is false.
        func sample(imported: Bool = true) throws -> (xml: String, db: String) {
            let xml = path("comune.xml"), db = path("comune.sqlite")
            #expect(try ChildProcess("spunta-server", ["sample", "--output", xml]).wait() == 0)
            if imported { #expect(try ChildProcess("spunta-server", ["import", "--db", db, xml]).wait() == 0) }
            return (xml, db)
        }
    }

    @Test("import --dry-run creates no database file, and reports what an import would do")
    func dryRunCreatesNothing() throws {
        let folder = try Folder()
        let (sample, db) = try folder.sample(imported: false)
        let dry = try ChildProcess("spunta-server", ["import", "--db", db, "--dry-run", "--json", sample])
        #expect(dry.wait() == 0, "\(dry.errors)")
        #expect(dry.output.joined().contains("\"dry_run\":true"))
        #expect(dry.output.joined().contains("\"beneficiaries\":488"))
        #expect(folder.listing == ["comune.xml"], "files created by a dry run: \(folder.listing)")
    }

    @Test("import --dry-run changes nothing in an existing database, not even its -wal and -shm files")
    func dryRunChangesNothing() throws {
        let folder = try Folder()
        let (sample, db) = try folder.sample()
        let payers = folder.path("payers.csv")
        try Data("id;fiscal-code;surname;given-name\n".utf8).write(to: URL(fileURLWithPath: payers))
        let listing = folder.listing
        let bytes = try Data(contentsOf: URL(fileURLWithPath: db))
        let dry = try ChildProcess("spunta-server", ["import", "--db", db, "--dry-run", payers])
        #expect(dry.wait() == 1, "removing every payer still used by children is refused: \(dry.output)")
        let dryOK = try ChildProcess("spunta-server", ["import", "--db", db, "--dry-run", sample])
        #expect(dryOK.wait() == 0)
        #expect(dryOK.output.joined().contains("Prova (nessuna modifica salvata)"))
        #expect(folder.listing == listing)
        #expect(try Data(contentsOf: URL(fileURLWithPath: db)) == bytes, "the database file changed")

        // While the server has the database open (its -wal and -shm exist), a dry run reads through them.
        let server = try DatabaseQueue(path: db)
        try server.write { try $0.run("UPDATE payer SET email = NULL WHERE id = 'P0001'") }
        let running = folder.listing
        let whileRunning = try ChildProcess("spunta-server", ["import", "--db", db, "--dry-run", "--json", sample])
        #expect(whileRunning.wait() == 0)
        #expect(whileRunning.output.joined().contains("\"changed\":1"), "the dry run sees the server's last write: \(whileRunning.output)")
        #expect(folder.listing == running)
        #expect(try server.read { try $0.scalar("SELECT email FROM payer WHERE id = 'P0001'") as String? } == nil)
    }

    @Test("a diet named with ESC[2J is refused with its file, line and field, and the message shows the character without sending it")
    func hostileDietRefused() throws {
        let folder = try Folder()
        let (_, db) = try folder.sample()
        let diets = folder.path("diets.csv")
        try Data("id;name;allergens;notes\nD-CEL;\"\u{1B}[2J\u{1B}[HCeliachia\";gluten;\nD-LAT;Senza latte;milk;\n".utf8)
            .write(to: URL(fileURLWithPath: diets))
        let refused = try ChildProcess("spunta-server", ["import", "--db", db, diets])
        #expect(refused.wait() == 1)
        #expect(refused.errors.contains("\(diets):2: dieta D-CEL: carattere non ammesso U+001B (ESC"), "\(refused.errors)")
        #expect(refused.errors.contains("«name»"))
        #expect(refused.errors.contains("nessun dato è stato modificato"))
        #expect(!refused.errors.contains("\u{1B}"), "a raw ESC reached the terminal: \(refused.errors)")
    }
}
