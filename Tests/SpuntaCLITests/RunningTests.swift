import Foundation
import Testing
import SpuntaCLI

@Suite("Running commands and reporting errors")
struct RunningTests {
    @Test("a command runs with its parsed values and exits 0")
    func runs() async {
        let result = await runSample(["device", "add", "--name", "Tablet 1A", "--scope", "class:1A"])
        #expect(result.status == .success)
        #expect(result.output == "Dispositivo «Tablet 1A» registrato (class:1A).\n")
        #expect(result.error.isEmpty)
    }

    @Test("--json prints one object with sorted snake_case keys")
    func json() async {
        let result = await runSample(["device", "add", "--json", "--name", "T", "--scope", "class:1A",
                                      "--scope", "route:L3", "--role", "canteen"])
        #expect(result.status == .success)
        #expect(result.output == #"{"device_name":"T","role":"canteen","scopes":["class:1A","route:L3"]}"# + "\n")
    }

    @Test("the command path is known to the running command")
    func commandPath() async throws {
        let context = CommandContext()
        _ = await PathProbe.execute(["inner"], context: context)
        #expect(context.standardOutput.text == "path-probe inner\n")
    }

    @Test("a thrown ExitCode ends with that status and no message")
    func exitCode() async {
        let result = await runSample(["status", "--unhealthy"])
        #expect(result.status == .notHealthy)
        #expect(result.status.rawValue == 3)
        #expect(result.error.isEmpty)
        #expect(result.output == "device=tutti\n")
    }

    @Test("errors become one Italian message and an exit code", arguments: [
        ("domain", "Errore: Codice fiscale RSSMRA85T10A562X non valido.\n", ExitCode.failure),
        ("reportable", "Errore: Il server non risponde. Riprovare tra qualche minuto.\n", ExitCode.notHealthy),
        ("localized", "Errore: Il file non esiste.\n", ExitCode.failure),
    ])
    func errorReports(kind: String, message: String, status: ExitCode) async {
        let result = await runSample(["fail", kind])
        #expect(result.status == status)
        #expect(result.error == message)
    }

    @Test("on a 40-column terminal an error is wrapped between words; elsewhere it stays one line", arguments: [
        (Int?.some(40), "Errore: Il server non risponde.\nRiprovare tra qualche minuto.\n"),
        (Int?.some(20), "Errore: Il server\nnon risponde.\nRiprovare tra\nqualche minuto.\n"),
        (Int?.none, "Errore: Il server non risponde. Riprovare tra qualche minuto.\n"),
    ])
    func errorWrapped(width: Int?, expected: String) async {
        let context = CommandContext(terminalWidth: 40, errorWidth: width)
        let status = await SampleServer.execute(["fail", "reportable"], context: context)
        #expect(status == .notHealthy)
        #expect(context.standardError.text == expected)
    }

    @Test("an error nobody describes still gets a message and exit code 1")
    func unknownError() async {
        let result = await runSample(["fail", "plain"])
        #expect(result.status == .failure)
        #expect(result.error.hasPrefix("Errore: Errore imprevisto: "))
    }

    @Test("exit codes have their documented values")
    func exitCodeValues() {
        #expect(ExitCode.success.rawValue == 0)
        #expect(ExitCode.failure.rawValue == 1)
        #expect(ExitCode.usage.rawValue == 2)
        #expect(ExitCode.notHealthy.rawValue == 3)
    }

    @Test("--version prints the version on the root command")
    func version() async {
        let result = await runSample(["--version"])
        #expect(result.status == .success)
        #expect(result.output == "spunta-server 0.1.0\n")
    }

    @Test("a command reads scanned lines from its input")
    func readsInput() async {
        let context = CommandContext(standardInput: .lines(["TESSERA-1", "TESSERA-2"]))
        let status = await ScanProbe.execute([], context: context)
        #expect(status == .success)
        #expect(context.standardOutput.text == "TESSERA-1\nTESSERA-2\n")
    }
}

private struct PathProbe: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "path-probe", subcommands: [Inner.self])

    struct Inner: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "inner")

        func run(_ context: CommandContext) async throws {
            context.print(context.commandPath.joined(separator: " "))
        }
    }
}

private struct ScanProbe: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "scan")

    func run(_ context: CommandContext) async throws {
        while let line = context.standardInput.readLine() {
            context.print(line)
        }
    }
}
