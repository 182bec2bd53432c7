import Foundation
import SpuntaCLI
import SpuntaDemo

/// `spunta-server demo`: the whole story on the sample Comune.
struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Una giornata di scuola completa sul Comune di esempio, con server e dispositivi veri.",
        discussion: "Crea una cartella di lavoro temporanea (o --workspace), avvia il server, registra i dispositivi, simula la giornata offline, sincronizza e fattura."
    )

    @Option(valueName: "cartella", help: "Dove lavorare (deve essere nuova o vuota); predefinita una cartella temporanea.")
    var workspace: String?

    func run(_ context: CommandContext) async throws {
        let url: URL
        if let workspace {
            url = URL(fileURLWithPath: workspace)
            let contents = (try? FileManager.default.contentsOfDirectory(atPath: workspace)) ?? []
            if !contents.isEmpty { throw DemoError.workspaceExists(workspace) }
        } else {
            url = FileManager.default.temporaryDirectory.appendingPathComponent("spunta-demo-\(UUID().uuidString.prefix(8).lowercased())")
        }
        let demo = SchoolDayDemo(runner: .besideThisProgram(), workspace: url) { line in context.print(line) }
        // The demo waits on child processes: a thread of its own, not the cooperative pool.
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            Thread { continuation.resume(with: Result { try demo.run() }) }.start()
        }
    }
}
