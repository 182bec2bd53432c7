import Foundation
import SpuntaCLI
import SpuntaClient
import SpuntaDomain
import SpuntaProtocol

/// `spunta roll-call`: the register of a class.
struct RollCallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roll-call",
        abstract: "Appello della classe: interattivo, oppure in un colpo solo con --absent.",
        discussion: """
            Interattivo (terminale): frecce per muoversi, p presente, a assente, e entrata posticipata, u uscita \
            anticipata, g giustifica le assenze passate, t tutti gli altri presenti, q fine.
            Per script: spunta roll-call --class S01-1A --absent B0002,B0007 --late B0011 --early-exit B0020@11:30 \
            (tutti gli altri presenti). Elenco senza segnare nulla: --list.
            """
    )

    @OptionGroup var home: HomeOption
    @OptionGroup var day: DateOption
    @Option(name: "class", valueName: "classe", help: "La classe.")
    var classID: String
    @Option(valueName: "id,id", help: "Assenti.")
    var absent: String?
    @Option(valueName: "id[@HH:MM],…", help: "Entrate posticipate.")
    var late: String?
    @Option(name: "early-exit", valueName: "id[@HH:MM],…", help: "Uscite anticipate.")
    var earlyExit: String?
    @Option(valueName: "id:AAAA-MM-GG", help: "Giustifica l'assenza di un giorno passato (con --reason).")
    var justify: String?
    @Option(valueName: "motivo", help: "Motivo della giustificazione.")
    var reason: String?
    @Flag(help: "Mostra il registro senza segnare nulla.")
    var list = false
    @Flag(help: "Stampa in JSON.")
    var json = false

    static func ids(_ text: String?) -> [String] {
        (text ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    static func timed(_ text: String?) throws -> [String: LocalTime?] {
        var result: [String: LocalTime?] = [:]
        for item in ids(text) {
            let parts = item.split(separator: "@", maxSplits: 1).map(String.init)
            if parts.count == 2 {
                guard let time = LocalTime(parts[1]) else { throw ValidationError("orario «\(parts[1])» non valido in «\(item)»: HH:MM.") }
                result[parts[0]] = time
            } else {
                result[parts[0]] = .some(nil)
            }
        }
        return result
    }

    mutating func validate() throws {
        _ = try Self.timed(late)
        _ = try Self.timed(earlyExit)
        if justify != nil && (reason ?? "").isEmpty { throw ValidationError("--justify richiede --reason.") }
        if let justify {
            let parts = justify.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, LocalDate(parts[1]) != nil else { throw ValidationError("--justify: usare ID:AAAA-MM-GG.") }
        }
    }

    func run(_ context: CommandContext) async throws {
        let (queue, device) = try home.open(context)
        let rollCall = try RollCall(queue: queue, device: device, classID: classID, date: day.day)
        // An unknown child must stop the command before the justification is recorded.
        try rollCall.requireChildren(Self.ids(absent) + Array(try Self.timed(late).keys) + Array(try Self.timed(earlyExit).keys))
        if let justify, let reason {
            let parts = justify.split(separator: ":", maxSplits: 1).map(String.init)
            if let date = LocalDate(parts[1]) {
                try rollCall.justify(parts[0], absence: date, reason: reason)
                context.print("Assenza del \(date.italian) giustificata.")
            }
            if absent == nil && late == nil && earlyExit == nil { return }
        }
        let scripted = absent != nil || late != nil || earlyExit != nil
        if scripted {
            let ops = try rollCall.markAll(absent: Self.ids(absent), late: try Self.timed(late), earlyExit: try Self.timed(earlyExit))
            if !json { context.print("Appello salvato: \(ops.count) bambini segnati.") }
        }
        if scripted || list || !context.standardInput.isTerminal || !context.standardOutput.isTerminal {
            let entries = try rollCall.entries()
            if json { return try context.printJSON(entries) }
            if let closure = try rollCall.closure() { context.print("Attenzione: oggi \(closure).") }
            for e in entries {
                let mark = e.status.map { $0.italian + (e.time.map { " \($0)" } ?? "") } ?? "da segnare"
                let extra = e.unjustified.isEmpty ? "" : " (da giustificare: \(e.unjustified.map(\.italian).joined(separator: ", ")))"
                context.print(TextWidth.truncate("\(e.beneficiaryId) \(e.name)", to: 24) + "  " + mark + extra)
            }
            return
        }
        let size = Terminal.size() ?? (columns: 40, rows: 24)
        try await runBlocking {
            try RollCallScreen(rollCall: rollCall, output: context.standardOutput, input: context.standardInput,
                               width: min(size.columns, 40), height: size.rows, terminalSize: { Terminal.size() }).run()
        }
    }
}
