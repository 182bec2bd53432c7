import Foundation
import SpuntaClient
import SpuntaStore
import SpuntaTestSupport
import Testing

/// A mistyped --home: every command but `spunta enroll` finds no device there, says so with the command that enrolls
/// one, and leaves the folder as it was — no database that would later pass for a device that lost everything.
@Suite("A device folder that holds no device")
struct WrongHomeTests {
    /// Every command but `enroll`, each with the arguments it needs to get past its own checks, its exit status and
    /// what it says: `status` reports the folder not enrolled (exit 3, for monitoring scripts), the others fail.
    static let commands: [([String], Int32, String)] = [
        (["status"], 3, "dispositivo non registrato in questa cartella"), (["status", "--json"], 3, "dispositivo non registrato in questa cartella"),
    ] + [
        ["recent"], ["ride", "--direction", "return"], ["scan", "--service", "canteen"], ["roll-call"], ["on-board"], ["meals"],
        ["absence", "--child", "B1", "--from", "2026-10-05", "--reason", "influenza"], ["void", "1", "--reason", "errore"], ["sync"],
    ].map { ($0, 1, "Nessun dispositivo registrato nella cartella") }

    /// Runs `spunta` with `--home home`; its exit status and what it wrote on either stream, as one line (the screen
    /// wraps it at 40 columns).
    static func run(_ arguments: [String], home: String) throws -> (status: Int32, text: String) {
        let process = try ChildProcess("spunta", arguments + ["--home", home])
        process.closeInput()
        let status = process.wait()
        let words = (process.output + [process.errors]).joined(separator: " ").split(whereSeparator: \.isWhitespace)
        return (status, words.joined(separator: " "))
    }

    /// What the folder holds (nil: it does not exist).
    static func contents(_ path: String) -> [String]? {
        try? FileManager.default.contentsOfDirectory(atPath: path).sorted()
    }

    @Test("a command on a folder that does not exist, then on an empty one: no device there, how to enroll, nothing made",
          arguments: commands)
    func noDevice(_ arguments: [String], _ exit: Int32, _ says: String) throws {
        let folder = try TemporaryFolder("spunta-typo")
        let home = folder.path("dispositvo")
        let (status, text) = try Self.run(arguments, home: home)
        #expect(status == exit, "\(text)")
        #expect(text.contains(says), "\(text)")
        #expect(text.contains("spunta enroll"), "\(text)")
        #expect(Self.contents(home) == nil, "\(Self.contents(home) ?? [])")
        let empty = try Self.run(arguments, home: folder.path(""))
        #expect(empty.status == exit, "\(empty.text)")
        #expect(empty.text.contains(says), "\(empty.text)")
        #expect(Self.contents(folder.path("")) == [])
    }

    /// A database with no enrolled device, as older versions left one in a mistyped --home: an empty file, or one
    /// migrated by a release that ended with an earlier step (so that the current steps would change it).
    enum Leftover: String, CaseIterable, Sendable {
        case emptyFile = "an empty file"
        case olderSchema = "a database of an older version"

        func make(in folder: String) throws {
            let home = DeviceHome(path: folder)
            switch self {
            case .emptyFile:
                #expect(FileManager.default.createFile(atPath: home.databasePath, contents: Data()))
            case .olderSchema:
                let queue = try DatabaseQueue(path: home.databasePath)
                try ClientMigrations.migrator.migrate(queue, through: "v3-sync-refused-unknown")
                try queue.write { db in
                    try db.run("INSERT INTO instance (id, instance_id, last_seq, last_hlc) VALUES (1, 'vecchia', 0, 0)")
                    try db.run("INSERT OR IGNORE INTO sync_state (id) VALUES (1)")
                }
            }
        }
    }

    /// Every file of the folder and its bytes.
    static func snapshot(_ folder: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in Self.contents(folder) ?? [] {
            files[name] = try Data(contentsOf: URL(fileURLWithPath: folder).appendingPathComponent(name))
        }
        return files
    }

    @Test("a command on a folder whose spunta.sqlite holds no enrolled device: no device there, how to enroll, the file untouched",
          arguments: commands.flatMap { command in Leftover.allCases.map { (command.0, command.1, command.2, $0) } })
    func leftoverDatabase(_ arguments: [String], _ exit: Int32, _ says: String, _ leftover: Leftover) throws {
        let folder = try TemporaryFolder("spunta-leftover")
        let home = folder.path("")
        try leftover.make(in: home)
        let before = try Self.snapshot(home)
        #expect(before.keys.sorted() == ["spunta.sqlite"])
        let (status, text) = try Self.run(arguments, home: home)
        #expect(status == exit, "\(text)")
        #expect(text.contains(says), "\(text)")
        #expect(text.contains("spunta enroll"), "\(text)")
        #expect(!text.contains("non ancora registrato"), "\(text)")
        let after = try Self.snapshot(home)
        #expect(after.keys.sorted() == ["spunta.sqlite"], "\(after.keys.sorted())")
        #expect(after == before, "the leftover database is left as it was")
    }

    @Test("spunta enroll into a folder whose spunta.sqlite holds no enrolled device enrolls it there", arguments: Leftover.allCases)
    func enrollOverLeftover(_ leftover: Leftover) throws {
        let d = try Deployment()
        try d.startServer()
        let home = d.folder.path("device-maestra")
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        try leftover.make(in: home)
        let code = try d.enrollmentCode("maestra", role: .teacher, scopes: ["class:S01-1A"])
        let enroll = try d.spunta(home, ["enroll", "--server", d.url, "--code", code])
        #expect(enroll.status == 0, "\(enroll.errors)")
        #expect(enroll.output.first?.hasPrefix("Registrato: maestra") == true, "\(enroll.output)")
        let status = try d.spunta(home, ["status", "--json"])
        #expect(status.status == 0, "\(status.output) \(status.errors)")
        #expect(JSON.object(status.output.joined())["enrolled"] as? Bool == true)
        #expect(try d.spunta(home, ["recent"]).status == 0)
    }

    @Test("spunta enroll without --server, or with an address that is none, into a folder that does not exist: the error, and no folder made",
          arguments: [(["--code", "K7M2-QX9P-4TWA"], "Indicare il server con --server URL"),
                      (["--server", "10.0.0.5:8080", "--code", "K7M2-QX9P-4TWA"], "non valido")])
    func enrollRefusedMakesNothing(_ arguments: [String], _ says: String) throws {
        let folder = try TemporaryFolder("spunta-typo")
        let home = folder.path("dispositvo")
        let (status, text) = try Self.run(["enroll"] + arguments, home: home)
        #expect(status == 1, "\(text)")
        #expect(text.contains(says), "\(text)")
        #expect(Self.contents(home) == nil, "\(Self.contents(home) ?? [])")
    }
}

/// A first enrollment that cannot reach the server: the folder holds no device, so nothing goes on offline.
@Suite("An enrollment without the server")
struct EnrollUnreachableTests {
    @Test("says the device is not enrolled yet and gives the same command to repeat on its own line, never that it goes on offline")
    func notEnrolledYet() throws {
        let folder = try TemporaryFolder("spunta-enroll")
        let process = try ChildProcess("spunta", ["enroll", "--server", FieldDevice.nowhere, "--code", "K7M2-QX9P-4TWA",
                                                  "--home", folder.path("porta")])
        process.closeInput()
        let status = process.wait()
        let lines = process.errors.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(status == 1, "\(process.errors)")
        #expect(!process.errors.contains("offline;"), "\(process.errors)")
        #expect(process.errors.contains("non è ancora registrato"), "\(process.errors)")
        #expect(lines.contains("spunta enroll --home \(folder.path("porta")) --server \(FieldDevice.nowhere) --code K7M2-QX9P-4TWA"),
                "\(process.errors)")
    }
}
