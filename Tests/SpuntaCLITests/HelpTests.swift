import Testing
import SpuntaCLI

@Suite("Help screens")
struct HelpTests {
    @Test("--help and -h work on every command and subcommand, on standard output, exit 0", arguments: [
        [], ["device"], ["device", "add"], ["device", "list"], ["billing"], ["billing", "run"], ["import"],
        ["status"], ["fail"],
    ])
    func helpEverywhere(path: [String]) async {
        for flag in ["--help", "-h"] {
            let result = await runSample(path + [flag])
            #expect(result.status == .success)
            #expect(result.error.isEmpty)
            #expect(result.output.hasPrefix("Uso: spunta-server" + path.map { " " + $0 }.joined()))
            #expect(result.output.contains("-h, --help"))
        }
    }

    @Test("help wins over other mistakes on the same line")
    func helpFirst() async {
        let result = await runSample(["device", "add", "--bogus", "--help"])
        #expect(result.status == .success)
        #expect(result.output.hasPrefix("Uso: spunta-server device add"))
    }

    @Test("`help device add` shows the help of device add")
    func helpWord() async {
        let viaWord = await runSample(["help", "device", "add"])
        let viaFlag = await runSample(["device", "add", "--help"])
        #expect(viaWord.status == .success)
        #expect(viaWord.output == viaFlag.output)
    }

    @Test("the help of a command lists each option on its line with its help, default and variable")
    func deviceAddHelp() {
        let help = SampleServer.helpText(for: ["device", "add"], width: 100)
        let expected = """
            Uso: spunta-server device add --name <name> --scope <ambito> ... [opzioni]

            Registra un dispositivo e stampa il codice di attivazione.

            Opzioni:
              --home <cartella>          Cartella dei dati. (predefinito: /var/lib/spunta; variabile
                                         SPUNTA_HOME)
              --json                     Risultato in JSON, un oggetto per riga.
              --name <name>              Nome del dispositivo, come appare negli elenchi. (obbligatoria)
              --scope <ambito>           Ambito visibile al dispositivo: class:1A, site:S1, route:L3.
                                         (obbligatoria, ripetibile)
              -r, --role <role>          Ruolo di chi usa il dispositivo. (valori: teacher, bus, canteen;
                                         predefinito: teacher)
              --valid-days <valid-days>  Giorni di validità del codice di attivazione.
              -h, --help                 Mostra questo aiuto.

            """
        #expect(help == expected)
    }

    @Test("the help of a group lists its commands")
    func rootHelp() {
        let help = SampleServer.helpText(width: 80)
        #expect(help.hasPrefix("Uso: spunta-server <comando>\n\nServer di sincronizzazione"))
        #expect(help.contains("Comandi:\n  device   Dispositivi: registrazione, elenco, revoca.\n  billing  "))
        #expect(help.contains("--version"))
        #expect(help.contains("Usare \"spunta-server <comando> --help\" per l'aiuto di un comando."))
        let billing = SampleServer.helpText(for: ["billing"])
        #expect(billing.hasPrefix("Uso: spunta-server billing [<comando>]"))
        #expect(billing.contains("run  Calcola i rendiconti di un mese. (predefinito)"))
    }

    @Test("positional arguments appear in the usage line and in their own section")
    func positionals() {
        let help = SampleServer.helpText(for: ["import"])
        #expect(help.hasPrefix("Uso: spunta-server import [opzioni] <file> ...\n"))
        #expect(help.contains("Argomenti:\n  <file> ...  File XML o CSV da importare."))
        let status = SampleServer.helpText(for: ["status"])
        #expect(status.hasPrefix("Uso: spunta-server status [opzioni] [<device>]\n"))
    }

    @Test("every help screen fits 40 columns")
    func narrow() {
        for path in [[], ["device"], ["device", "add"], ["billing", "run"], ["import"], ["status"]] {
            let help = SampleServer.helpText(for: path, width: 40)
            for line in help.split(separator: "\n") {
                #expect(TextWidthProbe.width(line) <= 40, "«\(line)» in help of \(path)")
            }
        }
    }
}

enum TextWidthProbe {
    static func width(_ line: Substring) -> Int { TextWidth.of(line) }
}
