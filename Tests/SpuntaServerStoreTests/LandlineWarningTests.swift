import Foundation
import Testing
@testable import SpuntaDomain
@testable import SpuntaExchange
@testable import SpuntaServerStore
@testable import SpuntaStore

/// A landline in the contact data is a slip of the office, not a reason to refuse a whole file: the number is
/// kept as the family's `phone`, and the summary lists it with its file and line, like the problems of a refused
/// import.
@Suite("A landline given as a mobile is a warning")
struct LandlineWarningTests {
    static let sample = ImportKeepsStoredValuesTests.sample

    /// One payer's contact cells: (mobile, phone — nil for no column —, notify-sms) → (stored mobile, stored phone,
    /// SMS alerts, the warning's words or nil for none).
    static let cases: [(String, String?, String, String?, String?, Bool, String?)] = [
        ("0423 456789", nil, "no", nil, "+390423456789", false, "salvato come telefono («phone»); non riceve SMS"),
        ("+39 06 1234567", "", "no", nil, "+39061234567", false, "salvato come telefono"),
        ("06 1234567", "", "sì", nil, "+39061234567", false, "gli avvisi per SMS restano spenti"),
        ("06 1234567", "0423 111222", "no", nil, "+390423111222", false, "non salvato, il campo «phone» ha già +390423111222"),
        ("333 1234567", "0423 111222", "sì", "+393331234567", "+390423111222", true, nil),
        ("333 1234567", "", "no", "+393331234567", nil, false, nil),
        ("", "347 7654321", "no", nil, "+393477654321", false, nil),
    ]

    @Test("each way of writing the contacts stores the right numbers and warns only for a landline in «mobile»",
          arguments: cases)
    func landline(_ c: (String, String?, String, String?, String?, Bool, String?)) throws {
        let (mobile, phone, sms, storedMobile, storedPhone, alerts, warning) = c
        let (dir, queue) = try ImportKeepsStoredValuesTests.importedSample()
        var columns = ["id", "fiscal-code", "surname", "given-name", "email", "mobile", "notify-email", "notify-sms"]
        if phone != nil { columns.insert("phone", at: 6) }
        let payers = Self.sample.payers
        var csv = ImportKeepsStoredValuesTests.payersCSV(payers, columns: columns).split(separator: "\n").map(String.init)
        // Line 3 of the file (the second payer) carries the case's numbers; the sample's other payers have mobiles.
        let p = payers[1]
        var cells = [p.id, p.fiscalCode, p.surname, p.givenName, p.email ?? "", mobile, "sì", sms]
        if let phone { cells.insert(phone, at: 6) }
        csv[2] = cells.joined(separator: ";")
        let path = try dir.write("payers.csv", csv.joined(separator: "\n") + "\n")
        let summary = try MasterDataImporter.run(queue, paths: [path])
        let stored = try #require(try queue.read { try MasterDataStore.load($0) }.payers.first { $0.id == p.id })
        #expect(stored.mobile == storedMobile)
        #expect(stored.phone == storedPhone)
        #expect(stored.notifyBySMS == alerts)
        if let warning {
            #expect(summary.warnings.count == 1)
            let listed = try #require(summary.warnings.first)
            #expect(listed.description.hasPrefix("\(path):3: pagante \(p.id): il numero "))
            #expect(listed.message.contains(warning))
            #expect(summary.italian.contains("Avvisi (1)"))
            #expect(summary.italian.contains(listed.description))
        } else {
            #expect(summary.warnings.isEmpty)
            #expect(!summary.italian.contains("Avvisi"))
        }
        // The same file again: the same warnings, nothing changed.
        let again = try MasterDataImporter.run(queue, paths: [path])
        #expect(again.changed == 0)
        #expect(again.warnings == summary.warnings)
    }

    @Test("a number that is neither a landline nor a mobile still refuses the file, naming it")
    func notANumber() throws {
        let (dir, queue) = try ImportKeepsStoredValuesTests.importedSample()
        var csv = ImportKeepsStoredValuesTests.payersCSV(Self.sample.payers, columns: ["id", "fiscal-code", "surname", "given-name", "phone"])
            .split(separator: "\n").map(String.init)
        let p = Self.sample.payers[0]
        csv[1] = "\(p.id);\(p.fiscalCode);\(p.surname);\(p.givenName);800 123456"
        let path = try dir.write("payers.csv", csv.joined(separator: "\n") + "\n")
        let error = try #require(throws: ImportError.self) { try MasterDataImporter.run(queue, paths: [path]) }
        #expect(error.problems.map(\.description) == ["\(path):2: pagante \(p.id): Il numero di telefono 800 123456 non è un numero italiano: "
            + "un fisso inizia con 0 e ha da 6 a 11 cifre, un cellulare inizia con 3. Correggere il numero."])
    }

    @Test("the warnings are in the --json summary, each with its file and line")
    func jsonSummary() throws {
        var summary = ImportSummary(files: ["payers.csv"], changed: 1, created: [:], updated: [:], removed: [:], totals: [:], dryRun: false)
        summary.warnings = [ImportWarning(ImportProblem(SourceLocation(file: "payers.csv", line: 7), "pagante P0006: fisso"))]
        let json = String(decoding: try JSONEncoder().encode(summary), as: UTF8.self)
        #expect(json.contains(#""warnings":[{"#))
        #expect(json.contains(#""line":7"#))
        #expect(json.contains(#""file":"payers.csv""#))
    }
}
