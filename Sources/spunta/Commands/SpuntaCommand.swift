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
        subcommands: [Enroll.self, Scan.self, RideCommand.self, RollCallCommand.self, AbsenceCommand.self, OnBoard.self, Meals.self, Recent.self, Void.self, Sync.self, Status.self]
    )

    /// The commands its messages suggest repeat the --home the user gave.
    static let hintLocationOption: String? = "--home"

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
        let queue = try home(context).openExisting()
        let device = try queue.read { try EnrolledDevice.require($0) }
        return (queue, device)
    }
}

/// `--date`: the business day (default today in Europe/Rome).
struct DateOption: ParsableArguments {
    @Option(valueName: "data", help: "Giorno, AAAA-MM-GG o GG/MM/AAAA (predefinito oggi).")
    var date: String?

    mutating func validate() throws {
        if let date, LocalDate(typed: date) == nil { throw ValidationError(LocalDate.invalidTyped(date, subject: "--date")) }
    }

    /// The day given, else today by the device's clock (`CommandContext.deviceClock`).
    func day(_ context: CommandContext) -> LocalDate { given ?? context.today }

    /// The day given on the command line, nil when the command follows today.
    var given: LocalDate? { date.flatMap { LocalDate(typed: $0) } }
}
