import Foundation
import SpuntaTestSupport
import Testing

/// The README's operations steps, checked by scripts/check-readme-ops.sh as they are written.
@Suite("README operations steps")
struct ReadmeOpsTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func check(_ readme: URL) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [root.appendingPathComponent("scripts/check-readme-ops.sh").path, readme.path]
        var environment = ProcessInfo.processInfo.environment
        environment["SPUNTA_SERVER_BIN"] = ChildProcess.productsDirectory.appendingPathComponent("spunta-server").path
        environment["SPUNTA_BIN"] = ChildProcess.productsDirectory.appendingPathComponent("spunta").path
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    static var readme: String {
        get throws { try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8) }
    }

    @Test("the unit files and the cron lines of the README pass the check (systemd-analyze verify where installed)")
    func readmePasses() throws {
        let result = try Self.check(Self.root.appendingPathComponent("README.md"))
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("Passi del README in ordine"))
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze") || FileManager.default.isExecutableFile(atPath: "/bin/systemd-analyze") {
            #expect(result.output.components(separatedBy: "systemd-analyze verify senza osservazioni").count == 3, "\(result.output)")
        }
    }

    @Test("the mistakes a fresh system trips on are caught", arguments: [
        ("StateDirectory=spunta\n", "ReadWritePaths=/var/backups/spunta\n", "ReadWritePaths=/var/backups/spunta non è creata"),
        ("$(/bin/date +\\%F-\\%H\\%M)", "$(/bin/date +%F-%H%M)", "% non protetto"),
        ("/usr/local/bin/spunta-server backup", "spunta-server backup", "comando senza percorso assoluto (spunta-server)"),
        ("$(/bin/date", "$(date", "programma senza percorso assoluto (date)"),
        (" && /usr/bin/find /var/backups/spunta -name 'comune-*.sqlite' -mtime +14 -delete", "", "non elimina le copie vecchie"),
        ("   RestartPreventExitStatus=4\n", "", "manca RestartPreventExitStatus=4"),
        ("   RestartSec=30\n", "", "manca un ritardo prima di ripartire"),
        ("spunta  /usr/local/bin/spunta-server outbox", "root    /usr/local/bin/spunta-server outbox", "girano come spunta, non come root"),
    ])
    func mistakesCaught(original: String, replacement: String, message: String) throws {
        let readme = try Self.readme
        #expect(readme.contains(original), "the README still has: \(original)")
        let folder = try TemporaryFolder("spunta-readme")
        let broken = folder.url.appendingPathComponent("README.md")
        try readme.replacingOccurrences(of: original, with: replacement).write(to: broken, atomically: true, encoding: .utf8)
        let result = try Self.check(broken)
        #expect(result.status == 1)
        #expect(result.output.contains(message), "\(result.output)")
    }
}
