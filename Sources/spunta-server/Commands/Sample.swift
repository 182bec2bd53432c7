import Foundation
import SpuntaCLI
import SpuntaExchange
import SpuntaStore

/// `spunta-server sample`: writes the fictional sample Comune (deterministic).
struct Sample: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Genera il Comune di esempio (Comune di Valmarina, 2026/27) come tracciato XML.",
        discussion: "Lo stesso seme dà sempre lo stesso file. Il file samples/comune-demo.xml è fatto così."
    )

    @Option(valueName: "file", help: "Dove scrivere il tracciato; «-» per lo standard output.")
    var output = "-"
    @Option(valueName: "numero", help: "Seme del generatore.")
    var seed = Int(SampleComuneGenerator.Options().seed)
    @Option(name: "extra-sites", valueName: "numero", help: "Scuole primarie in più, per provare Comuni grandi.")
    var extraSites = 0

    mutating func validate() throws {
        guard seed >= 0 else { throw ValidationError("--seed deve essere un numero non negativo.") }
        guard (0...5_000).contains(extraSites) else { throw ValidationError("--extra-sites va da 0 a 5000.") }
    }

    func run(_ context: CommandContext) async throws {
        var options = SampleComuneGenerator.Options()
        options.seed = UInt64(seed)
        options.additionalPrimarySites = extraSites
        let text = SampleComuneGenerator.sampleFile(options: options)
        if output == "-" {
            context.standardOutput.writeDocument(text)
        } else {
            // Fictional, but shaped like the real registry (names, codici fiscali): kept private like the real ones.
            try PrivateFile.write(Data(text.utf8), to: output)
            context.printError("Scritto \(output).")
        }
    }
}
