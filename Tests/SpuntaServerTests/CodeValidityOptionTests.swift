import Foundation
import SpuntaTestSupport
import Testing

/// `--expires-hours` of the two commands that print an enrollment code: one rule, refused before anything is written.
@Suite("How long an enrollment code lasts")
struct CodeValidityOptionTests {
    @Test("outside 1–720 hours, device add and device reinstate refuse it as a usage error and write nothing", arguments: [
        ["device", "add", "--name", "Mensa", "--role", "canteen", "--scope", "site:S01"],
        ["device", "reinstate", "D-0001"],
    ], ["0", "721"])
    func outOfRange(command: [String], hours: String) throws {
        let folder = try TemporaryFolder("spunta-code-validity")
        let db = folder.path("comune.sqlite")
        try SampleDatabase.copySample(to: db)
        let before = try Data(contentsOf: URL(fileURLWithPath: db))
        let process = try ChildProcess("spunta-server", command + ["--db", db, "--expires-hours", hours])
        #expect(process.wait() == 2, "\(process.output) \(process.errors)")
        #expect(process.errors.contains("--expires-hours va da 1 a 720."), "\(process.errors)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: db)) == before)
    }
}
