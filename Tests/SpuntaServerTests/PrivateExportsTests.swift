import Foundation
import SpuntaStore
import SpuntaTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The documents the office writes from the server's data — the sample registry, printed cards, the GPD export and
/// its CSV, payment notices, tax statements — name children and payers with their codici fiscali: each is for its
/// owner only (0600), whatever the umask of the command that writes it.
@Suite("Private exports")
struct PrivateExportsTests {
    static func mode(_ path: String) -> mode_t? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return info.st_mode & 0o777
    }

    static func run(_ arguments: [String], umask: mode_t) throws -> (status: Int32, errors: String) {
        let process = try ChildProcess("spunta-server", arguments, umask: umask)
        process.closeInput()
        let status = process.wait(seconds: 120)
        return (status, process.errors)
    }

    @Test("every file a server command writes is created 0600 under a permissive umask, and a file it replaces becomes 0600",
          arguments: [mode_t(0o000), mode_t(0o022)])
    func exportsArePrivate(umask: mode_t) throws {
        let folder = try TemporaryFolder("spunta-exports")
        let sample = folder.path("comune.xml"), db = folder.path("comune.sqlite")
        let written = try Self.run(["sample", "--output", sample], umask: umask)
        try #require(written.status == 0, "\(written.errors)")
        #expect(Self.mode(sample) == 0o600, "sample")
        try #require(try Self.run(["import", "--db", db, sample], umask: umask).status == 0)

        // A notice file left from an earlier run, readable by everyone: writing it again makes it private.
        let notices = folder.path("avvisi.html")
        #expect(FileManager.default.createFile(atPath: notices, contents: Data("vecchio".utf8), attributes: [.posixPermissions: 0o644]))
        #expect(Self.mode(notices) == 0o644)

        let documents: [(name: String, arguments: [String])] = [
            ("avvisi.html", ["billing", "notices", "--db", db, "--period", "2026-10"]),
            ("export.csv", ["billing", "export", "--db", db, "--period", "2026-10", "--format", "csv"]),
            ("gpd.json", ["billing", "export", "--db", db, "--period", "2026-10", "--format", "gpd"]),
            ("detrazioni.csv", ["tax-statement", "--db", db, "--year", "2026", "--format", "csv"]),
            ("detrazioni.html", ["tax-statement", "--db", db, "--year", "2026", "--format", "html"]),
        ]
        for document in documents {
            let path = folder.path(document.name)
            let result = try Self.run(document.arguments + ["--output", path], umask: umask)
            #expect(result.status == 0, "\(document.name): \(result.errors)")
            #expect(Self.mode(path) == 0o600, "\(document.name)")
        }
        #expect(try String(contentsOfFile: notices, encoding: .utf8) != "vecchio", "the old notices were replaced")

        let cards = folder.path("tessere")
        let printed = try Self.run(["cards", "print", "--db", db, "--class", "S01-1A", "--output", cards, "--actor", "Ufficio scuola"], umask: umask)
        #expect(printed.status == 0, "\(printed.errors)")
        let files = try FileManager.default.contentsOfDirectory(atPath: cards)
        #expect(!files.isEmpty)
        for file in files {
            #expect(Self.mode(cards + "/" + file) == 0o600, "\(file)")
        }
        // Nothing is left half-written beside the documents.
        #expect(!(try FileManager.default.contentsOfDirectory(atPath: folder.url.path).contains { $0.hasSuffix(".tmp") }))
    }

    @Test("cards print creates its folder, and each missing folder above it, 0700 under a permissive umask; a folder that exists keeps its permissions",
          arguments: [mode_t(0o000), mode_t(0o022)])
    func cardFolderIsPrivate(umask: mode_t) throws {
        let folder = try TemporaryFolder("spunta-exports")
        let db = folder.path("comune.sqlite")
        try SampleDatabase.copySample(to: db)
        let parent = folder.path("tessere"), cards = folder.path("tessere/1A")
        let printed = try Self.run(["cards", "print", "--db", db, "--class", "S01-1A", "--output", cards, "--actor", "Ufficio scuola"], umask: umask)
        #expect(printed.status == 0, "\(printed.errors)")
        #expect(Self.mode(cards) == 0o700, "the cards' folder")
        #expect(Self.mode(parent) == 0o700, "the folder made on the way")
        for file in try FileManager.default.contentsOfDirectory(atPath: cards) {
            #expect(Self.mode(cards + "/" + file) == 0o600, "\(file)")
        }

        // A folder the office made for sharing is printed into as it is.
        let shared = folder.path("condivisa")
        try FileManager.default.createDirectory(atPath: shared, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o750])
        let again = try Self.run(["cards", "print", "--db", db, "--class", "S01-1A", "--output", shared, "--actor", "Ufficio scuola"], umask: umask)
        #expect(again.status == 0, "\(again.errors)")
        #expect(Self.mode(shared) == 0o750)
    }

    @Test("a document that cannot be written gets a message naming the file and what to do, and leaves nothing behind")
    func unwritableFolder() throws {
        let folder = try TemporaryFolder("spunta-exports")
        let missing = folder.path("non-esiste/comune.xml")
        let result = try Self.run(["sample", "--output", missing], umask: 0o022)
        #expect(result.status == 1)
        #expect(result.errors.contains("Impossibile scrivere il file \(missing)"), "\(result.errors)")
        #expect(result.errors.contains("Controllare che la cartella esista"), "\(result.errors)")
    }

    @Test("the helper writes the bytes whole and private, and replaces an existing file", arguments: [0, 1, 70_000])
    func helper(size: Int) throws {
        let folder = try TemporaryFolder("spunta-exports")
        let path = folder.path("documento.csv")
        #expect(FileManager.default.createFile(atPath: path, contents: Data("x".utf8), attributes: [.posixPermissions: 0o666]))
        let data = Data((0..<size).map { UInt8(truncatingIfNeeded: $0 * 31) })
        try PrivateFile.write(data, to: path)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == data)
        #expect(Self.mode(path) == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path) == ["documento.csv"])
    }
}
