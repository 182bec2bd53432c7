import Foundation
import SpuntaCLI
import SpuntaDomain
import SpuntaServerStore
import SpuntaSync

/// `spunta-server alerts …`: the office alerts — what was raised, the check for cron, recipients, settings.
struct Alerts: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Avvisi all'ufficio: bambino rimasto a bordo, dispositivo silenzioso, orologio sbagliato, conflitti in attesa.",
        discussion: """
            spunta-server serve controlla ogni minuto; alerts check fa lo stesso controllo una volta (per cron, o con \
            serve --alert-interval 0). Ogni evento dà un solo avviso, messo in coda a ogni destinatario (alerts \
            add-recipient); lo consegna outbox send.
            """,
        subcommands: [ListAlerts.self, Check.self, Recipients.self, AddRecipient.self, RemoveRecipient.self, Settings.self],
        defaultSubcommand: ListAlerts.self
    )

    struct ListAlerts: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Elenca gli avvisi dati, i più recenti per primi.")
        @OptionGroup var database: DatabaseOption
        @Option(valueName: "ore", help: "Solo quelli delle ultime tante ore.")
        var hours: Int?
        @Flag(help: "Stampa in JSON (un array).")
        var json = false

        mutating func validate() throws {
            if let hours, hours <= 0 { throw ValidationError("--hours «\(hours)» non valido: un numero di ore maggiore di zero.") }
        }

        func run(_ context: CommandContext) async throws {
            let queue = try ServerDatabase.open(path: database.path)
            let since = hours.map { context.now.addingTimeInterval(-Double($0) * 3_600) }
            let alerts = try queue.read { try OfficeAlerts.list($0, since: since) }
            if json { return try context.printJSON(alerts) }
            for alert in alerts { Alerts.print(alert, context) }
            context.print(alerts.isEmpty ? "Nessun avviso." : "\(alerts.count) avvisi.")
        }
    }

    static func print(_ alert: OfficeAlerts.Alert, _ context: CommandContext) {
        let cleared = alert.clearedAt.map { " (rientrato il \(ItalianTime.dateTime(stored: $0)))" } ?? ""
        let messages = alert.messages == 0 ? "nessun messaggio" : Counted.italian(alert.messages, "messaggio", "messaggi") + " in coda"
        context.print("#\(alert.id) \(ItalianTime.dateTime(stored: alert.raisedAt)) \(alert.kindItalian): \(alert.title)\(cleared) — \(messages)")
        context.print("    \(alert.body.replacingOccurrences(of: "\n", with: "\n    "))")
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Controlla ora e mette in coda gli avvisi nuovi (per cron: ogni minuto).",
            discussion: "Esempio in /etc/cron.d/spunta: * * * * *  spunta  /usr/local/bin/spunta-server alerts check --db /var/lib/spunta/comune.sqlite --quiet"
        )
        @OptionGroup var database: DatabaseOption
        @Flag(help: "Non stampa nulla se non ci sono avvisi nuovi.")
        var quiet = false
        @Flag(help: "Stampa in JSON (un array degli avvisi nuovi).")
        var json = false

        func run(_ context: CommandContext) async throws {
            let queue = try ServerDatabase.open(path: database.path)
            let (raised, recipients) = try queue.write { db in
                (try OfficeAlerts.check(db, now: context.now), try AlertRecipients.all(db).count)
            }
            if json { return try context.printJSON(raised) }
            for alert in raised { Alerts.print(alert, context) }
            if !raised.isEmpty, recipients == 0 {
                context.printError("Nessun destinatario degli avvisi: aggiungerne con spunta-server alerts add-recipient.")
            }
            if !quiet || !raised.isEmpty { context.print(raised.isEmpty ? "Nessun avviso nuovo." : "\(raised.count) avvisi nuovi.") }
        }
    }

    struct Recipients: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Elenca chi riceve gli avvisi e le impostazioni.")
        @OptionGroup var database: DatabaseOption
        @Flag(help: "Stampa in JSON.")
        var json = false

        func run(_ context: CommandContext) async throws {
            let queue = try ServerDatabase.open(path: database.path)
            let (list, hours) = try queue.read { db in (try AlertRecipients.all(db), try MonitoringSettings.conflictAlertHours(db)) }
            if json {
                struct Out: Encodable {
                    let recipients: [AlertRecipients.Recipient]
                    let conflictAlertHours: Int
                    enum CodingKeys: String, CodingKey { case recipients, conflictAlertHours = "conflict_alert_hours" }
                }
                return try context.printJSON(Out(recipients: list, conflictAlertHours: hours))
            }
            for r in list {
                context.print("\(r.channel.italian) \(r.address) (aggiunto il \(ItalianTime.dateTime(stored: r.addedAt)) da \(r.addedBy))")
            }
            context.print(list.isEmpty ? "Nessun destinatario: gli avvisi restano solo nell'elenco e sulla pagina /admin." : "\(list.count) destinatari.")
            context.print("Conflitti segnalati dopo \(hours) ore aperti.")
        }
    }

    struct AddRecipient: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add-recipient",
            abstract: "Aggiunge un indirizzo e-mail o un cellulare che riceve gli avvisi (resta nel registro di audit).",
            discussion: "Esempio: spunta-server alerts add-recipient --db comune.sqlite --email ufficio.scuola@comune.example.it"
        )
        @OptionGroup var database: DatabaseOption
        @OptionGroup var recipient: RecipientOption
        @OptionGroup var actor: ActorOption

        func run(_ context: CommandContext) async throws {
            let queue = try ServerDatabase.open(path: database.path)
            let who = actor.name(context)
            let stored = try queue.write { db in
                try AlertRecipients.add(db, channel: recipient.channel, address: recipient.address, actor: who, now: context.now)
            }
            context.print("\(stored) riceverà gli avvisi per \(recipient.channel.italian).")
        }
    }

    struct RemoveRecipient: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove-recipient", abstract: "Toglie un destinatario degli avvisi (resta nel registro di audit)."
        )
        @OptionGroup var database: DatabaseOption
        @OptionGroup var recipient: RecipientOption
        @OptionGroup var actor: ActorOption

        func run(_ context: CommandContext) async throws {
            let queue = try ServerDatabase.open(path: database.path)
            let who = actor.name(context)
            try queue.write { db in
                try AlertRecipients.remove(db, channel: recipient.channel, address: recipient.address, actor: who, now: context.now)
            }
            context.print("\(recipient.address) non riceverà più gli avvisi.")
        }
    }

    struct Settings: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set", abstract: "Cambia dopo quante ore un conflitto aperto è segnalato all'ufficio (resta nel registro di audit)."
        )
        @OptionGroup var database: DatabaseOption
        @Option(name: "conflict-hours", valueName: "ore", help: "Ore dopo cui un conflitto ancora aperto è segnalato.")
        var conflictHours: Int
        @OptionGroup var actor: ActorOption

        func run(_ context: CommandContext) async throws {
            let queue = try ServerDatabase.open(path: database.path)
            let who = actor.name(context)
            try queue.write { db in try MonitoringSettings.setConflictAlertHours(db, conflictHours, actor: who, now: context.now) }
            context.print("I conflitti aperti da più di \(conflictHours) ore saranno segnalati all'ufficio.")
        }
    }
}

/// `--email` or `--sms`: one recipient of the office alerts.
struct RecipientOption: ParsableArguments {
    @Option(valueName: "indirizzo", help: "Indirizzo e-mail.")
    var email: String?
    @Option(valueName: "cellulare", help: "Numero di cellulare per gli SMS.")
    var sms: String?

    mutating func validate() throws {
        guard (email == nil) != (sms == nil) else { throw ValidationError("indicare --email oppure --sms (uno per volta).") }
    }

    var channel: MessageOutbox.Channel { email != nil ? .email : .sms }
    var address: String { email ?? sms ?? "" }
}

/// `spunta-server today`: today's numbers, as the status page shows them.
struct Today: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "I numeri di oggi: pasti serviti per plesso, corse aperte, bambini a bordo.")
    @OptionGroup var database: DatabaseOption
    @Flag(help: "Stampa in JSON.")
    var json = false

    func run(_ context: CommandContext) async throws {
        let queue = try ServerDatabase.open(path: database.path)
        let numbers = try queue.read { try AdminQueries.today($0, now: context.now) }
        if json { return try context.printJSON(numbers) }
        context.print("Oggi, \(LocalDate(numbers.date)?.italian ?? numbers.date): \(numbers.mealsTotal) pasti serviti, "
                      + "\(numbers.ridesOpen) corse aperte, \(numbers.childrenAboard) bambini a bordo.")
        var table = TextTable(columns: [.init("Plesso"), .init("Nome"), .init("Pasti", alignment: .right)])
        for site in numbers.mealsBySite { table.addRow([site.siteId, site.name, String(site.meals)]) }
        context.print(table.render(width: context.terminalWidth))
    }
}
