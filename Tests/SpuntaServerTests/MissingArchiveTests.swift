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

    @Test("the Comune's XML given as --db is named as such in Italian, with the import that makes the archive on its own line")
    func xmlGivenAsArchive() throws {
        let folder = try TemporaryFolder("spunta-missing-db")
        let sample = folder.path("comune.xml")
        try Data(SampleComuneGenerator.sampleFile().utf8).write(to: URL(fileURLWithPath: sample))
        let run = try HintsRunAsPrintedTests.run(["list", "beneficiaries", "--db", sample], in: folder.url)
        #expect(run.status == 1, "\(run.error)")
        #expect(run.error.hasPrefix("Errore: Il file \(sample) non è un archivio di Spunta (forse il file XML da importare?)"), "\(run.error)")
        #expect(!run.error.contains("not a database"), "\(run.error)")
        let lines = run.error.split(separator: "\n").map(String.init)
        #expect(lines.last == "  spunta-server import --db \(folder.path("comune.sqlite")) \(sample)", "\(run.error)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path) == ["comune.xml"], "nothing created beside it")
    }

    @Test("a folder given as --db is named as a folder, with the archives it holds")
    func folderGivenAsArchive() throws {
        let folder = try TemporaryFolder("spunta-missing-db")
        try Data().write(to: URL(fileURLWithPath: folder.path("comune.sqlite")))
        let run = try HintsRunAsPrintedTests.run(["conflicts", "--db", folder.url.path], in: folder.url)
        #expect(run.status == 1, "\(run.error)")
        #expect(run.error == "Errore: \(folder.url.path) è una cartella, non un archivio: con --db va indicato il file .sqlite dell'archivio "
                + "del server (la cartella contiene comune.sqlite).\n", "\(run.error)")
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
