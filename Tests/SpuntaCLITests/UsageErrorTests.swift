import Testing
import SpuntaCLI

@Suite("Usage errors")
struct UsageErrorTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let arguments: [String]
        let message: String
        var testDescription: String { arguments.joined(separator: " ") }
    }

    static let cases: [Case] = [
        Case(arguments: ["device", "add", "--name", "T", "--scope", "class:1A", "--foo"],
             message: "Opzione sconosciuta: --foo. Usare --help per l'elenco delle opzioni."),
        Case(arguments: ["device", "add", "--nmae", "T"],
             message: "Opzione sconosciuta: --nmae. Forse --name? Usare --help per l'elenco delle opzioni."),
        Case(arguments: ["device", "add", "-x"],
             message: "Opzione sconosciuta: -x. Usare --help per l'elenco delle opzioni."),
        Case(arguments: ["device", "add", "--scope", "class:1A", "--name"],
             message: "Manca il valore dell'opzione --name."),
        Case(arguments: ["device", "add", "--name", "--json", "--scope", "class:1A"],
             message: "Manca il valore dell'opzione --name."),
        Case(arguments: ["device", "add", "--scope", "class:1A"],
             message: "Manca l'opzione obbligatoria --name."),
        Case(arguments: ["device", "add", "--name", "T"],
             message: "Manca l'opzione obbligatoria --scope."),
        Case(arguments: ["device", "add", "--name", "T", "--name", "U", "--scope", "class:1A"],
             message: "L'opzione --name è indicata più volte: indicarla una volta sola."),
        Case(arguments: ["device", "add", "--name", "T", "--scope", "class:1A", "--role", "cuoco"],
             message: "Valore non valido per --role: «cuoco» (atteso uno tra teacher, bus, canteen)."),
        Case(arguments: ["device", "add", "--name", "T", "--scope", "class:1A", "--valid-days", "sette"],
             message: "Valore non valido per --valid-days: «sette» (atteso un numero intero)."),
        Case(arguments: ["device", "add", "--name", "T", "--scope", "class:1A", "--json=sì"],
             message: "L'opzione --json non accetta un valore."),
        Case(arguments: ["device", "add", "--name", "T", "--scope", "1A"],
             message: "Ambito non valido in --scope: «1A» (atteso tipo:codice, es. class:1A)."),
        Case(arguments: ["import"], message: "Manca l'argomento <file>."),
        Case(arguments: ["status", "a", "b"],
             message: "Argomento inatteso: «b». Usare --help per l'uso del comando."),
        Case(arguments: ["devices"],
             message: "Comando sconosciuto: «devices». Forse device? Usare --help per l'elenco dei comandi."),
        Case(arguments: ["device", "remove"],
             message: "Comando sconosciuto: «remove». Usare --help per l'elenco dei comandi."),
        Case(arguments: ["device"], message: "Indicare un comando. Usare --help per l'elenco dei comandi."),
        Case(arguments: [], message: "Indicare un comando. Usare --help per l'elenco dei comandi."),
        Case(arguments: ["device", "list", "--home="], message: "--home non può essere vuota."),
    ]

    @Test("each mistake is a usage error, exit code 2, whose message names what is wrong", arguments: cases)
    func usageErrors(testCase: Case) async {
        let result = await runSample(testCase.arguments)
        #expect(result.status == .usage)
        #expect(result.output.isEmpty)
        let lines = result.error.split(separator: "\n").map(String.init)
        #expect(lines.first == "Errore: " + testCase.message)
        #expect(lines.count == 2 && lines[1].hasPrefix("Uso: spunta-server"))
    }

    @Test("a bad value in the environment names the variable")
    func badEnvironmentValue() async {
        let context = CommandContext(environment: ["SPUNTA_PORT": "ottanta"])
        let status = await PortCommand.execute([], context: context)
        #expect(status == .usage)
        #expect(context.standardError.text.hasPrefix(
            "Errore: Valore non valido nella variabile d'ambiente SPUNTA_PORT (per --port): «ottanta» "
                + "(atteso un numero intero da 0 a 65535)."))
    }

    @Test("the usage line after an error is the failing subcommand's")
    func usageLineOfSubcommand() async {
        let result = await runSample(["device", "add", "--bogus"])
        #expect(result.error.contains("Uso: spunta-server device add --name <name> --scope <ambito> ... [opzioni]"))
    }
}

private struct PortCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "porta")

    @Option(environment: "SPUNTA_PORT", help: "Porta di ascolto.")
    var port: UInt16 = 8080

    func run(_ context: CommandContext) async throws {
        context.print(String(port))
    }
}
