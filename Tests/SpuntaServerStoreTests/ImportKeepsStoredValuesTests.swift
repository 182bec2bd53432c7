import Foundation
import Testing
@testable import SpuntaDomain
@testable import SpuntaExchange
@testable import SpuntaServerStore
@testable import SpuntaStore

/// An import never drops data silently: a field a file leaves out (a column missing from a CSV, an attribute
/// missing from an element) keeps what the database has; only a field present and empty clears it; the
/// summary says what was kept. Re-importing what is already there changes nothing at all.
@Suite("Imports keep what a file leaves out")
struct ImportKeepsStoredValuesTests {
    static let sample = SampleComuneGenerator.generate()

    /// A database holding the sample Comune.
    static func importedSample() throws -> (TemporaryDirectory, DatabaseQueue) {
        let dir = try TemporaryDirectory()
        let queue = try ServerDatabase.open(path: dir.path("db.sqlite"))
        _ = try MasterDataImporter.run(queue, paths: [try dir.write("comune.xml", ExchangeXMLWriter.write(sample))])
        return (dir, queue)
    }

    static func changeLogEntries(_ queue: DatabaseQueue) throws -> Int {
        try queue.read { try $0.scalar("SELECT COUNT(*) FROM change_log") } ?? 0
    }

    /// `payers.csv` of the sample's payers with `columns` only, each cell as the sample has it.
    static func payersCSV(_ payers: [Payer], columns: [String], separator: String = ";", newline: String = "\n") -> String {
        func cell(_ p: Payer, _ column: String) -> String {
            switch column {
            case "id": return p.id
            case "fiscal-code": return p.fiscalCode
            case "surname": return p.surname
            case "given-name": return p.givenName
            case "email": return p.email ?? ""
            case "mobile": return p.mobile ?? ""
            case "pec": return p.pec ?? ""
            case "address": return "\"\(p.address ?? "")\""
            case "resident": return p.resident ? "sì" : "no"
            case "isee": return p.isee?.value.decimalString ?? ""
            case "isee-filed": return p.isee?.filedOn.description ?? ""
            case "isee-expires": return p.isee?.expiresOn.description ?? ""
            case "notify-email": return p.notifyByEmail ? "sì" : "no"
            case "notify-sms": return p.notifyBySMS ? "sì" : "no"
            case "low-balance-threshold": return p.lowBalanceThreshold?.decimalString ?? ""
            default: return ""
            }
        }
        let rows = [columns.joined(separator: separator)] + payers.map { p in columns.map { cell(p, $0) }.joined(separator: separator) }
        return rows.joined(separator: newline) + newline
    }

    /// The columns of a spreadsheet kept by the office for contacts: no ISEE, no residence.
    static let contactColumns = ["id", "fiscal-code", "surname", "given-name", "email", "mobile", "pec", "address",
                                 "notify-email", "notify-sms", "low-balance-threshold"]

    @Test("a payers CSV without the ISEE and residence columns keeps every family's ISEE and residence, and says so")
    func payersWithoutIseeColumns() throws {
        let (dir, queue) = try Self.importedSample()
        let withIsee = Self.sample.payers.filter { $0.isee != nil }.count
        let nonResidents = Self.sample.payers.filter { !$0.resident }.count
        #expect(withIsee > 50 && nonResidents > 10, "the sample has ISEE and non-residents to lose")
        let logBefore = try Self.changeLogEntries(queue)

        let path = try dir.write("payers.csv", Self.payersCSV(Self.sample.payers, columns: Self.contactColumns))
        let summary = try MasterDataImporter.run(queue, paths: [path])

        #expect(summary.changed == 0, "\(summary.italian)")
        #expect(summary.updated["payers"] == 0)
        #expect(summary.kept["payers"]?["isee"] == withIsee)
        #expect(summary.kept["payers"]?["resident"] == nonResidents)
        #expect(summary.kept["payers"]?["email"] == nil, "a column present is not reported as kept")
        #expect(summary.italian.contains("«isee» (\(withIsee))"), "\(summary.italian)")
        #expect(summary.italian.contains("«resident» (\(nonResidents))"))
        let json = String(decoding: try JSONEncoder().encode(summary), as: UTF8.self)
        #expect(json.contains("\"kept\":{\"payers\":{"), "\(json)")
        let stored = try queue.read { try MasterDataStore.load($0) }
        #expect(stored.payers == Self.sample.normalized.payers)
        #expect(try Self.changeLogEntries(queue) == logBefore)
    }

    @Test("a present, empty cell clears the value; a missing column keeps it; a filled cell sets it", arguments: [
        // (columns beyond the contact ones, the cells of payer P0001 in them, what P0001 must hold afterwards)
        (["isee", "isee-filed", "isee-expires"], ["", "", ""], "isee cleared"),
        (["isee", "isee-filed", "isee-expires"], ["7500.00", "2026-09-01", "2026-12-31"], "isee 7500.00"),
        ([], [], "isee kept"),
        (["resident"], [""], "resident default"),
        (["resident"], ["no"], "non-resident"),
    ])
    func emptyCellClears(extra: [String], cells: [String], expected: String) throws {
        let (dir, queue) = try Self.importedSample()
        let payers = Self.sample.normalized.payers
        var first = try #require(payers.first)
        // Make P0001 a non-resident family with an ISEE, so that every outcome is visible.
        first.isee = Isee(value: Money(cents: 300_000), filedOn: LocalDate("2026-02-01")!, expiresOn: LocalDate("2026-12-31")!)
        first.resident = false
        var edited = Self.sample
        edited.payers = [first] + payers.dropFirst()
        _ = try MasterDataImporter.run(queue, paths: [try dir.write("comune.xml", ExchangeXMLWriter.write(edited))])

        var lines = Self.payersCSV([first], columns: Self.contactColumns).split(separator: "\n").map(String.init)
        lines[0] += extra.map { ";" + $0 }.joined()
        lines[1] += cells.map { ";" + $0 }.joined()
        let rest = Self.payersCSV(Array(payers.dropFirst()), columns: Self.contactColumns + extra).split(separator: "\n").dropFirst().map(String.init)
        let path = try dir.write("payers.csv", (lines + rest).joined(separator: "\n") + "\n")
        _ = try MasterDataImporter.run(queue, paths: [path])
        let stored = try #require(try queue.read { try MasterDataStore.load($0) }.payers.first { $0.id == first.id })
        switch expected {
        case "isee cleared": #expect(stored.isee == nil); #expect(stored.resident == false)
        case "isee 7500.00": #expect(stored.isee?.value == Money(cents: 750_000))
        case "isee kept": #expect(stored.isee == first.isee); #expect(stored.resident == false)
        case "resident default": #expect(stored.resident == true); #expect(stored.isee == first.isee)
        case "non-resident": #expect(stored.resident == false)
        default: Issue.record("unknown expectation \(expected)")
        }
    }

    @Test("re-importing files that change nothing writes nothing: no record, no change-log entry", arguments: ["xml", "csv"])
    func reimportIsIdempotent(form: String) throws {
        let (dir, queue) = try Self.importedSample()
        let before = try Self.changeLogEntries(queue)
        let path: String
        if form == "xml" {
            path = try dir.write("comune.xml", ExchangeXMLWriter.write(Self.sample))
        } else {
            path = try dir.write("payers.csv", Self.payersCSV(Self.sample.payers, columns: Self.contactColumns))
        }
        for _ in 0..<2 {
            let summary = try MasterDataImporter.run(queue, paths: [path])
            #expect(summary.changed == 0)
        }
        #expect(try Self.changeLogEntries(queue) == before)
        #expect(try queue.read { try MasterDataStore.load($0) }.normalized == Self.sample.normalized)
    }

    @Test("in the XML file an attribute left out keeps the stored value, an empty one clears it")
    func xmlAttributes() throws {
        let (dir, queue) = try Self.importedSample()
        let payer = try #require(Self.sample.normalized.payers.first { $0.isee != nil && $0.email != nil })
        let full = ExchangeXMLWriter.write(Self.sample)
        let line = try #require(full.split(separator: "\n").first { $0.contains("<payer id=\"\(payer.id)\"") })
        // Without the ISEE attributes and with an empty e-mail (and no alerts by e-mail, which need one).
        var edited = String(line)
        for name in ["isee", "isee-filed", "isee-expires"] {
            edited = edited.replacingOccurrences(of: #" \#(name)="[^"]*""#, with: "", options: .regularExpression)
        }
        edited = edited.replacingOccurrences(of: #" email="[^"]*""#, with: " email=\"\"", options: .regularExpression)
        edited = edited.replacingOccurrences(of: #" notify-email="[^"]*""#, with: " notify-email=\"false\"", options: .regularExpression)
        edited = edited.replacingOccurrences(of: #" notify-sms="[^"]*""#, with: " notify-sms=\"true\"", options: .regularExpression)
        let path = try dir.write("comune.xml", full.replacingOccurrences(of: line, with: edited))
        let summary = try MasterDataImporter.run(queue, paths: [path])
        #expect(summary.updated["payers"] == 1, "\(summary.italian)")
        #expect(summary.kept["payers"]?["isee"] == 1)
        let stored = try #require(try queue.read { try MasterDataStore.load($0) }.payers.first { $0.id == payer.id })
        #expect(stored.isee == payer.isee)
        #expect(stored.email == nil)
    }

    @Test("an XML file whose lines carry no <school> elements removes the lines' schools with a warning naming them; routes.csv keeps them silently",
          arguments: ["xml", "csv"])
    func lineSchoolsLeftOut(format: String) throws {
        let (dir, queue) = try Self.importedSample()
        let served = try #require(Self.sample.routes.first { $0.schools.count >= 2 })
        let path: String
        if format == "xml" {
            let full = ExchangeXMLWriter.write(Self.sample)
            path = try dir.write("comune.xml", full.split(separator: "\n", omittingEmptySubsequences: false)
                .filter { !$0.contains("<school ") }.joined(separator: "\n"))
        } else {
            path = try dir.write("routes.csv", "id;service;name\n" + Self.sample.routes.map { "\($0.id);\($0.serviceId);\($0.name)" }
                .joined(separator: "\n") + "\n")
        }
        let summary = try MasterDataImporter.run(queue, paths: [path])
        let stored = try #require(try queue.read { try MasterDataStore.load($0) }.routes.first { $0.id == served.id })
        let warning = summary.warnings.first { $0.message.contains("linea \(served.id):") }
        if format == "xml" {
            #expect(stored.schools.isEmpty)
            let listed = try #require(warning, "\(summary.italian)")
            #expect(listed.message.contains(served.schools.map(\.siteId).joined(separator: ", ")))
            #expect(listed.message.contains("<school>"))
            #expect(summary.italian.contains(listed.description))
        } else {
            #expect(stored.schools == served.schools)
            #expect(warning == nil)
        }
    }

    @Test("the checks between fields see the kept values: alerts by e-mail need an address, kept or given")
    func crossFieldChecks() throws {
        let (dir, queue) = try Self.importedSample()
        let payer = try #require(Self.sample.normalized.payers.first { $0.email != nil && $0.notifyByEmail })
        // No e-mail column: the stored address is kept, so alerts by e-mail stay valid.
        let kept = try dir.write("payers.csv", Self.payersCSV(Self.sample.payers, columns: ["id", "fiscal-code", "surname", "given-name", "notify-email"]))
        #expect(try MasterDataImporter.run(queue, paths: [kept]).changed == 0)
        // An empty e-mail cell clears the address: alerts by e-mail (kept from the database) then have none.
        var lines = Self.payersCSV(Self.sample.normalized.payers, columns: ["id", "fiscal-code", "surname", "given-name", "email"])
            .split(separator: "\n").map(String.init)
        let index = try #require(lines.firstIndex { $0.hasPrefix(payer.id + ";") })
        lines[index] = lines[index].replacingOccurrences(of: payer.email ?? "", with: "")
        let cleared = try dir.write("payers.csv", lines.joined(separator: "\n") + "\n")
        do {
            _ = try MasterDataImporter.run(queue, paths: [cleared])
            Issue.record("alerts by e-mail were left without an address")
        } catch let error as ImportError {
            #expect(error.problems.contains { $0.location.line == index + 1 && $0.message.contains("manca l'indirizzo «email»") }, "\(error.problems)")
        }
    }

    @Test("a CSV from an Italian spreadsheet — semicolons, CRLF, BOM or Windows-1252 — stores «Niccolò» as it is", arguments: [
        ("utf-8", ";", "\n"), ("utf-8", ",", "\r\n"), ("bom", ";", "\r\n"), ("windows-1252", ";", "\r\n"),
    ])
    func spreadsheetShapes(encoding: String, separator: String, newline: String) throws {
        let (dir, queue) = try Self.importedSample()
        var payer = try #require(Self.sample.normalized.payers.first)
        payer.givenName = "Niccolò"
        payer.surname = "Sforzà"
        let text = Self.payersCSV([payer] + Self.sample.normalized.payers.dropFirst(), columns: Self.contactColumns,
                                  separator: separator, newline: newline)
        let bytes: Data
        switch encoding {
        case "bom": bytes = Data([0xEF, 0xBB, 0xBF]) + Data(text.utf8)
        case "windows-1252": bytes = Data(try #require(text.data(using: .windowsCP1252)))
        default: bytes = Data(text.utf8)
        }
        let path = dir.path("payers.csv")
        try bytes.write(to: URL(fileURLWithPath: path))
        let summary = try MasterDataImporter.run(queue, paths: [path])
        #expect(summary.updated["payers"] == 1, "\(summary.italian)")
        let stored = try #require(try queue.read { try MasterDataStore.load($0) }.payers.first { $0.id == payer.id })
        #expect(stored.givenName == "Niccolò")
        #expect(stored.surname == "Sforzà")
        if encoding == "windows-1252" {
            #expect(summary.recoded == [RecodedFile(file: path, encoding: .windows1252, line: 2, example: "Sforzà")])
            #expect(summary.italian.contains("letto come Windows-1252 (ANSI) (es. riga 2: «Sforzà»)"), "\(summary.italian)")
        } else {
            #expect(summary.recoded.isEmpty)
        }
    }

    @Test("a refused encoding changes nothing and names the encoding")
    func refusedEncoding() throws {
        let (dir, queue) = try Self.importedSample()
        let before = try queue.read { try MasterDataStore.load($0) }
        let path = dir.path("payers.csv")
        try (Data([0xFF, 0xFE]) + Data("id;surname\r\n".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })).write(to: URL(fileURLWithPath: path))
        do {
            _ = try MasterDataImporter.run(queue, paths: [path])
            Issue.record("a UTF-16 file was imported")
        } catch let error as ImportError {
            #expect(error.userMessage.contains("UTF-16"))
        }
        #expect(try queue.read { try MasterDataStore.load($0) } == before)
    }
}
