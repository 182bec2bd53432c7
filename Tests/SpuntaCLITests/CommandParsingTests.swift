import Testing
@testable import SpuntaCLI

@Suite("Command-line parsing")
struct CommandParsingTests {
    @Test("nested subcommands receive their options, repeated options accumulate")
    func nestedSubcommand() throws {
        let parsed = try SampleServer.parse(["device", "add", "--name", "Tablet 1A", "--scope", "class:1A",
                                             "--scope=site:S1", "-r", "bus", "--valid-days", "7"])
        let command = try #require(parsed as? DeviceAdd)
        #expect(command.name == "Tablet 1A")
        #expect(command.scope == ["class:1A", "site:S1"])
        #expect(command.role == .bus)
        #expect(command.validDays == 7)
        #expect(command.common.home == "/var/lib/spunta")
        #expect(command.common.json == false)
    }

    @Test("--option=value and --option value mean the same", arguments: [
        ["billing", "run", "--period=2026-11"], ["billing", "run", "--period", "2026-11"],
    ])
    func inlineValues(arguments: [String]) throws {
        let command = try #require(try SampleServer.parse(arguments) as? BillingRun)
        #expect(command.period == "2026-11")
    }

    @Test("defaults apply when options are absent")
    func defaults() throws {
        let command = try #require(try SampleServer.parse(["billing", "run"]) as? BillingRun)
        #expect(command.period == "2026-10")
        #expect(command.dryRun == false)
        #expect(command.threshold == 5)
    }

    @Test("a default subcommand runs when none is named, and receives the options")
    func defaultSubcommand() async {
        let result = await runSample(["billing", "--dry-run", "--threshold", "2,5"])
        #expect(result.status == .success)
        #expect(result.output == "period=2026-10 dry-run=true threshold=2.5\n")
    }

    @Test("an option falls back to its environment variable, and the command line wins over it")
    func environmentFallback() throws {
        let fromEnvironment = try #require(
            try SampleServer.parse(["device", "list"], environment: ["SPUNTA_HOME": "/srv/spunta"]) as? DeviceList)
        #expect(fromEnvironment.common.home == "/srv/spunta")
        let fromLine = try #require(
            try SampleServer.parse(["device", "list", "--home", "/tmp/x"], environment: ["SPUNTA_HOME": "/srv/spunta"])
                as? DeviceList)
        #expect(fromLine.common.home == "/tmp/x")
        let emptyVariable = try #require(
            try SampleServer.parse(["device", "list"], environment: ["SPUNTA_HOME": ""]) as? DeviceList)
        #expect(emptyVariable.common.home == "/var/lib/spunta")
    }

    @Test("variadic positional arguments take every word, options may come between them")
    func variadic() throws {
        let command = try #require(try SampleServer.parse(["import", "a.xml", "-s", "b.csv", "c.csv"]) as? Import)
        #expect(command.files == ["a.xml", "b.csv", "c.csv"])
        #expect(command.strict)
    }

    @Test("after -- every word is positional, even one that looks like an option")
    func terminator() throws {
        let command = try #require(try SampleServer.parse(["import", "--", "--strano.csv", "-"]) as? Import)
        #expect(command.files == ["--strano.csv", "-"])
        #expect(command.strict == false)
    }

    @Test("negative numbers are values, not options")
    func negativeNumbers() throws {
        let command = try #require(try SampleServer.parse(["billing", "run", "--threshold", "-1.5"]) as? BillingRun)
        #expect(command.threshold == -1.5)
    }

    @Test("an optional positional argument is nil when absent")
    func optionalPositional() throws {
        let absent = try #require(try SampleServer.parse(["status"]) as? Status)
        #expect(absent.device == nil)
        let present = try #require(try SampleServer.parse(["status", "tablet-3"]) as? Status)
        #expect(present.device == "tablet-3")
    }

    @Test("kebab-case names come from property names")
    func kebabCase() {
        #expect(ArgumentDefinition.kebabCase("_dryRun") == "dry-run")
        #expect(ArgumentDefinition.kebabCase("json") == "json")
        #expect(ArgumentDefinition.kebabCase("iseeURLValue") == "isee-url-value")
        #expect(ArgumentDefinition.kebabCase("validDays2") == "valid-days2")
        #expect(ArgumentDefinition.kebabCase("SampleServer") == "sample-server")
    }

    @Test("each parse starts from fresh values")
    func freshValues() throws {
        _ = try SampleServer.parse(["billing", "run", "--dry-run"])
        let second = try #require(try SampleServer.parse(["billing", "run"]) as? BillingRun)
        #expect(second.dryRun == false)
    }

    @Test("the sample program's declarations have no problems")
    func wellFormed() {
        #expect(SampleServer.definitionProblems().isEmpty)
    }

    @Test("declaration mistakes are found before anything runs")
    func badDeclarations() {
        let problems = Broken.definitionProblems()
        #expect(problems.contains { $0.contains("--name is declared twice") })
        #expect(problems.contains { $0.contains("-h is declared twice or is reserved") })
        #expect(problems.contains { $0.contains("follows a variadic argument") })
        #expect(problems.contains { $0.contains("two subcommands are named «list»") })
    }
}

/// Declarations with every mistake `definitionProblems()` looks for.
private struct Broken: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "broken", subcommands: [DeviceList.self, DeviceList.self])

    @Option(help: "a") var name: String = ""
    @Option(name: "name", help: "b") var other: String = ""
    @Flag(short: "h", help: "c") var hidden = false
    @Argument(help: "d") var files: [String] = []
    @Argument(help: "e") var last: String?
}
