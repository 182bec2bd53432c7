import Foundation
import SpuntaBilling
import SpuntaCLI
import SpuntaDelivery
import SpuntaDomain
import SpuntaServerStore
import SpuntaSync

extension Outbox {
    struct Send: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Invia i messaggi in coda con i comandi configurati; riprova quelli falliti più tardi.",
            discussion: "Esempio: spunta-server outbox send --db comune.sqlite --sendmail \"/usr/sbin/sendmail -t\" --sms-url http://gateway.local/sms"
        )
        @OptionGroup var database: DatabaseOption
        @Option(valueName: "comando", help: "Comando compatibile sendmail: riceve il messaggio sullo standard input.")
        var sendmail: String?
        @Option(name: "sms-command", valueName: "comando", help: "Comando per gli SMS: testo sullo standard input, numero in SPUNTA_TO.")
        var smsCommand: String?
        @Option(name: "sms-url", valueName: "URL", help: "Servizio HTTP per gli SMS: POST {\"to\",\"text\"}.")
        var smsURL: String?
        @Option(valueName: "indirizzo", help: "Mittente delle e-mail.")
        var from = "ufficio.scuola@comune.example"
        @Option(valueName: "secondi", help: "Un comando ancora in corso dopo tanti secondi viene fermato (messaggio dall'esito incerto).")
        var timeout = 60
        @Flag(help: "Stampa in JSON.")
        var json = false

        func run(_ context: CommandContext) async throws {
            guard timeout > 0 else { throw ValidationError("--timeout «\(timeout)» non valido: un numero di secondi maggiore di zero.") }
            var configuration = MessageSender.Configuration()
            configuration.commandTimeout = TimeInterval(timeout)
            configuration.emailCommand = sendmail
            configuration.smsCommand = smsCommand
            configuration.smsURL = smsURL
            configuration.sender = from
            let report = try MessageSender(queue: try ServerDatabase.open(path: database.path), configuration: configuration,
                                          withdrawals: [Reminders.withdrawWhenPaid, DeficitChase.withdrawWhenCovered])
                .send(now: context.clock)
            if json { try context.printJSON(report) } else {
                context.print(report.italian)
                for note in report.notes { context.print("  \(note)") }
                for error in report.errors { context.printError(error) }
            }
            // Cron and the person at the terminal must see it: a minute in which nothing could be sent is not a quiet one.
            if report.undelivered > 0 {
                if !json {
                    let count = report.undelivered
                    context.printError((count == 1 ? "1 messaggio non consegnato" : "\(count) messaggi non consegnati")
                                       + " in questo invio: i motivi sono qui sopra.")
                }
                throw ExitCode.failure
            }
        }
    }
}
