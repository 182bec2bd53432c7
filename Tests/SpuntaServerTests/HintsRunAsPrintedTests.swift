import Foundation
import SpuntaTestSupport
import Testing

/// The commands an error suggests next are pasted into a shell as they are printed: they must name the archive the
/// user named with --db (quoted when its path has a space or a quote) and run from wherever the user is.
@Suite("Hints run as printed")
struct HintsRunAsPrintedTests {
    /// A program of the package run in `folder`, as a shell user would from there.
    static func run(_ arguments: [String], in folder: URL, environment extra: [String: String] = [:], shell: Bool = false)
        throws -> (status: Int32, output: String, error: String)
    {
        shell ? try CopiedCommand.run(arguments.joined(separator: " "), in: folder, environment: extra)
            : try CopiedCommand.run(program: "spunta-server", arguments, in: folder, environment: extra)
    }

    /// The sample Comune's archive in a folder whose name needs quoting (a space and a quote), and another folder to
    /// run from.
    static func folders() throws -> (archive: TemporaryFolder, elsewhere: TemporaryFolder, database: String) {
        let archive = try TemporaryFolder("spunta-hints-db")
        let elsewhere = try TemporaryFolder("spunta-hints-cwd")
        let folder = archive.url.appendingPathComponent("archivio d'esempio")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let database = folder.appendingPathComponent("comune.sqlite").path
        try SampleDatabase.copySample(to: database)
        return (archive, elsewhere, database)
    }

    /// The command in `message` from `spunta-server ` to where the sentence goes on: an unquoted `)`, or an unquoted
    /// `.` that ends the text or is followed by a space; inside single quotes nothing ends it.
    static func hint(in message: String) -> String? {
        guard let start = message.range(of: "spunta-server ") else { return nil }
        var quoted = false
        var command = ""
        var index = start.lowerBound
        while index < message.endIndex {
            let character = message[index]
            let next = message.index(after: index)
            if character == "'" { quoted.toggle() }
            if !quoted {
                if character == ")" || character == "\n" { break }
                if character == ".", next == message.endIndex || message[next].isWhitespace { break }
            }
            command.append(character)
            index = next
        }
        return command
    }

    @Test("an error's suggested command names the --db given, quoted, and runs as printed from another folder", arguments: [
        (["device", "revoke", "D-9999", "--reason", "prova"], "spunta-server devices --db "),
        (["conflicts", "resolve", "99999", "--note", "prova"], "spunta-server conflicts --db "),
        (["cards", "print", "--class", "NESSUNA", "--output", "tessere"], "spunta-server list classes --db "),
        (["cards", "reissue", "NESSUNO", "--reason", "smarrita"], "spunta-server list beneficiaries --db "),
        (["alerts", "remove-recipient", "--email", "nessuno@comune.example.it"], "spunta-server alerts recipients --db "),
    ])
    func errorHintRuns(arguments: [String], expected: String) throws {
        let (archive, elsewhere, database) = try Self.folders()
        defer { withExtendedLifetime(archive) {} }

        let failed = try Self.run(arguments + ["--db", database], in: elsewhere.url)
        #expect(failed.status == 1, "\(failed.error)")
        let hint = try #require(Self.hint(in: failed.error), "no hint in: \(failed.error)")
        #expect(hint.hasPrefix(expected + "'" + database.replacingOccurrences(of: "'", with: "'\\''") + "'"), "\(hint)")

        let ran = try Self.run([hint], in: elsewhere.url, shell: true)
        #expect(ran.status == 0, "«\(hint)» failed: \(ran.error)")
    }

    @Test("a command that ends the sentence is a line of its own: the whole line, copied, is the command and runs", arguments: [
        ["device", "revoke", "D-9999", "--reason", "prova"],
        ["conflicts", "resolve", "99999", "--note", "prova"],
        ["absences", "void", "99999", "--reason", "prova"],
    ])
    func wholeLineRuns(arguments: [String]) throws {
        // A path the shell reads as it is: nothing quotes it, so a full stop after it would become part of it.
        let archive = try TemporaryFolder("spunta-hints-db")
        let elsewhere = try TemporaryFolder("spunta-hints-cwd")
        let database = archive.url.appendingPathComponent("comune.sqlite").path
        try SampleDatabase.copySample(to: database)

        let failed = try Self.run(arguments + ["--db", database], in: elsewhere.url)
        #expect(failed.status == 1, "\(failed.error)")
        let line = try #require(failed.error.split(separator: "\n").first { $0.hasPrefix("  spunta-server ") }, "\(failed.error)")
        #expect(line.hasSuffix(" --db \(database)"), "\(failed.error)")
        let ran = try Self.run([line.trimmingCharacters(in: .whitespaces)], in: elsewhere.url, shell: true)
        #expect(ran.status == 0, "«\(line)» failed: \(ran.error)")
    }

    @Test("a missing archive's error gives the import that creates it, on its own line with the --db given, and it runs as printed")
    func missingArchiveHintRuns() throws {
        let (archive, elsewhere, existing) = try Self.folders()
        defer { withExtendedLifetime(archive) {} }
        // Beside the sample's archive, in the folder whose name needs quoting: an archive not made yet.
        let database = URL(fileURLWithPath: existing).deletingLastPathComponent().appendingPathComponent("nuovo.sqlite").path
        let exchange = elsewhere.url.appendingPathComponent("comune.xml")
        try Data(Self.smallComune.utf8).write(to: exchange)

        let failed = try Self.run(["list", "classes", "--db", database], in: elsewhere.url)
        #expect(failed.status == 1, "\(failed.error)")
        #expect(failed.error.contains("Un archivio nuovo si crea importando l'anagrafica con:\n"), "\(failed.error)")
        let line = try #require(failed.error.split(separator: "\n").first { $0.hasPrefix("  spunta-server import ") }, "\(failed.error)")
        let quoted = "'" + database.replacingOccurrences(of: "'", with: "'\\''") + "'"
        #expect(line == "  spunta-server import --db \(quoted) FILE", "\(line)")
        // FILE is the reader's to name: here the exchange file in the folder the command runs from.
        let ran = try Self.run([line.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: " FILE", with: " comune.xml")],
                               in: elsewhere.url, shell: true)
        #expect(ran.status == 0, "«\(line)» failed: \(ran.error)")
        #expect(try Self.run(["list", "classes", "--db", database], in: elsewhere.url).status == 0)
    }

    /// An exchange file with the Comune and one site: enough for an archive.
    static let smallComune = """
        <?xml version="1.0" encoding="UTF-8"?>
        <spunta-exchange version="1">
          <municipality name="Comune di Prova" fiscal-code="80012340263" segregation-code="12" iban="IT46H0306912117100000046351" province="TV"/>
          <sites>
            <site id="S01" name="Scuola di prova" address="Via Roma 1"/>
          </sites>
        </spunta-exchange>
        """

    @Test("with the archive named by SPUNTA_DB the hint has no --db and runs as printed in that environment")
    func environmentHintRuns() throws {
        let archive = try TemporaryFolder("spunta-hints-db")
        let elsewhere = try TemporaryFolder("spunta-hints-cwd")
        let database = archive.url.appendingPathComponent("comune.sqlite").path
        try SampleDatabase.copySample(to: database)
        let environment = ["SPUNTA_DB": database]

        let failed = try Self.run(["conflicts", "resolve", "99999", "--note", "prova"], in: elsewhere.url, environment: environment)
        #expect(failed.status == 1, "\(failed.error)")
        let hint = try #require(Self.hint(in: failed.error), "no hint in: \(failed.error)")
        #expect(hint == "spunta-server conflicts")

        let ran = try Self.run([hint], in: elsewhere.url, environment: environment, shell: true)
        #expect(ran.status == 0, "«\(hint)» failed: \(ran.error)")
    }

    @Test("the command that prints a reissued card names the --db given and runs as printed")
    func reissueHintRuns() throws {
        let (archive, elsewhere, database) = try Self.folders()
        defer { withExtendedLifetime(archive) {} }
        let listed = try Self.run(["list", "beneficiaries", "--db", database, "--json"], in: elsewhere.url)
        let children = try #require(try JSONSerialization.jsonObject(with: Data(listed.output.utf8)) as? [[String: Any]], "\(listed.error)")
        let child = try #require(children.first?["id"] as? String)

        let reissued = try Self.run(["cards", "reissue", child, "--reason", "smarrita", "--db", database], in: elsewhere.url)
        #expect(reissued.status == 0, "\(reissued.error)")
        let line = try #require(reissued.output.split(separator: "\n").first { $0.hasPrefix("Stamparla con: ") })
        // CARTELLA is the reader's to choose: here a folder beside where the command runs.
        let hint = String(line.dropFirst("Stamparla con: ".count)).replacingOccurrences(of: "CARTELLA", with: "tessera")
        let ran = try Self.run([hint], in: elsewhere.url, shell: true)
        #expect(ran.status == 0, "«\(hint)» failed: \(ran.error)")
        #expect(FileManager.default.fileExists(atPath: elsewhere.url.appendingPathComponent("tessera").path))
    }
}
