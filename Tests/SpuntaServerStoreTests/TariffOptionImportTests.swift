import Foundation
import Testing
@testable import SpuntaDomain
@testable import SpuntaExchange
@testable import SpuntaServerStore
@testable import SpuntaStore

/// Tariff options in the exchange file: a service's `<option>` elements, a tariff's option, daily part and
/// reductions, an enrollment's option and its dated changes — imported, kept when left out, refused with the line.
@Suite("Tariff options in the import")
struct TariffOptionImportTests {
    /// The sample Comune with every new field given a value that is not its default.
    static func everyField() -> MasterDataSet {
        var s = ImportKeepsStoredValuesTests.sample
        if let nido = s.tariffs.firstIndex(where: { $0.id == "T-NIDO" }) {
            s.tariffs[nido].illnessDays = 10
            s.tariffs[nido].dailyPrice = Money(cents: 120)
        }
        return s
    }

    static func nursery(_ s: MasterDataSet) -> [Enrollment] {
        s.enrollments.filter { $0.serviceId == "NIDO" }
    }

    @Test("every new field is imported as written, and importing the same file again changes nothing")
    func everyNewField() throws {
        let data = Self.everyField()
        let dir = try TemporaryDirectory()
        let queue = try ServerDatabase.open(path: dir.path("db.sqlite"))
        let path = try dir.write("comune.xml", ExchangeXMLWriter.write(data))
        _ = try MasterDataImporter.run(queue, paths: [path])
        let stored = try queue.read { try MasterDataStore.load($0) }
        #expect(stored.services == data.services.sorted { $0.id < $1.id })
        #expect(stored.tariffs == data.tariffs.sorted { $0.id < $1.id })
        #expect(stored.enrollments == data.enrollments.sorted { $0.id < $1.id })
        // What the sample gives, spelled out: the options of the services, of a tariff, of the enrollments.
        let mensa = try #require(stored.services.first { $0.id == "MENSA" })
        #expect(mensa.options == [Service.Option(id: "5-giorni", name: "5 giorni"), Service.Option(id: "3-giorni", name: "3 giorni", weekdays: [1, 3, 5])])
        let part = try #require(stored.tariffs.first { $0.id == "T-NIDO-PT" })
        #expect(part.optionId == "part-time" && part.dailyPrice == Money(cents: 350) && part.illnessReductionPercent == 30
            && part.closureReductionPercent == 100 && part.illnessDays == 5)
        #expect(stored.tariffs.first { $0.id == "T-NIDO" }?.illnessDays == 10)
        #expect(stored.enrollments.contains { $0.optionChanges == [Enrollment.OptionChange(from: LocalDate("2026-11-16")!, optionId: "part-time")] })
        let log = try ImportKeepsStoredValuesTests.changeLogEntries(queue)
        let again = try MasterDataImporter.run(queue, paths: [path])
        #expect(again.changed == 0)
        #expect(try ImportKeepsStoredValuesTests.changeLogEntries(queue) == log)
    }

    @Test("a file written before options existed imports unchanged and keeps every option stored")
    func olderFileKeepsOptions() throws {
        let (dir, queue) = try ImportKeepsStoredValuesTests.importedSample()
        // The same Comune as a file without any of the new attributes and elements.
        var xml = ExchangeXMLWriter.write(ImportKeepsStoredValuesTests.sample)
        for pattern in [#" options="""#, #" option="[^"]*""#, #" option-changes="[^"]*""#, #" daily-price="[^"]*""#,
                        #" illness-days="[^"]*""#, #" illness-reduction="[^"]*""#, #" closure-reduction="[^"]*""#, #"\s*<option id="[^/]*/>"#] {
            xml = xml.replacingOccurrences(of: pattern, with: "", options: .regularExpression)
        }
        #expect(!xml.contains("option"))
        let before = try queue.read { try MasterDataStore.load($0) }
        let summary = try MasterDataImporter.run(queue, paths: [try dir.write("vecchio.xml", xml)])
        #expect(summary.changed == 0)
        #expect(try queue.read { try MasterDataStore.load($0) } == before)
        #expect(summary.kept["enrollments"]?["option"] == before.enrollments.filter { $0.optionId != nil }.count)
        #expect(summary.kept["enrollments"]?["option-changes"] == 1)
        #expect(summary.kept["services"]?["options"] == 2)
        #expect(summary.kept["tariffs"]?["daily-price"] == 1)
    }

    @Test("enrollments.csv carries option and option-changes; a sheet without those columns keeps them")
    func csvColumns() throws {
        let (dir, queue) = try ImportKeepsStoredValuesTests.importedSample()
        let sample = ImportKeepsStoredValuesTests.sample
        let target = try #require(Self.nursery(sample).first)
        let rows = sample.enrollments.map { e in
            let (option, changes) = e.id == target.id ? ("part-time", "2026-12-01=tempo-pieno;2027-01-11=part-time")
                : (e.optionId ?? "", e.optionChanges.map { "\($0.from)=\($0.optionId)" }.joined(separator: ";"))
            // Several changes hold the list's «;»: the spreadsheet quotes the cell.
            return "\(e.id);\(e.beneficiaryId);\(e.serviceId);\(e.startDate);\(option);\"\(changes)\""
        }
        let withOptions = try dir.write("enrollments.csv", (["id;beneficiary;service;start;option;option-changes"] + rows).joined(separator: "\n") + "\n")
        #expect(try MasterDataImporter.run(queue, paths: [withOptions]).changed == 1)
        let changed = try #require(try queue.read { try MasterDataStore.load($0) }.enrollments.first { $0.id == target.id })
        #expect(changed.optionId == "part-time")
        #expect(changed.optionChanges == [.init(from: LocalDate("2026-12-01")!, optionId: "tempo-pieno"),
                                          .init(from: LocalDate("2027-01-11")!, optionId: "part-time")])
        #expect(changed.option(on: LocalDate("2026-11-30")!) == "part-time")
        #expect(changed.option(on: LocalDate("2026-12-25")!) == "tempo-pieno")
        #expect(changed.option(on: LocalDate("2027-02-01")!) == "part-time")
        let plain = sample.enrollments.map { "\($0.id);\($0.beneficiaryId);\($0.serviceId);\($0.startDate)" }
        let withoutOptions = try dir.write("enrollments-senza.csv", (["id;beneficiary;service;start"] + plain).joined(separator: "\n") + "\n")
        let summary = try MasterDataImporter.run(queue, paths: [withoutOptions])
        #expect(summary.changed == 0)
        #expect(summary.kept["enrollments"]?["option-changes"] == 2)
    }

    /// (what the file gets wrong, the record's marker in the file, the words of the problem).
    static let mistakes: [(String, String, String)] = [
        ("tariff", #"<tariff id="T-NIDO""#, "tariffa T-NIDO: l'opzione «serale» non è un'opzione del servizio NIDO (opzioni: tempo-pieno, part-time)"),
        ("enrollment", "", "l'opzione «sera» non è un'opzione del servizio NIDO (opzioni: tempo-pieno, part-time)"),
        ("change", "", "l'opzione «notte» non è un'opzione del servizio NIDO"),
        ("order", "", "cambi di opzione non in ordine di data: il 16/11/2026 viene dopo il 01/12/2026"),
        ("start", "", "non dopo l'inizio dell'iscrizione ("),
        ("weekday", #"<service id="MENSA""#, "servizio MENSA: l'opzione «3-giorni» indica i giorni 6, in cui il servizio non è erogato"),
        ("canteen", "", "l'opzione «3-giorni» non è un'opzione del servizio MENSA-RODARI (il servizio non ha opzioni)"),
    ]

    /// The sample with `mistake` made; the enrollment it touches, if any.
    static func withMistake(_ mistake: String) -> (MasterDataSet, String?) {
        var s = ImportKeepsStoredValuesTests.sample
        let nursery = Self.nursery(s).map(\.id)
        func edit(_ id: String, _ change: (inout Enrollment) -> Void) -> String {
            if let index = s.enrollments.firstIndex(where: { $0.id == id }) { change(&s.enrollments[index]) }
            return id
        }
        let d = { (text: String) in LocalDate(text)! }
        switch mistake {
        case "tariff":
            if let index = s.tariffs.firstIndex(where: { $0.id == "T-NIDO" }) { s.tariffs[index].optionId = "serale" }
            return (s, nil)
        case "enrollment":
            let id = edit(nursery[0]) { $0.optionId = "sera" }
            return (s, id)
        case "change":
            let id = edit(nursery[1]) { $0.optionChanges = [.init(from: d("2026-11-16"), optionId: "notte")] }
            return (s, id)
        case "order":
            let id = edit(nursery[2]) { $0.optionChanges = [.init(from: d("2026-12-01"), optionId: "part-time"), .init(from: d("2026-11-16"), optionId: "tempo-pieno")] }
            return (s, id)
        case "start":
            let id = edit(nursery[3]) { $0.optionChanges = [.init(from: $0.startDate, optionId: "part-time")] }
            return (s, id)
        case "weekday":
            if let index = s.services.firstIndex(where: { $0.id == "MENSA" }) { s.services[index].options[1].weekdays = [1, 3, 6] }
            return (s, nil)
        default:
            let id = edit(s.enrollments.first { $0.serviceId == "MENSA-RODARI" }?.id ?? "") { $0.optionId = "3-giorni" }
            return (s, id)
        }
    }

    @Test("a bad option is refused with FILE:LINE of its record, and the import changes nothing", arguments: mistakes)
    func badOption(_ c: (String, String, String)) throws {
        let (mistake, marker, words) = c
        let (data, enrollment) = Self.withMistake(mistake)
        let (dir, queue) = try ImportKeepsStoredValuesTests.importedSample()
        let xml = ExchangeXMLWriter.write(data)
        let path = try dir.write("comune-errato.xml", xml)
        let before = try queue.read { try MasterDataStore.load($0) }
        let error = try #require(throws: ImportError.self) { try MasterDataImporter.run(queue, paths: [path]) }
        let line = try #require(xml.split(separator: "\n", omittingEmptySubsequences: false)
            .firstIndex { $0.contains(enrollment.map { #"<enrollment id="\#($0)""# } ?? marker) }) + 1
        #expect(error.problems.count == 1, "\(error.problems)")
        #expect(error.problems.first?.description.hasPrefix("\(path):\(line): ") == true, "\(error.problems)")
        #expect(error.problems.first?.description.contains(words) == true, "\(error.problems)")
        #expect(try queue.read { try MasterDataStore.load($0) } == before)
    }

    @Test("every bad option of a file is listed in one pass")
    func allInOnePass() throws {
        let sample = ImportKeepsStoredValuesTests.sample
        var data = sample
        var touched = 0
        for (mistake, _, _) in Self.mistakes {
            let (one, _) = Self.withMistake(mistake)
            // Each mistake touches records the others leave alone: carry over those that differ from the sample.
            for (index, (made, original)) in zip(one.tariffs, sample.tariffs).enumerated() where made != original { data.tariffs[index] = made }
            for (index, (made, original)) in zip(one.services, sample.services).enumerated() where made != original { data.services[index] = made }
            for (index, (made, original)) in zip(one.enrollments, sample.enrollments).enumerated() where made != original {
                data.enrollments[index] = made
            }
            touched += 1
        }
        let (dir, queue) = try ImportKeepsStoredValuesTests.importedSample()
        let path = try dir.write("comune-errato.xml", ExchangeXMLWriter.write(data))
        let error = try #require(throws: ImportError.self) { try MasterDataImporter.run(queue, paths: [path]) }
        #expect(error.problems.count == touched, "\(error.problems)")
        for (_, _, words) in Self.mistakes {
            #expect(error.problems.contains { $0.description.hasPrefix("\(path):") && $0.description.contains(words) }, "\(words)")
        }
    }
}
