import Foundation
import SpuntaCLI
import SpuntaClient
import SpuntaDomain
import SpuntaProtocol
import SpuntaStore

struct Enroll: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Registra il dispositivo con il codice ricevuto dall'ufficio e scarica i suoi dati.",
        discussion: """
            Esempio: spunta enroll --server http://10.0.0.5:8080 --code K7M2-QX9P-4TWA
            Se la risposta del server va persa, ripetere lo stesso comando: il dispositivo viene riconosciuto. \
            Un dispositivo che il server non riconosce più (ripristinato da una copia), ha bloccato o ha riammesso dopo \
            una revoca (spunta-server device reinstate) si registra di nuovo nella stessa cartella con un nuovo codice \
            (--server si può omettere): le registrazioni fatte restano e vengono inviate.
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
        let deviceHome = home.home(context)
        try SyncEngine.checkEnrollment(home: deviceHome, server: server)
        let queue = try deviceHome.open()
        let enrollment = try SyncEngine.enroll(queue: queue, server: server, code: code, label: label ?? ProcessInfo.processInfo.hostName)
        let device = enrollment.device
        // Reinstated after a revocation, a device keeps its id: "prima" only for a new identity.
        let done = enrollment.previousDeviceId.map {
            "Registrato di nuovo: \(device.name) (\(device.deviceId)\($0 == device.deviceId ? "" : ", prima \($0)")). "
                + "Le registrazioni fatte vengono inviate al server."
        } ?? "Registrato: \(device.name) (\(device.role.italian)) per \(device.municipality)."
        context.printWrapped(done, indent: "")
        do {
            let report = try SyncEngine(queue: queue).sync()
            context.print("Dati scaricati: " + Counted.italian(report.changes, "elemento", "elementi") + ".")
        } catch let error as ClientError {
            context.printError("Registrato, ma i dati non sono ancora scaricati: \(error.userMessage) Riprovare con spunta sync.")
        }
    }
}
