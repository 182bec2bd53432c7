import Foundation
import SpuntaCLI
import SpuntaClient
import SpuntaDomain
import SpuntaProtocol

/// `spunta recent`: the device's last registrations, numbered for `spunta void N`.
struct Recent: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Le ultime registrazioni del dispositivo, numerate (1 = la più recente) per spunta void N.",
        discussion: "Orari di Roma. «annullata»: già annullata; «rifiutata»: il server non l'ha accettata."
    )

    @OptionGroup var home: HomeOption
    @Option(valueName: "quante", help: "Quante mostrarne.")
    var limit = 10
    @Flag(help: "Stampa in JSON.")
    var json = false

    mutating func validate() throws {
        guard (1...100).contains(limit) else { throw ValidationError("--limit \(limit) non valido: da 1 a 100.") }
    }

    func run(_ context: CommandContext) async throws {
        let queue = try home.home(context).openExisting()
        _ = try queue.read { try EnrolledDevice.require($0) }
        let now = context.deviceClock()
        let entries = try queue.write { db in try RecentOps.list(db, limit: limit, now: now) }
        if json { return try context.printJSON(entries) }
        guard !entries.isEmpty else {
            context.print("Nessuna registrazione su questo dispositivo.")
            return
        }
        let today = BusinessCalendar.date(of: now)
        for e in entries {
            let who = [e.name, e.className.map { "(\($0))" }].compactMap { $0 }.joined(separator: " ")
            var text = "\(e.time) \(e.what)\(who.isEmpty ? "" : " " + who)"
            if e.date != today { text += ", del \(e.date.italian)" }
            if e.voided { text += " — annullata" }
            if e.rejected { text += " — rifiutata" }
            for line in TextWidth.wrap(text, width: CommandContext.handheldWidth, lead: TextWidth.pad("\(e.number)", to: 3), indent: 3) { context.print(line) }
        }
    }
}
