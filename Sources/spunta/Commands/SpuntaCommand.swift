import Foundation
import SpuntaCLI
import SpuntaClient
import SpuntaDomain
import SpuntaProtocol
import SpuntaStore

/// `spunta`: the field program for teachers, bus attendants and canteen staff.
struct SpuntaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spunta",
        abstract: "Appello, mensa e scuolabus: registra tutto anche senza rete.",
        discussion: """
            Ogni registrazione è salvata sul dispositivo prima di essere mostrata; spunta sync la invia al server.
            Codici di uscita: 0 riuscito, 1 errore, 2 uso errato, 3 dispositivo non in salute (status), 4 dispositivo \
            revocato (riprovare non serve).
            """,
        version: ProtocolVersion.appVersion,
        subcommands: [Enroll.self, Scan.self, RollCallCommand.self, OnBoard.self, Meals.self, Recent.self, Void.self, Sync.self, Status.self]
    )

    static func report(for error: any Error) -> ErrorReport? {
        switch error {
        // Revoked for good: its own status, so that the handheld's service manager does not start it again. A blocked or
        // forgotten device ends with 1: once enrolled again in place it syncs, and its service may keep trying meanwhile.
        case let error as ClientError where error == .revoked: return ErrorReport(userMessage: error.userMessage, exitCode: .revoked)
        case let error as any UserFacingError: return ErrorReport(userMessage: error.userMessage, exitCode: .failure)
        case let error as DatabaseError:
            return ErrorReport(userMessage: "archivio del dispositivo: \(error.message). Controllare --home.", exitCode: .failure)
        case let error as MigrationError: return ErrorReport(userMessage: "\(error)", exitCode: .failure)
        default: return nil
        }
    }
}

/// `--home`: the device folder (also SPUNTA_HOME).
struct HomeOption: ParsableArguments {
    @Option(name: "home", environment: "SPUNTA_HOME", valueName: "cartella", help: "Cartella del dispositivo (predefinita ~/.spunta).")
    var path: String?

    func home(_ context: CommandContext) -> DeviceHome {
        DeviceHome.resolve(option: path, environment: context.environment)
    }

    func open(_ context: CommandContext) throws -> (DatabaseQueue, EnrolledDevice) {
        let queue = try home(context).open()
        let device = try queue.read { try EnrolledDevice.require($0) }
        return (queue, device)
    }
}

/// `--date`: the business day (default today in Europe/Rome).
struct DateOption: ParsableArguments {
    @Option(valueName: "AAAA-MM-GG", help: "Giorno (predefinito oggi).")
    var date: String?

    mutating func validate() throws {
        if let date, LocalDate(date) == nil { throw ValidationError("--date «\(date)» non valida: usare AAAA-MM-GG.") }
    }

    var day: LocalDate { given ?? BusinessCalendar.date(of: WallClock.now()) }

    /// The day given on the command line, nil when the command follows today.
    var given: LocalDate? { date.flatMap { LocalDate($0) } }
}

struct Enroll: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Registra il dispositivo con il codice ricevuto dall'ufficio e scarica i suoi dati.",
        discussion: """
            Esempio: spunta enroll --server http://10.0.0.5:8080 --code K7M2-QX9P-4TWA
            Se la risposta del server va persa, ripetere lo stesso comando: il dispositivo viene riconosciuto. \
            Un dispositivo che il server non riconosce più (ripristinato da una copia) o ha bloccato si registra di \
            nuovo nella stessa cartella con un nuovo codice (--server si può omettere): le registrazioni fatte restano \
            e vengono inviate.
            """
    )

    @OptionGroup var home: HomeOption
    @Option(valueName: "URL", help: "Indirizzo del server (http://host:porta); per registrare di nuovo, predefinito quello usato finora.")
    var server: String?
    @Option(valueName: "codice", help: "Codice monouso di registrazione.")
    var code: String
    @Option(valueName: "nome", help: "Nome di questo apparecchio per l'amministratore (predefinito il nome host).")
    var label: String?

    func run(_ context: CommandContext) async throws {
        let queue = try home.home(context).open()
        let enrollment = try SyncEngine.enroll(queue: queue, server: server, code: code, label: label ?? ProcessInfo.processInfo.hostName)
        let device = enrollment.device
        let done = enrollment.previousDeviceId.map {
            "Registrato di nuovo: \(device.name) (\(device.deviceId), prima \($0)). Le registrazioni fatte vengono inviate al server."
        } ?? "Registrato: \(device.name) (\(device.role.italian)) per \(device.municipality)."
        context.printWrapped(done, indent: "")
        do {
            let report = try SyncEngine(queue: queue).sync()
            context.print("Dati scaricati: \(report.changes) elementi.")
        } catch let error as ClientError {
            context.printError("Registrato, ma i dati non sono ancora scaricati: \(error.userMessage) Riprovare con spunta sync.")
        }
    }
}

struct Sync: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Invia le registrazioni al server e riceve le novità.",
        discussion: "Con --watch resta attivo: invia appena si registra qualcosa e riceve subito le novità; senza rete riprova da solo."
    )

    @OptionGroup var home: HomeOption
    @Flag(help: "Resta attivo e sincronizza di continuo.")
    var watch = false
    @Flag(help: "Stampa in JSON (un oggetto per sincronizzazione).")
    var json = false

    func run(_ context: CommandContext) async throws {
        let deviceHome = home.home(context)
        let queue = try deviceHome.open()
        _ = try queue.read { try EnrolledDevice.require($0) }
        if !watch {
            let report = try SyncEngine(queue: queue).sync()
            if json { try context.printJSON(report) } else { print(report, context) }
            return
        }
        let watcher = SyncWatcher(home: deviceHome) { event in
            switch event {
            case .synced(let report):
                if json { try? context.printJSON(report) } else { print(report, context) }
            case .failed(let error, let delay):
                context.printError(delay > 0 ? "\(error.userMessage) Nuovo tentativo tra \(Int(delay.rounded())) s." : error.userMessage)
            }
        }
        try await runBlocking { try watcher.run() }
    }

    func print(_ report: SyncEngine.Report, _ context: CommandContext) {
        context.print(report.italian)
        for rejection in report.rejected {
            context.printError("Rifiutata dal server: \(rejection.message)")
        }
    }
}

/// Runs blocking work on its own thread, so the program's cooperative threads stay free.
func runBlocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Stato del dispositivo: registrazione, ultima sincronizzazione, registrazioni in attesa.",
        discussion: "Esce con 3 se il dispositivo non è in salute (per gli script di controllo)."
    )

    @OptionGroup var home: HomeOption
    @Flag(help: "Stampa in JSON.")
    var json = false

    func run(_ context: CommandContext) async throws {
        let queue = try home.home(context).open()
        let now = WallClock.now()
        let status = try queue.read { try DeviceReports.status($0, now: now) }
        if json {
            try context.printJSON(status)
        } else {
            for line in status.italianLines(now: now) { context.printWrapped(line) }
        }
        if !status.healthy { throw ExitCode.notHealthy }
    }
}
