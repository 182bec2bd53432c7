import Foundation
import Testing
@testable import SpuntaDomain
@testable import SpuntaExchange
@testable import SpuntaServerStore
@testable import SpuntaStore

/// Separated parents who share a child's cost: `<payer ref share>` in the XML file, `shares` in beneficiaries.csv.
/// The sample Comune's B0004 is paid 70/30 by P0005 (primary) and P0006.
@Suite("Import of payers' shares")
struct PayerSharesImportTests {
    static let sampleXML = SampleComuneGenerator.sampleFile()
    static let sample = SampleComuneGenerator.generate()
    static let primaryLine = #"<payer ref="P0005" primary="true" share="70"/>"#
    static let secondLine = #"<payer ref="P0006" share="30"/>"#

    static func line(of text: String, in xml: String) -> Int {
        guard let range = xml.range(of: text) else { return -1 }
        return xml[..<range.lowerBound].filter { $0 == "\n" }.count + 1
    }

    /// The sample with B0004's two `<payer>` lines replaced (first occurrences only).
    static func editing(_ primary: String, _ second: String) -> String {
        var xml = sampleXML
        for (old, new) in [(primaryLine, primary), (secondLine, second)] {
            if let range = xml.range(of: old) { xml.replaceSubrange(range, with: new) }
        }
        return xml
    }

    static func imported() throws -> (TemporaryDirectory, DatabaseQueue) {
        let dir = try TemporaryDirectory()
        let queue = try ServerDatabase.open(path: dir.path("db.sqlite"))
        _ = try MasterDataImporter.run(queue, paths: [try dir.write("comune.xml", sampleXML)])
        return (dir, queue)
    }

    static func links(_ queue: DatabaseQueue, _ child: String) throws -> [String] {
        try queue.read { db in
            try db.fetchAll("SELECT payer_id, is_primary, share FROM beneficiary_payer WHERE beneficiary_id = ? ORDER BY position", [child])
                .map { row in "\(try row[0] as String) \((try row[1] as Bool) ? "primary " : "")\((try row[2] as Int?).map(String.init) ?? "-")" }
        }
    }

    static func changeLog(_ queue: DatabaseQueue) throws -> Int {
        try queue.read { try $0.scalar("SELECT COUNT(*) FROM change_log") } ?? 0
    }

    @Test("shares are imported with the payers; the same file again changes nothing; left out they are kept; empty they are cleared")
    func importKeepClear() throws {
        #expect(Self.sampleXML.contains(Self.primaryLine + "\n      " + Self.secondLine), "fixture: B0004 is shared 70/30")
        let (dir, queue) = try Self.imported()
        #expect(try Self.links(queue, "B0004") == ["P0005 primary 70", "P0006 30"])
        #expect(try Self.links(queue, "B0002") == ["P0002 primary -"], "no share: the primary payer pays everything")
        let log = try Self.changeLog(queue)

        let again = try MasterDataImporter.run(queue, paths: [try dir.write("again.xml", Self.sampleXML)])
        #expect(again.changed == 0)
        #expect(try Self.changeLog(queue) == log)

        // `<payer>` elements without `share`: each keeps its stored share, and the summary says so.
        let withoutShares = Self.editing(#"<payer ref="P0005" primary="true"/>"#, #"<payer ref="P0006"/>"#)
        let kept = try MasterDataImporter.run(queue, paths: [try dir.write("kept.xml", withoutShares)])
        #expect(kept.changed == 0, "\(kept.italian)")
        #expect(kept.kept["beneficiaries"]?["share"] == 1)
        #expect(try Self.links(queue, "B0004") == ["P0005 primary 70", "P0006 30"])

        let cleared = try MasterDataImporter.run(queue, paths: [try dir.write("cleared.xml", Self.editing(
            #"<payer ref="P0005" primary="true" share=""/>"#, #"<payer ref="P0006" share=""/>"#))])
        #expect(cleared.changed == 1)
        #expect(cleared.updated["beneficiaries"] == 1)
        #expect(try Self.links(queue, "B0004") == ["P0005 primary -", "P0006 -"])
    }

    static let badShares: [(primary: String, second: String, message: String, onPayerLine: Bool)] = [
        (#"<payer ref="P0005" primary="true" share="70"/>"#, #"<payer ref="P0006" share="20"/>"#,
         "(P0005 70%, P0006 20%) sommano a 90% invece di 100%", false),
        (#"<payer ref="P0005" primary="true" share="100"/>"#, #"<payer ref="P0006" share="30"/>"#,
         "quota «100» del pagante P0005 non valida: una percentuale intera da 1 a 99", true),
        (#"<payer ref="P0005" primary="true" share="0"/>"#, #"<payer ref="P0006" share="30"/>"#,
         "quota «0» del pagante P0005 non valida", true),
        (#"<payer ref="P0005" primary="true" share="70"/>"#, #"<payer ref="P0006" share="metà"/>"#,
         "quota «metà» del pagante P0006 non valida", false),
        (#"<payer ref="P0005" primary="true" share=""/>"#, #"<payer ref="P0006" share="100"/>"#,
         "quota «100» del pagante P0006 non valida", false),
        (#"<payer ref="P0005" primary="true"  share=""/>"#, #"<payer ref="P0006" share="30"/>"#,
         "quote indicate per P0006 ma non per il pagante principale P0005", false),
    ]

    @Test("a bad share is refused with the file, the line and what to do, and nothing is imported", arguments: 0..<badShares.count)
    func badShare(index: Int) throws {
        let bad = Self.badShares[index]
        let dir = try TemporaryDirectory()
        let xml = Self.editing(bad.primary, bad.second)
        let path = try dir.write("comune.xml", xml)
        let queue = try ServerDatabase.open(path: dir.path("db.sqlite"))
        let problems: [ImportProblem]
        do {
            _ = try MasterDataImporter.run(queue, paths: [path])
            Issue.record("the import should have been refused")
            return
        } catch let error as ImportError {
            problems = error.problems
        }
        let problem = try #require(problems.first { $0.message.contains(bad.message) }, "\(problems)")
        // The payer's own line for a bad value on it, the child's line for a sum or a missing share.
        let where_ = bad.onPayerLine ? bad.primary
            : (bad.message.contains("P0006 non valida") ? bad.second : #"<beneficiary id="B0004""#)
        #expect(problem.location == SourceLocation(file: path, line: Self.line(of: where_, in: xml)), "\(problem)")
        #expect(problem.description.hasPrefix("\(path):"))
        #expect(problems.count == 1 || bad.message.contains("pagante principale"), "one mistake, one problem: \(problems)")
        #expect(try queue.read { try $0.scalar("SELECT COUNT(*) FROM beneficiary") as Int? } == 0)
    }

    @Test("two children with bad shares are both reported in one pass")
    func allInOnePass() throws {
        let dir = try TemporaryDirectory()
        var xml = Self.editing(Self.primaryLine, #"<payer ref="P0006" share="40"/>"#)
        let other = #"<payer ref="P0044" share="50"/>"#
        #expect(xml.contains(other), "fixture: B0043's family is shared 50/50")
        xml = xml.replacingOccurrences(of: other, with: #"<payer ref="P0044" share="55"/>"#)
        let path = try dir.write("comune.xml", xml)
        do {
            _ = try MasterDataImporter.run(try ServerDatabase.open(path: dir.path("db.sqlite")), paths: [path])
            Issue.record("the import should have been refused")
        } catch let error as ImportError {
            #expect(error.problems.filter { $0.message.contains("sommano a 110%") }.count == 1, "\(error.problems)")
            #expect(error.problems.contains { $0.message.contains("sommano a 105%") }, "\(error.problems)")
            #expect(error.userMessage.contains("\(path):"))
        }
    }

    /// beneficiaries.csv of the sample with the payers' columns; `shares` as `P0005:70;P0006:30`, or left out.
    static func beneficiariesCSV(withShares: Bool, edit: [String: String] = [:]) -> String {
        var rows = ["id;fiscal-code;surname;given-name;birth-date;class;payer;other-payers" + (withShares ? ";shares" : "")]
        for b in sample.beneficiaries {
            let primary = b.payers.first(where: \.primary)?.payerId ?? ""
            let others = b.payers.filter { !$0.primary }.map(\.payerId).joined(separator: ";")
            var cells = [b.id, b.fiscalCode, b.surname, b.givenName, b.birthDate.description, b.classId ?? "", primary, others]
            if withShares {
                cells.append(edit[b.id] ?? b.payers.compactMap { link in link.share.map { "\(link.payerId):\($0)" } }.joined(separator: ";"))
            }
            // A spreadsheet quotes a cell holding the separator, as lists of payers and shares do.
            rows.append(cells.map { $0.contains(";") ? "\"\($0)\"" : $0 }.joined(separator: ";"))
        }
        return rows.joined(separator: "\n") + "\n"
    }

    @Test("beneficiaries.csv carries shares as P0005:70;P0006:30: the same changes nothing, an edit changes the child, a missing column keeps them")
    func csvShares() throws {
        let (dir, queue) = try Self.imported()
        let same = try MasterDataImporter.run(queue, paths: [try dir.write("beneficiaries.csv", Self.beneficiariesCSV(withShares: true))])
        #expect(same.changed == 0, "\(same.italian)")

        let fifty = try MasterDataImporter.run(queue, paths: [try dir.write("beneficiaries-2.csv", Self.beneficiariesCSV(
            withShares: true, edit: ["B0004": " P0006: 50 % ; P0005:50"]))])
        #expect(fifty.updated["beneficiaries"] == 1)
        #expect(try Self.links(queue, "B0004") == ["P0005 primary 50", "P0006 50"])

        let shared = Self.sample.beneficiaries.filter { $0.payers.contains { $0.share != nil } }.count
        let kept = try MasterDataImporter.run(queue, paths: [try dir.write("beneficiaries-3.csv", Self.beneficiariesCSV(withShares: false))])
        #expect(kept.changed == 0)
        #expect(kept.kept["beneficiaries"]?["shares"] == shared)
        #expect(try Self.links(queue, "B0004") == ["P0005 primary 50", "P0006 50"])

        let badPath = try dir.write("beneficiaries-4.csv", Self.beneficiariesCSV(withShares: true, edit: ["B0004": "P0005:50;P0009:50"]))
        do {
            _ = try MasterDataImporter.run(queue, paths: [badPath])
            Issue.record("a share for a payer who is not the child's must be refused")
        } catch let error as ImportError {
            let csvLine = 1 + 1 + (Self.sample.beneficiaries.firstIndex { $0.id == "B0004" } ?? -10)
            #expect(error.problems.contains {
                $0.location == SourceLocation(file: badPath, line: csvLine) && $0.message.contains("P0009, che non è tra i paganti")
            }, "\(error.problems)")
        }
        #expect(try Self.links(queue, "B0004") == ["P0005 primary 50", "P0006 50"], "a refused file changes nothing")
    }
}
