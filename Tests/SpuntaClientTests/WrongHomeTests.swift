import Foundation
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
}
