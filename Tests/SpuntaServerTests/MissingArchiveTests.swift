import Foundation
import SpuntaExchange
import SpuntaTestSupport
import Testing

/// A mistyped --db must not become a new, empty archive that the command then answers about ("Periodo sconosciuto",
/// "0 rendiconti") as if the Comune had nothing: it is refused, naming the path, and nothing is created.
@Suite("An archive that is not there")
struct MissingArchiveTests {
    @Test("a --db that names no file is refused, saying so, and no file is created", arguments: [
        ["billing", "run", "--period", "2026-10"],
        ["conflicts"],
        ["list", "beneficiaries"],
        ["meals", "--date", "2026-10-05"],
        ["devices"],
    ])
    func refused(arguments: [String]) throws {
        let folder = try TemporaryFolder("spunta-missing-db")
        let database = folder.path("comnue.sqlite")
        let run = try HintsRunAsPrintedTests.run(arguments + ["--db", database], in: folder.url)
        #expect(run.status == 1, "\(run.error)")
        #expect(run.error.hasPrefix("Errore: L'archivio \(database) non esiste: controllare il percorso indicato con --db"), "\(run.error)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path).isEmpty, "nothing created")
    }

    @Test("import creates the archive where --db says")
    func importCreates() throws {
        let folder = try TemporaryFolder("spunta-missing-db")
        let database = folder.path("comune.sqlite")
        let sample = folder.path("comune.xml")
        try Data(SampleComuneGenerator.sampleFile().utf8).write(to: URL(fileURLWithPath: sample))
        let run = try HintsRunAsPrintedTests.run(["import", "--db", database, sample], in: folder.url)
        #expect(run.status == 0, "\(run.error)")
        #expect(FileManager.default.fileExists(atPath: database))
    }

    @Test("without --db and SPUNTA_DB the message says either gives the archive")
    func missingOption() throws {
        let folder = try TemporaryFolder("spunta-missing-db")
        let run = try HintsRunAsPrintedTests.run(["conflicts"], in: folder.url)
        #expect(run.status == 2)
        #expect(run.error.hasPrefix("Errore: Manca l'opzione obbligatoria --db: indicarla sulla riga di comando, oppure impostare la variabile SPUNTA_DB."),
                "\(run.error)")
    }
}
