import Foundation
import SpuntaCLI
import SpuntaServerStore

/// `spunta-server import`: loads the tracciato XML and CSV files into the server database, all or nothing.
struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Importa le anagrafiche del Comune (tracciato XML e file CSV): tutto o niente.",
        discussion: """
            Ogni tipo di dato presente nei file ne è l'elenco completo: i record assenti vengono rimossi.
            Un campo facoltativo assente dal file (colonna o attributo mancante) mantiene il valore in archivio;
            una cella presente ma vuota lo cancella.
            Esempio: spunta-server import --db comune.sqlite samples/comune-demo.xml
            Formato dei file: protocol/exchange.md
            """
    )

    @OptionGroup var database: NewDatabaseOption
    @Argument(valueName: "file", help: "File da importare (.xml, oppure .csv con il nome del tipo: payers.csv…).")
    var files: [String]
    @Flag(name: "dry-run", help: "Controlla e mostra le differenze senza salvare nulla.")
    var dryRun = false
    @Flag(help: "Stampa il riepilogo in JSON.")
    var json = false
    @OptionGroup var actor: ActorOption

    func run(_ context: CommandContext) async throws {
        // A dry run works on a copy in memory: it creates no database file and leaves an existing one as it is.
        let queue = dryRun ? try ServerDatabase.openInMemoryCopy(path: database.path) : try ServerDatabase.open(path: database.path)
        let summary = try MasterDataImporter.run(queue, paths: files, actor: actor.name(context), dryRun: dryRun, now: context.now)
        if json {
            try context.printJSON(summary)
        } else {
            context.print(summary.italian)
        }
    }
}
