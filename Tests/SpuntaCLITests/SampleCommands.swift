import Foundation
import SpuntaCLI

/// A small program shaped like spunta-server, declared as real commands are.
struct SampleServer: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spunta-server",
        abstract: "Server di sincronizzazione e back office di Spunta.",
        version: "spunta-server 0.1.0",
        subcommands: [Device.self, Billing.self, Import.self, Status.self, Fail.self])

    static func report(for error: any Error) -> ErrorReport? {
        guard let domain = error as? SampleDomainError else { return nil }
        return ErrorReport(userMessage: domain.userMessage)
    }
}

/// Stands in for a SpuntaDomain `UserFacingError`, which SpuntaCLI does not know.
struct SampleDomainError: Error {
    var userMessage: String
}

/// Options every command shares.
struct CommonOptions: ParsableArguments {
    @Option(environment: "SPUNTA_HOME", valueName: "cartella", help: "Cartella dei dati.")
    var home: String = "/var/lib/spunta"

    @Flag(help: "Risultato in JSON, un oggetto per riga.")
    var json = false

    func validate() throws {
        if home.isEmpty { throw ValidationError("--home non può essere vuota.") }
    }
}

enum DeviceRole: String, CaseIterable, ArgumentValue {
    case teacher
    case bus
    case canteen
}

struct Device: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "device",
        abstract: "Dispositivi: registrazione, elenco, revoca.",
        subcommands: [DeviceAdd.self, DeviceList.self])
}

struct DeviceAdd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Registra un dispositivo e stampa il codice di attivazione.")

    @OptionGroup var common: CommonOptions

    @Option(help: "Nome del dispositivo, come appare negli elenchi.")
    var name: String

    @Option(valueName: "ambito", help: "Ambito visibile al dispositivo: class:1A, site:S1, route:L3.")
    var scope: [String]

    @Option(short: "r", help: "Ruolo di chi usa il dispositivo.")
    var role: DeviceRole = .teacher

    @Option(help: "Giorni di validità del codice di attivazione.")
    var validDays: Int?

    struct Added: Encodable {
        var deviceName: String
        var scopes: [String]
        var role: String
    }

    func validate() throws {
        for item in scope where !item.contains(":") {
            throw ValidationError("Ambito non valido in --scope: «\(item)» (atteso tipo:codice, es. class:1A).")
        }
    }

    func run(_ context: CommandContext) async throws {
        if common.json {
            try context.printJSON(Added(deviceName: name, scopes: scope, role: role.rawValue))
        } else {
            context.print("Dispositivo «\(name)» registrato (\(scope.joined(separator: ", "))).")
        }
    }
}

struct DeviceList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Elenca i dispositivi.")

    @OptionGroup var common: CommonOptions

    func run(_ context: CommandContext) async throws {
        context.print("home=\(common.home)")
    }
}

struct Billing: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "billing",
        abstract: "Fatturazione del servizio.",
        subcommands: [BillingRun.self],
        defaultSubcommand: BillingRun.self)
}

struct BillingRun: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Calcola i rendiconti di un mese.")

    @Option(valueName: "AAAA-MM", help: "Mese da fatturare.")
    var period: String = "2026-10"

    @Flag(help: "Calcola senza salvare.")
    var dryRun = false

    @Option(help: "Soglia in euro.")
    var threshold: Double = 5

    func run(_ context: CommandContext) async throws {
        context.print("period=\(period) dry-run=\(dryRun) threshold=\(threshold)")
    }
}

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Importa le anagrafiche da uno o più file del tracciato.")

    @Flag(short: "s", help: "Interrompe al primo errore.")
    var strict = false

    @Argument(valueName: "file", help: "File XML o CSV da importare.")
    var files: [String]

    func run(_ context: CommandContext) async throws {
        context.print("files=\(files.joined(separator: "|")) strict=\(strict)")
    }
}

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Controlla lo stato del server.")

    @Flag(help: "Simula un controllo fallito.")
    var unhealthy = false

    @Argument(help: "Dispositivo da controllare.")
    var device: String?

    func run(_ context: CommandContext) async throws {
        context.print("device=\(device ?? "tutti")")
        if unhealthy { throw ExitCode.notHealthy }
    }
}

struct Fail: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "fail", abstract: "Fallisce.")

    enum Kind: String, CaseIterable, ArgumentValue {
        case domain
        case reportable
        case localized
        case plain
    }

    struct Reportable: ReportableError {
        var userMessage: String { "Il server non risponde. Riprovare tra qualche minuto." }
        var exitCode: ExitCode { .notHealthy }
    }

    struct Localized: LocalizedError {
        var errorDescription: String? { "Il file non esiste." }
    }

    struct Plain: Error {}

    @Argument(help: "Tipo di errore.")
    var kind: Kind

    func run(_ context: CommandContext) async throws {
        switch kind {
        case .domain: throw SampleDomainError(userMessage: "Codice fiscale RSSMRA85T10A562X non valido.")
        case .reportable: throw Reportable()
        case .localized: throw Localized()
        case .plain: throw Plain()
        }
    }
}

/// Runs `SampleServer` on `arguments` with captured streams.
func runSample(_ arguments: [String], environment: [String: String] = [:], width: Int = 80) async
    -> (status: ExitCode, output: String, error: String) {
    let context = CommandContext(environment: environment, terminalWidth: width)
    let status = await SampleServer.execute(arguments, context: context)
    return (status, context.standardOutput.text, context.standardError.text)
}
