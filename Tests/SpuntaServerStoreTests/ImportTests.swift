import Foundation
import Testing
@testable import SpuntaDomain
@testable import SpuntaExchange
@testable import SpuntaServerStore
@testable import SpuntaStore

@Suite("Import of the exchange file")
struct ImportTests {
    static let sampleXML = SampleComuneGenerator.sampleFile()

    /// The 1-based line of the first occurrence of `text` in the sample.
    static func line(of text: String, in xml: String = sampleXML) -> Int {
        guard let range = xml.range(of: text) else { return -1 }
        return xml[..<range.lowerBound].filter { $0 == "\n" }.count + 1
    }

    func importing(_ files: [(String, String)], into dir: TemporaryDirectory, db: String = "db.sqlite") throws -> ImportSummary {
        let paths = try files.map { try dir.write($0.0, $0.1) }
        let queue = try ServerDatabase.open(path: dir.path(db))
        return try MasterDataImporter.run(queue, paths: paths)
    }

    func problems(_ files: [(String, String)], into dir: TemporaryDirectory) throws -> [ImportProblem] {
        do {
            _ = try importing(files, into: dir)
            Issue.record("the import should have been refused")
            return []
        } catch let error as ImportError {
            return error.problems
        }
    }

    @Test("the sample imports, and importing it again changes nothing")
    func importAndReimport() throws {
        let dir = try TemporaryDirectory()
        let first = try importing([("comune.xml", Self.sampleXML)], into: dir)
        let sample = SampleComuneGenerator.generate()
        #expect(first.changed > 1000)
        #expect(first.totals["beneficiaries"] == sample.beneficiaries.count)
        #expect(first.totals["payers"] == sample.payers.count)
        #expect(first.totals["stops"] == sample.routes.reduce(0) { $0 + $1.stops.count })
        #expect(first.created["cards"] == sample.cards.count)
        let second = try importing([("comune.xml", Self.sampleXML)], into: dir)
        #expect(second.changed == 0)
        #expect(second.totals == first.totals)
        let queue = try ServerDatabase.open(path: dir.path("db.sqlite"))
        let loaded = try queue.read { try MasterDataStore.load($0) }
        #expect(loaded.normalized == sample.normalized)
    }

    @Test("an edited file applies exactly its differences")
    func editedFile() throws {
        let dir = try TemporaryDirectory()
        _ = try importing([("comune.xml", Self.sampleXML)], into: dir)
        let sample = SampleComuneGenerator.generate()
        var edited = sample
        edited.beneficiaries[0].givenName = "Nuovo Nome"
        edited.payers.removeLast()
        let removedPayer = sample.payers.last!.id
        // Keep references valid: children of the removed payer are moved to the first payer.
        for i in edited.beneficiaries.indices where edited.beneficiaries[i].payers.contains(where: { $0.payerId == removedPayer }) {
            edited.beneficiaries[i].payers = [.init(payerId: sample.payers[0].id, primary: true)]
        }
        let movedChildren = sample.beneficiaries.filter { $0.payers.contains { $0.payerId == removedPayer } }.count
        edited.sites.append(Site(id: "S99", name: "Plesso nuovo", address: ""))
        let summary = try importing([("comune.xml", ExchangeXMLWriter.write(edited))], into: dir)
        #expect(summary.created["sites"] == 1)
        #expect(summary.removed["payers"] == 1)
        let expectedUpdates = movedChildren + (sample.beneficiaries[0].payers.contains { $0.payerId == removedPayer } ? 0 : 1)
        #expect(summary.updated["beneficiaries"] == expectedUpdates)
        #expect(summary.changed == 2 + expectedUpdates)
        let queue = try ServerDatabase.open(path: dir.path("db.sqlite"))
        #expect(try queue.read { try MasterDataStore.load($0) }.normalized == edited.normalized)
        // The removed payer is kept, marked removed; devices get a tombstone in the change log.
        #expect(try queue.read { try $0.scalar("SELECT deleted FROM payer WHERE id = ?", [removedPayer]) as Int? } == 1)
    }

    /// One bad record at a time: (what to replace, with what, what the message must say).
    static let badRecords: [(String, String, String)] = [
        ("<class id=\"S01-1A\" site=\"S01\"", "<class id=\"S01-1A\" site=\"S77\"", "il plesso S77 non esiste"),
        ("service=\"MENSA-RODARI\" site=\"S01\"", "service=\"MENSA-XX\" site=\"S01\"", "il servizio MENSA-XX non esiste"),
        ("<site id=\"S02\"", "<site id=\"S01\"", "identificativo duplicato"),
        ("birth-date=\"2020-", "birth-date=\"2019-", "non coerente con il codice fiscale"),
        ("outbound-stop=\"L1-", "outbound-stop=\"L2-", "non è sulla linea"),
        ("allergens=\"gluten\"", "allergens=\"glutine;arsenico\"", "allergene «arsenico» sconosciuto"),
        ("start=\"2026-09-14\" end=\"2027-06-09\"", "start=\"2026-09-14\" end=\"2026-02-30\"", "non valida"),
        ("<payer id=\"P0002\"", "<payer id=\"P0002\" colour=\"blue\"", "campo sconosciuto «colour»"),
        ("@posta.example\"", "@posta\"", "e-mail"),
        ("<band up-to=\"3000.00\" price=\"0.00\"/>", "<band up-to=\"3000.00\" price=\"zero\"/>", "importo «zero»"),
    ]

    @Test("a bad record is reported with its file and line, and nothing changes", arguments: 0..<badRecords.count)
    func badRecord(index: Int) throws {
        let (old, new, message) = Self.badRecords[index]
        let dir = try TemporaryDirectory()
        #expect(Self.sampleXML.contains(old), "fixture out of date: \(old)")
        let damaged = Self.sampleXML.replacingOccurrences(of: old, with: new, options: [], range: Self.sampleXML.range(of: old))
        let found = try problems([("comune.xml", damaged)], into: dir)
        #expect(found.contains { $0.message.contains(message) }, "\(found.prefix(3))")
        let line = Self.line(of: new, in: damaged)
        #expect(found.contains { $0.location == SourceLocation(file: dir.path("comune.xml"), line: line) || $0.message.contains(message) })
        #expect(found.allSatisfy { $0.location.file.hasSuffix("comune.xml") })
        let queue = try ServerDatabase.open(path: dir.path("db.sqlite"))
        #expect(try queue.read { try $0.scalar("SELECT COUNT(*) FROM beneficiary") as Int? } == 0)
    }

    @Test("a card given to two children is refused on the second line")
    func cardGivenTwice() throws {
        let dir = try TemporaryDirectory()
        let sample = SampleComuneGenerator.generate()
        var twice = sample
        twice.cards.append(Card(id: sample.cards[0].id, beneficiaryId: sample.beneficiaries[5].id, issuedOn: sample.cards[0].issuedOn, revokedOn: nil))
        let xml = ExchangeXMLWriter.write(twice)
        let found = try problems([("comune.xml", xml)], into: dir)
        #expect(found.contains { $0.message.contains("già assegnata al fruitore") })
    }

    @Test("a failure late in the file changes nothing of what came before")
    func atomicity() throws {
        let dir = try TemporaryDirectory()
        _ = try importing([("comune.xml", Self.sampleXML)], into: dir)
        var edited = SampleComuneGenerator.generate()
        edited.sites[0].name = "Nome cambiato"
        edited.payers[0].surname = "Cambiato"
        edited.cards[edited.cards.count - 1].beneficiaryId = "B9999"
        let found = try problems([("comune.xml", ExchangeXMLWriter.write(edited))], into: dir)
        #expect(found.count == 1)
        #expect(found[0].message.contains("il fruitore B9999 non esiste"))
        let queue = try ServerDatabase.open(path: dir.path("db.sqlite"))
        #expect(try queue.read { try MasterDataStore.load($0) }.normalized == SampleComuneGenerator.generate().normalized)
    }

    @Test("broken files are clear errors, never crashes", arguments: [
        ("", "vuoto"),
        ("   \n  ", "vuoto"),
        ("PK\u{03}\u{04}\u{00}\u{00}binary", "binario"),
        ("nome;cognome\nMario;Rossi\n", "non è un documento XML"),
        ("<spunta-exchange version=\"1\">\n  <sites>\n    <site id=\"S01\" name=\"A\"/>\n", "troncato"),
        ("<spunta-exchange version=\"1\"><sites></payers></spunta-exchange>", "XML non valido"),
        ("<spunta-exchange version=\"2\"></spunta-exchange>", "versione del tracciato"),
        ("<comune></comune>", "elemento radice"),
        ("<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaa\">]><spunta-exchange version=\"1\">&a;</spunta-exchange>", "entità"),
    ])
    func brokenFiles(content: String, message: String) throws {
        let dir = try TemporaryDirectory()
        let found = try problems([("comune.xml", content)], into: dir)
        #expect(found.count >= 1)
        #expect(found.contains { $0.message.contains(message) }, "\(found)")
    }

    @Test("every truncation of the file is refused with a reason", arguments: [0.1, 0.33, 0.5, 0.77, 0.999])
    func truncated(fraction: Double) throws {
        let dir = try TemporaryDirectory()
        let bytes = Array(Self.sampleXML.utf8)
        let cut = String(decoding: bytes.prefix(Int(Double(bytes.count) * fraction)), as: UTF8.self)
        let found = try problems([("comune.xml", cut)], into: dir)
        #expect(!found.isEmpty)
    }

    @Test("CSV files from a spreadsheet update their kind only")
    func csv() throws {
        let dir = try TemporaryDirectory()
        _ = try importing([("comune.xml", Self.sampleXML)], into: dir)
        let sample = SampleComuneGenerator.generate()
        var rows = ["id;name;allergens;notes"]
        for diet in sample.diets {
            rows.append("\(diet.id);\"\(diet.name)\";\(diet.allergens.map(\.rawValue).joined(separator: ","));\(diet.notes)")
        }
        rows[1] = rows[1].replacingOccurrences(of: "Celiachia", with: "Celiachia (aggiornata)")
        let summary = try importing([("diets.csv", "\u{FEFF}" + rows.joined(separator: "\r\n") + "\r\n")], into: dir)
        #expect(summary.changed == 1)
        #expect(summary.updated["diets"] == 1)
        #expect(summary.totals["beneficiaries"] == sample.beneficiaries.count)
    }

    @Test("a CSV with a bad line names the line")
    func csvBadLine() throws {
        let dir = try TemporaryDirectory()
        _ = try importing([("comune.xml", Self.sampleXML)], into: dir)
        let csv = "id;site;year;name\nS01-1A;S01;2026-27;1A\nS01-1B;S01;2026-27\n"
        let found = try problems([("classes.csv", csv)], into: dir)
        #expect(found.contains { $0.location.line == 3 && $0.message.contains("colonne") })
    }

    @Test("a stop on no route is refused with its line")
    func stopOnNoRoute() throws {
        let dir = try TemporaryDirectory()
        _ = try importing([("comune.xml", Self.sampleXML)], into: dir)
        var lines = ["route;id;name;outbound;return"]
        for route in SampleComuneGenerator.generate().routes {
            for stop in route.stops {
                lines.append("\(route.id);\(stop.id);\(stop.name);\(stop.outboundTime);\(stop.returnTime)")
            }
        }
        lines.append("L9;L9-01;Fermata fantasma;07:00;17:00")
        let found = try problems([("stops.csv", lines.joined(separator: "\n"))], into: dir)
        #expect(found.contains { $0.location.line == lines.count && $0.message.contains("la linea L9 non esiste") })
    }

    @Test("removing a class that children still attend is an error of the file that removes it")
    func removedReference() throws {
        let dir = try TemporaryDirectory()
        _ = try importing([("comune.xml", Self.sampleXML)], into: dir)
        let csv = "id;site;year;name\nS01-1A;S01;2026-27;1A\n"
        let found = try problems([("classes.csv", csv)], into: dir)
        #expect(found.contains { $0.location.file.hasSuffix("classes.csv") && $0.message.contains("ancora usato") })
    }
}

@Suite("The documented example")
struct ExchangeExampleTests {
    @Test("protocol/exchange-example.xml imports with no problem and means what its comments say")
    func example() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("protocol/exchange-example.xml")
        let dir = try TemporaryDirectory()
        let queue = try ServerDatabase.open(path: dir.path("db.sqlite"))
        let summary = try MasterDataImporter.run(queue, paths: [url.path])
        #expect(summary.totals["beneficiaries"] == 3)
        #expect(summary.totals["stops"] == 3)
        let data = try queue.read { try MasterDataStore.load($0) }
        #expect(data.payers.first?.mobile == "+393994190634")
        #expect(data.services.first { $0.id == "MENSA-RODARI" }?.weekdays == [1, 2, 3, 4, 5])
        #expect(data.payers.first?.phone == "+390423456789")
        let closures = data.schoolYears.first?.closures ?? []
        #expect(closures.count == 4)
        #expect(closures.filter(\.isComuneWide).count == 2)
        #expect(closures.last?.serviceIds == ["TRASPORTO"] && closures.last?.siteIds == ["S01"])
        // Every field added since the first version of the format, as the comments say.
        let samuele = try #require(data.beneficiaries.first { $0.id == "B0032" })
        #expect(samuele.grade == 2 && samuele.classFrom == LocalDate(year: 2026, month: 11, day: 16) && samuele.classTo == nil)
        #expect(samuele.payers == [.init(payerId: "P0002", primary: true, share: 70), .init(payerId: "P0003", primary: false, share: 30)])
        let nuts = try #require(data.diets.first { $0.id == "D-FRUTTA" })
        #expect(nuts.category == .medical && nuts.severeAllergy && nuts.emergencyPlan.hasPrefix("Rischio anafilassi"))
        #expect(data.diets.first { $0.id == "D-CEL" }?.category == .medical)
        let school = try #require(data.routes.first?.schools.first)
        #expect(school == RouteSchool(siteId: "S01", stopId: "L1-03", arrival: LocalTime(hour: 7, minute: 55)!,
                                      returnTime: LocalTime(hour: 16, minute: 20)!, shortReturn: LocalTime(hour: 12, minute: 30)!,
                                      shortDays: [3]))
        #expect(data.enrollments.first { $0.id == "E00003" }?.schoolId == "S01")
        let canteen = try #require(data.services.first { $0.id == "MENSA-RODARI" })
        #expect(canteen.options.map(\.id) == ["5-giorni", "3-giorni"] && canteen.options.last?.weekdays == [1, 3, 5])
        #expect(data.services.first { $0.id == "NIDO" }?.options.map(\.id) == ["tempo-pieno", "part-time"])
        let full = try #require(data.tariffs.first { $0.id == "T-NIDO" })
        #expect(full.optionId == "tempo-pieno" && full.dailyPrice == nil && full.illnessDays == 10 && full.illnessReductionPercent == 50
            && full.closureReductionPercent == 100)
        #expect(data.tariffs.first { $0.id == "T-NIDO-PT" }?.dailyPrice == Money(cents: 350))
        #expect(data.enrollments.first { $0.id == "E00002" }?.optionId == "3-giorni")
        let leone = try #require(data.enrollments.first { $0.id == "E00004" })
        #expect(leone.optionId == "tempo-pieno" && leone.optionChanges == [.init(from: LocalDate(year: 2027, month: 1, day: 11)!, optionId: "part-time")])
        // Imported again, and written out and imported again: nothing changes.
        #expect(try MasterDataImporter.run(queue, paths: [url.path]).changed == 0)
        let written = try dir.write("scritto.xml", ExchangeXMLWriter.write(data))
        #expect(try MasterDataImporter.run(queue, paths: [written]).changed == 0)
        #expect(try queue.read { try MasterDataStore.load($0) } == data)
    }
}
