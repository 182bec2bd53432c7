import Foundation
import SpuntaBilling
import SpuntaCLI
import SpuntaDelivery
import SpuntaDomain
import SpuntaServerStore
import SpuntaSync

extension Outbox {
    struct ListMessages: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Elenca i messaggi.")
        @OptionGroup var database: DatabaseOption
        @Option(valueName: "stato", help: "pending, sent, failed, uncertain, dropped (solleciti di avvisi pagati nel frattempo).")
        var status: String?
        @Flag(help: "Stampa in JSON (un array).")
        var json = false

        func run(_ context: CommandContext) async throws {
            let queue = try ServerDatabase.open(path: database.path)
            let list = try queue.read { try MessageSender.list($0, status: status) }
            if json { return try context.printJSON(list) }
            for m in list {
                let sent = m.sentAt.map { ", inviato il \(ItalianTime.dateTime(stored: $0))" } ?? ""
                context.print("#\(m.id) \(ItalianTime.dateTime(stored: m.createdAt)) \(Self.italian(status: m.status))\(sent) — "
                              + "\(Self.italian(kind: m.kind)) per \(MessageQueue.Channel(rawValue: m.channel)?.italian ?? m.channel) a \(m.recipient): \(m.subject)"
                              + (m.lastError.map { " — \($0)" } ?? ""))
            }
            context.print(Counted.italian(list.count, "messaggio", "messaggi") + ".")
        }

        static func italian(status: String) -> String {
            switch status {
            case "pending": return "in coda"
            case "sending": return "in invio"
            case "sent": return "inviato"
            case "failed": return "fallito"
            case "uncertain": return "esito incerto"
            case "dropped": return "non inviato: avviso già pagato"
            default: return status
            }
        }

        static func italian(kind: String) -> String {
            switch kind {
            case "reminder": return "sollecito"
            case "low_balance": return "credito basso"
            case "deficit_reminder": return "credito prepagato esaurito"
            case "deficit_notice": return "avviso pagoPA per credito negativo"
            default:
                if kind.hasPrefix("caterer_"), let count = CatererCounts.Kind(rawValue: String(kind.dropFirst("caterer_".count))) {
                    return "alla ristorazione (\(count.italian))"
                }
                if kind.hasPrefix("office_alert_"), let alert = OfficeAlerts.Kind(rawValue: String(kind.dropFirst("office_alert_".count))) {
                    return "avviso all'ufficio (\(alert.italian))"
                }
                return kind
            }
        }
    }
}
