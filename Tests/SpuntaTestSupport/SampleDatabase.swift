import Foundation
import SpuntaExchange
import SpuntaServerStore
import SpuntaStore
import Synchronization

/// Server databases with a Comune imported, made once per test process and copied for each test: importing the
/// sample Comune takes a while, copying it does not. The templates are removed when the process exits.
public enum SampleDatabase {
    /// Template paths by name, made on first use.
    private static let templates = Mutex<[String: String]>([:])

    /// A server database holding the sample Comune (Comune di Valmarina), to be copied (`copy(to:)`), never written.
    public static func sample() throws -> String {
        try template(named: "sample") { SampleComuneGenerator.sampleFile() }
    }

    /// A server database holding the Comune of the exchange file `file` makes, imported once under `name`.
    public static func template(named name: String, _ file: () -> String) throws -> String {
        try templates.withLock { templates in
            if let template = templates[name] { return template }
            let dir = FileManager.default.temporaryDirectory
                .appendingPathComponent("spunta-template-\(name)-\(ProcessInfo.processInfo.processIdentifier)")
            try? FileManager.default.removeItem(at: dir)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            ProcessFolders.removeAtExit(dir)
            let xml = dir.appendingPathComponent("comune.xml")
            try Data(file().utf8).write(to: xml)
            let path = dir.appendingPathComponent("template.sqlite").path
            _ = try MasterDataImporter.run(try ServerDatabase.open(path: path), paths: [xml.path])
            templates[name] = path
            return path
        }
    }

    /// Copies the sample Comune's database to `path`.
    public static func copySample(to path: String) throws {
        try Database(path: try sample()).backup(to: path)
    }
}
