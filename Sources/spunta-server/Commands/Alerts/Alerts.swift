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

    static func print(_ alert: OfficeAlerts.Alert, _ context: CommandContext) {
        let cleared = alert.clearedAt.map { " (rientrato il \(ItalianTime.dateTime(stored: $0)))" } ?? ""
        let messages: HintedText = alert.awaitingRecipient
            ? "non inviato: nessun destinatario (\(addRecipient))"
            : "\(alert.messages == 0 ? "nessun messaggio" : Counted.italian(alert.messages, "messaggio", "messaggi") + " in coda")"
        context.print(hinted: "#\(alert.id) \(ItalianTime.dateTime(stored: alert.raisedAt)) \(headline(alert))\(cleared) — \(messages)")
        context.print("    \(alert.body.replacingOccurrences(of: "\n", with: "\n    "))")
    }
}

extension Alerts {
    /// "bambino rimasto a bordo: URGENTE: Rossi Mario …"; a title that already starts with its kind ("Orologio
    /// sbagliato: Mensa Rodari 1 (-1 h)") is said once.
    /// The command that adds who receives the alerts.
    static let addRecipient = AlertRecipients.addCommand

    static func headline(_ alert: OfficeAlerts.Alert) -> String {
        alert.titleSaysKind ? alert.title : "\(alert.kindItalian): \(alert.title)"
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

    var channel: MessageQueue.Channel { email != nil ? .email : .sms }
    var address: String { email ?? sms ?? "" }
}
