import Foundation
import SpuntaCLI
import SpuntaDomain
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
        @OptionGroup var actor: ActorOption
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
            let who = actor.name(context)
            let added = try queue.write { db in
                try DeviceRegistry.add(db, name: name, role: role, scope: items, validityHours: expiresHours, actor: who, now: context.now)
            }
            if json { return try context.printJSON(added) }
            context.print("Dispositivo \(added.deviceId) «\(added.name)» (\(role.italian), \(added.scope.joined(separator: ", "))).")
            context.print("Codice di registrazione: \(added.code)")
            context.print("Valido fino al \(ItalianTime.dateTime(stored: added.expiresAt)). Sul dispositivo: spunta enroll --server URL --code \(added.code)")
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
        @OptionGroup var actor: ActorOption

        func run(_ context: CommandContext) async throws {
            let queue = try ServerDatabase.open(path: database.path)
            let who = actor.name(context)
            try queue.write { db in try DeviceRegistry.revoke(db, id: id, reason: reason, actor: who, now: context.now) }
            context.print("Dispositivo \(id) revocato: alla prossima sincronizzazione sarà rifiutato.")
        }
    }
}

extension DeviceRole: ArgumentValue {}

/// `spunta-server devices [list|thresholds|set-thresholds]`: the sync status of every device and the thresholds of
/// its state.
struct Devices: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Mostra lo stato di sincronizzazione di ogni dispositivo; soglie di controllo per ruolo.",
        subcommands: [ListDevices.self, Thresholds.self, SetThresholds.self],
        defaultSubcommand: ListDevices.self
    )

    struct ListDevices: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "Mostra lo stato di sincronizzazione di ogni dispositivo.",
            discussion: """
                Stati: ok, da controllare (bloccato, orologio sbagliato, registrazioni ferme sul dispositivo), silenzioso \
                (nessun contatto oltre le soglie del ruolo: spunta-server devices thresholds), revocato, da registrare. \
                Esce con 3 se un dispositivo è silenzioso o da controllare. Orari in ora italiana; --json in UTC.
                """
        )

        @OptionGroup var database: DatabaseOption
        @Flag(help: "Stampa in JSON (un array).")
        var json = false

        func run(_ context: CommandContext) async throws {
            let queue = try ServerDatabase.open(path: database.path)
            let devices = try queue.read { try AdminQueries.devices($0, now: context.now) }
            if json {
                try context.printJSON(devices)
            } else {
                var table = TextTable(columns: [
                    .init("Disp."), .init("Nome", maxWidth: 28), .init("Ruolo"), .init("Ambito", maxWidth: 24), .init("Stato"),
                    .init("Visto"), .init("Op."), .init("Da inviare"), .init("Novità da scaricare", alignment: .right), .init("Orologio"),
                ])
                for d in devices {
                    table.addRow([
                        d.id, d.name, d.roleItalian, d.scope.joined(separator: " "), d.state.italian, d.seenItalian, d.opsItalian, d.pendingItalian,
                        String(d.cursorLag), d.clockItalian,
                    ])
                }
                context.print(table.render(width: max(context.terminalWidth, 132)))
                for d in devices where !d.notesItalian.isEmpty {
                    context.print("\(d.id) \(d.name): \(d.notesItalian).")
                }
                context.print(devices.stateSummaryItalian + ".")
            }
            let unhealthy = devices.filter { $0.state.isUnhealthy }
            if !unhealthy.isEmpty {
                if !json { context.printError("Da controllare: \(unhealthy.map(\.id).joined(separator: ", ")).") }
                throw ExitCode.notHealthy
            }
        }
    }

    /// `devices thresholds`: the rules of each role.
    struct Thresholds: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mostra le soglie di controllo per ruolo: orario di servizio, silenzio ammesso, attesa delle registrazioni."
        )

        @OptionGroup var database: DatabaseOption
        @Flag(help: "Stampa in JSON (un array).")
        var json = false

        func run(_ context: CommandContext) async throws {
            let queue = try ServerDatabase.open(path: database.path)
            let rules = try queue.read { try HealthRule.all($0) }
            let ordered = DeviceRole.allCases.compactMap { rules[$0] }
            if json { return try context.printJSON(ordered) }
            for rule in ordered {
                context.print("\(rule.role.italian) (\(rule.role.rawValue)): in servizio \(rule.serviceHours.italian) nei giorni dei suoi servizi; "
                              + "silenzioso dopo \(rule.silentMinutes) min in servizio, dopo \(rule.silentHours) h altrimenti; "
                              + "da controllare se una registrazione attende da più di \(rule.backlogMinutes) min. "
                              + "Cambiate il \(ItalianTime.dateTime(stored: rule.updatedAt)) da \(rule.updatedBy).")
            }
        }
    }

    /// `devices set-thresholds`: changes the rule of one role, in the audit trail.
    struct SetThresholds: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-thresholds",
            abstract: "Cambia le soglie di controllo di un ruolo (resta nel registro di audit).",
            discussion: """
                Esempio: spunta-server devices set-thresholds --db comune.sqlite --role bus --service-hours "07:00-09:00 13:00-16:30" \
                --silent-minutes 30. --service-hours none: il ruolo non ha orario di servizio (vale solo --silent-hours).
                """
        )

        @OptionGroup var database: DatabaseOption
        @Option(valueName: "ruolo", help: "teacher, bus o canteen.")
        var role: DeviceRole
        @Option(name: "service-hours", valueName: "HH:MM-HH:MM …", help: "Fasce orarie di servizio, separate da spazi.")
        var serviceHours: String?
        @Option(name: "silent-minutes", valueName: "minuti", help: "Silenzio ammesso durante il servizio.")
        var silentMinutes: Int?
        @Option(name: "silent-hours", valueName: "ore", help: "Silenzio ammesso fuori servizio.")
        var silentHours: Int?
        @Option(name: "backlog-minutes", valueName: "minuti", help: "Attesa massima di una registrazione sul dispositivo.")
        var backlogMinutes: Int?
        @OptionGroup var actor: ActorOption

        var hours: ServiceHours? { serviceHours.flatMap { ServiceHours($0) } }

        mutating func validate() throws {
            if let serviceHours, ServiceHours(serviceHours) == nil {
                throw ValidationError("--service-hours «\(serviceHours)» non valido: fasce HH:MM-HH:MM separate da spazi, es. \"07:00-09:00 13:00-16:30\", o none.")
            }
        }

        func run(_ context: CommandContext) async throws {
            let queue = try ServerDatabase.open(path: database.path)
            let who = actor.name(context)
            let change = HealthRule.Change(serviceHours: hours, silentMinutes: silentMinutes, silentHours: silentHours, backlogMinutes: backlogMinutes)
            let rule = try queue.write { db in try HealthRule.set(db, role: role, change, actor: who, now: context.now) }
            context.print("Soglie di \(role.italian): in servizio \(rule.serviceHours.italian), silenzioso dopo \(rule.silentMinutes) min in servizio "
                          + "e \(rule.silentHours) h altrimenti, registrazioni in attesa al massimo \(rule.backlogMinutes) min.")
        }
    }
}
