import Foundation
import SpuntaTestSupport
import Testing

/// A mistyped --home: every command but `spunta enroll` finds no device there, says so with the command that enrolls
/// one, and leaves the folder as it was — no database that would later pass for a device that lost everything.
@Suite("A device folder that holds no device")
struct WrongHomeTests {
    /// The commands that use a device, each with the arguments it needs to get past its own checks.
    static let commands: [[String]] = [
        ["recent"], ["ride", "--direction", "return"], ["scan", "--service", "canteen"], ["roll-call"], ["on-board"], ["meals"],
        ["absence", "--child", "B1", "--from", "2026-10-05", "--reason", "influenza"], ["void", "1", "--reason", "errore"], ["sync"],
    ]

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

    @Test("a command on a folder that does not exist: exit 1, no device there, how to enroll, and no folder made", arguments: commands)
    func missingFolder(_ arguments: [String]) throws {
        let folder = try TemporaryFolder("spunta-typo")
        let home = folder.path("dispositvo")
        let (status, text) = try Self.run(arguments, home: home)
        #expect(status == 1, "\(text)")
        #expect(text.contains("Nessun dispositivo registrato nella cartella"), "\(text)")
        #expect(text.contains("spunta enroll"), "\(text)")
        #expect(Self.contents(home) == nil, "\(Self.contents(home) ?? [])")
    }

    @Test("a command on an empty folder: exit 1 and the folder stays empty", arguments: commands)
    func emptyFolder(_ arguments: [String]) throws {
        let folder = try TemporaryFolder("spunta-empty")
        let (status, text) = try Self.run(arguments, home: folder.path(""))
        #expect(status == 1, "\(text)")
        #expect(text.contains("Nessun dispositivo registrato nella cartella"), "\(text)")
        #expect(Self.contents(folder.path("")) == [])
    }

    @Test("status of a folder that does not exist: not enrolled, exit 3, with the enroll command, and nothing made",
          arguments: [["status"], ["status", "--json"]])
    func status(_ arguments: [String]) throws {
        let folder = try TemporaryFolder("spunta-typo")
        let home = folder.path("dispositvo")
        let (status, text) = try Self.run(arguments, home: home)
        #expect(status == 3, "\(text)")
        #expect(text.contains("dispositivo non registrato in questa cartella"), "\(text)")
        #expect(text.contains("spunta enroll"), "\(text)")
        #expect(Self.contents(home) == nil, "\(Self.contents(home) ?? [])")
        let empty = try Self.run(arguments, home: folder.path(""))
        #expect(empty.status == 3, "\(empty.text)")
        #expect(Self.contents(folder.path("")) == [])
    }
}
