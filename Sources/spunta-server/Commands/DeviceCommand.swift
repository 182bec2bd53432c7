import Foundation
import SpuntaCLI
import SpuntaProtocol
import SpuntaServerStore
import SpuntaSync

/// `spunta-server device add|revoke`.
struct DeviceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "device",
        abstract: "Registra un nuovo dispositivo o ne revoca uno smarrito.",
        subcommands: [Add.self, Revoke.self]
    )

    /// `device add`: a device for a role and scope, and its one-time code.
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Crea un dispositivo e il codice monouso da digitare su di esso (spunta enroll).",
            discussion: """
                Ambiti: class:ID per le insegnanti, route:ID per lo scuolabus, site:ID per la mensa.
                Esempio: spunta-server device add --db comune.sqlite --name "Mensa Rodari 1" --role canteen --scope site:S01
                """
        )

        @OptionGroup var database: DatabaseOption
        @Option(valueName: "nome", help: "Nome del dispositivo, per riconoscerlo nell'elenco.")
        var name: String
        @Option(valueName: "ruolo", help: "teacher, bus o canteen.")
        var role: DeviceRole
        @Option(valueName: "tipo:id", help: "Ambito (ripetibile): class:ID, route:ID o site:ID.")
        var scope: [String]
        @Option(name: "expires-hours", help: "Ore di validità del codice.")
        var expiresHours = DeviceRegistry.defaultCodeValidityHours
        @Flag(help: "Stampa in JSON.")
        var json = false

        mutating func validate() throws {
            for item in scope where ScopeItem(item) == nil {
                throw ValidationError("ambito «\(item)» non valido: usare class:ID, route:ID o site:ID.")
            }
            guard (1...24 * 30).contains(expiresHours) else { throw ValidationError("--expires-hours va da 1 a 720.") }
        }

        func run(_ context: CommandContext) async throws {
            let queue = try ServerDatabase.open(path: database.path)
            let items = scope.compactMap(ScopeItem.init)
            let added = try queue.write { db in
                try DeviceRegistry.add(db, name: name, role: role, scope: items, validityHours: expiresHours, actor: "amministratore", now: Date())
            }
            if json { return try context.printJSON(added) }
            context.print("Dispositivo \(added.deviceId) «\(added.name)» (\(role.italian), \(added.scope.joined(separator: ", "))).")
            context.print("Codice di registrazione: \(added.code)")
            context.print("Valido fino a \(added.expiresAt). Sul dispositivo: spunta enroll --server URL --code \(added.code)")
        }
    }

    /// `device revoke`.
    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoca un dispositivo: alla prossima richiesta viene rifiutato."
        )

        @OptionGroup var database: DatabaseOption
        @Argument(valueName: "dispositivo", help: "Identificativo del dispositivo (es. D-0003).")
        var id: String
        @Option(valueName: "motivo", help: "Perché (resta nel registro di audit).")
        var reason = "revocato dall'amministratore"

        func run(_ context: CommandContext) async throws {
            let queue = try ServerDatabase.open(path: database.path)
            try queue.write { db in try DeviceRegistry.revoke(db, id: id, reason: reason, actor: "amministratore", now: Date()) }
            context.print("Dispositivo \(id) revocato: alla prossima sincronizzazione sarà rifiutato.")
        }
    }
}

extension DeviceRole: ArgumentValue {}

/// `spunta-server devices`: the sync status of every device.
struct Devices: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Mostra lo stato di sincronizzazione di ogni dispositivo.",
        discussion: "Esce con 3 se un dispositivo registrato è bloccato, non si fa sentire da 24 ore o ha l'orologio sbagliato."
    )

    @OptionGroup var database: DatabaseOption
    @Flag(help: "Stampa in JSON (un array).")
    var json = false

    func run(_ context: CommandContext) async throws {
        let queue = try ServerDatabase.open(path: database.path)
        let devices = try queue.read { try AdminQueries.devices($0, now: Date()) }
        if json {
            try context.printJSON(devices)
        } else {
            var table = TextTable("Disp.", "Nome", "Ruolo", "Ambito", "Stato", "Visto", "Op.", "Ritardo", "Orologio", "Errore")
            for d in devices {
                table.addRow([
                    d.id, d.name, d.role, d.scope.joined(separator: " "), Self.italianState(d.state),
                    d.lastSeenAt.map { String($0.prefix(16)).replacingOccurrences(of: "T", with: " ") } ?? "mai",
                    d.opsRejected > 0 ? "\(d.opsReceived) (\(d.opsRejected) rifiutate)" : String(d.opsReceived), String(d.cursorLag),
                    d.clockOffsetMs.map { ($0 >= 0 ? "+" : "") + String(format: "%.1fs", Double($0) / 1000) + (d.clockSkewed ? " !" : "") } ?? "-",
                    d.lastError ?? "",
                ])
            }
            context.print(table.render(width: max(context.terminalWidth, 120)))
            context.print("\(devices.count) dispositivi.")
        }
        let unhealthy = devices.filter { ["blocked", "stale"].contains($0.state) || $0.clockSkewed && !$0.revoked }
        if !unhealthy.isEmpty {
            if !json { context.printError("Da controllare: \(unhealthy.map(\.id).joined(separator: ", ")).") }
            throw ExitCode.notHealthy
        }
    }

    static func italianState(_ state: String) -> String {
        switch state {
        case "ok": return "attivo"
        case "pending": return "da registrare"
        case "code_expired": return "codice scaduto"
        case "revoked": return "revocato"
        case "blocked": return "BLOCCATO"
        case "stale": return "silenzioso"
        default: return state
        }
    }
}
