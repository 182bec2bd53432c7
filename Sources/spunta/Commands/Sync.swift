import Foundation
import SpuntaCLI
import SpuntaClient
import SpuntaDomain
import SpuntaProtocol
import SpuntaStore

struct Sync: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Invia le registrazioni al server e riceve le novità.",
        discussion: "Con --watch resta attivo: invia appena si registra qualcosa e riceve subito le novità; senza rete riprova da solo."
    )

    @OptionGroup var home: HomeOption
    @Flag(help: "Resta attivo e sincronizza di continuo.")
    var watch = false
    @Flag(help: "Stampa in JSON (un oggetto per sincronizzazione).")
    var json = false

    func run(_ context: CommandContext) async throws {
        let deviceHome = home.home(context)
        let queue = try deviceHome.openExisting()
        _ = try queue.read { try EnrolledDevice.require($0) }
        if !watch {
            let report = try SyncEngine(queue: queue).sync()
            if json { try context.printJSON(report) } else { print(report, context) }
            return
        }
        let watcher = SyncWatcher(home: deviceHome) { event in
            switch event {
            case .synced(let report):
                if json { try? context.printJSON(report) } else { print(report, context) }
            case .failed(let error, let delay):
                context.printError(delay > 0 ? "\(error.userMessage) Nuovo tentativo tra \(Int(delay.rounded())) s." : error.userMessage)
            }
        }
        try await runBlocking { try watcher.run() }
    }

    /// The report wrapped between words, like every screen of the handheld: at the terminal's width, at 40 columns
    /// in a pipe or a log.
    func print(_ report: SyncEngine.Report, _ context: CommandContext) {
        let out = context.standardOutput
        context.printWrapped(report.italian, width: out.isTerminal ? context.terminalWidth : CommandContext.handheldWidth)
        for rejection in report.rejected {
            context.printError("Rifiutata dal server: \(rejection.message)")
        }
    }
}

/// Runs blocking work on its own thread, so the program's cooperative threads stay free.
func runBlocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}
