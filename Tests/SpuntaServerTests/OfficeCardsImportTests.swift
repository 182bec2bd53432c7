import Foundation
import SpuntaDomain
import SpuntaStore
import SpuntaTestSupport
import Testing

/// The office replaces a lost card (`spunta-server cards reissue`), then imports the Comune's file again, whose cards
/// section lists the child's cards as the Comune knows them — the lost card active, the new one absent. Every step is
/// the real program, as the office runs it.
@Suite("Import of the Comune's cards after the office's")
struct OfficeCardsImportTests {
    typealias Folder = ImportCommandTests.Folder

    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, output: String, errors: String) {
        let process = try ChildProcess("spunta-server", arguments, environment: environment)
        let status = process.wait()
        return (status, process.output.joined(separator: "\n"), process.errors)
    }

    /// B0001's card replaced on 5 October 2026 at 08:30 in Rome: (the old card, the new one).
    static func reissue(_ db: String) throws -> (old: String, new: String) {
        let done = try run(["cards", "reissue", "B0001", "--db", db, "--reason", "smarrita", "--actor", "Ufficio scuola", "--json"],
                           environment: ["SPUNTA_NOW": "2026-10-05T06:30:00Z"])
        #expect(done.status == 0, "\(done.errors)")
        let answer = try #require(try JSONSerialization.jsonObject(with: Data(done.output.utf8)) as? [String: Any])
        let old = try #require((answer["revoked"] as? [String])?.first)
        return (old, try #require(answer["issued"] as? String))
    }

    /// The cards of the sample's XML as the Comune would give them in `cards.csv`.
    static func cardsCSV(from xml: String, adding extra: [String] = []) throws -> String {
        let text = try String(contentsOfFile: xml, encoding: .utf8)
        var lines = ["code;beneficiary;issued;revoked"]
        let pattern = try NSRegularExpression(pattern: #"<card code="([^"]*)" beneficiary="([^"]*)" issued="([^"]*)" revoked="([^"]*)"/>"#)
        for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            let fields = (1...4).compactMap { Range(match.range(at: $0), in: text).map { String(text[$0]) } }
            lines.append(fields.joined(separator: ";"))
        }
        return (lines + extra).joined(separator: "\n") + "\n"
    }

    /// A card as stored: (revoked_on, revoked_reason, deleted); nil when there is no such card.
    static func card(_ db: String, _ id: String) throws -> (revokedOn: String?, reason: String?, deleted: Int)? {
        try DatabaseQueue(path: db).read { db in
            try db.fetchOne("SELECT revoked_on, revoked_reason, deleted FROM card WHERE id = ?", [id]).map {
                (try $0[0], try $0[1], try $0[2])
            }
        }
    }

    static func count(_ db: String, _ sql: String) throws -> Int {
        try DatabaseQueue(path: db).read { try $0.scalar(sql) ?? -1 }
    }

    @Test("the Comune's file listing a reissued child's lost card as active, XML or CSV: the lost card stays revoked, the office's new card stays active, nothing reaches the devices, and the summary names both cards",
          arguments: ["xml", "csv"])
    func officeCardsKept(format: String) throws {
        let folder = try Folder()
        let (xml, db) = try folder.sample()
        let (old, new) = try Self.reissue(db)
        let file: String
        if format == "xml" {
            file = xml
        } else {
            file = folder.path("cards.csv")
            try Data(try Self.cardsCSV(from: xml).utf8).write(to: URL(fileURLWithPath: file))
        }
        #expect(try String(contentsOfFile: file, encoding: .utf8).contains(old), "the Comune's file lists the lost card")
        let logged = try Self.count(db, "SELECT COUNT(*) FROM change_log")

        let json = try Self.run(["import", "--db", db, "--json", file])
        #expect(json.status == 0, "\(json.errors)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
        #expect(summary["changed"] as? Int == 0, "\(json.output)")
        let kept = try #require(summary["office_cards"] as? [[String: String]])
        #expect(kept == [
            ["card_id": old, "beneficiary_id": "B0001", "action": "revoked", "on": "2026-10-05", "in_files": "active"],
            ["card_id": new, "beneficiary_id": "B0001", "action": "issued", "on": "2026-10-05", "in_files": "left_out"],
        ].sorted { ($0["card_id"] ?? "") < ($1["card_id"] ?? "") })

        let human = try Self.run(["import", "--db", db, file])
        #expect(human.status == 0, "\(human.errors)")
        #expect(human.output.contains("Importazione completata: nessuna modifica."), "\(human.output)")
        #expect(human.output.contains("Tessere emesse o revocate dall'ufficio (spunta-server cards), mantenute come sono in archivio (2):"))
        #expect(human.output.contains("  \(old) (B0001): revocata dall'ufficio il 05/10/2026; nel file è attiva: resta revocata"), "\(human.output)")
        #expect(human.output.contains("  \(new) (B0001): emessa dall'ufficio il 05/10/2026; assente dal file: resta in archivio"), "\(human.output)")

        let lost = try #require(try Self.card(db, old))
        #expect(lost.revokedOn == "2026-10-05" && lost.reason == "smarrita" && lost.deleted == 0, "the lost card stays revoked: \(lost)")
        let issued = try #require(try Self.card(db, new))
        #expect(issued.revokedOn == nil && issued.deleted == 0, "the office's card stays active: \(issued)")
        #expect(try Self.count(db, "SELECT COUNT(*) FROM change_log") == logged, "the devices are sent nothing")
        let listed = try Self.run(["cards", "list", "--db", db, "--child", "B0001"])
        #expect(listed.output.contains("2 tessere: 1 attiva, 1 revocata."), "\(listed.output)")
    }

    @Test("a cards file giving the child of an office card another active card is refused on that line, saying what to do, and changes nothing")
    func secondActiveCardRefused() throws {
        let folder = try Folder()
        let (xml, db) = try folder.sample()
        let (_, new) = try Self.reissue(db)
        let other = CardID.random().text
        let file = folder.path("cards.csv")
        let csv = try Self.cardsCSV(from: xml, adding: ["\(other);B0001;2026-10-06;"])
        try Data(csv.utf8).write(to: URL(fileURLWithPath: file))
        let line = csv.split(separator: "\n").count
        let before = try Self.count(db, "SELECT COUNT(*) FROM card")
        let refused = try Self.run(["import", "--db", db, file])
        #expect(refused.status == 1)
        #expect(refused.errors.contains("\(file):\(line): tessera \(other): il fruitore B0001 ha già la tessera attiva \(new), emessa dall'ufficio"),
                "\(refused.errors)")
        #expect(refused.errors.contains("togliere questa tessera dal file o indicarla revocata"))
        #expect(try Self.count(db, "SELECT COUNT(*) FROM card") == before)
    }

    @Test("a file that removes a child takes the office's cards of that child with it")
    func removedChildTakesOfficeCards() throws {
        let folder = try Folder()
        let (xml, db) = try folder.sample()
        let (old, new) = try Self.reissue(db)
        // The Comune's file without B0001: its record (three lines) and its card.
        var lines = try String(contentsOfFile: xml, encoding: .utf8).components(separatedBy: "\n")
        let start = try #require(lines.firstIndex { $0.contains("<beneficiary id=\"B0001\"") })
        lines.removeSubrange(start...(start + 2))
        lines.removeAll { $0.contains("<card ") && $0.contains("beneficiary=\"B0001\"") }
        let without = folder.path("senza-B0001.xml")
        try Data(lines.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: without))
        let imported = try Self.run(["import", "--db", db, "--json", without])
        #expect(imported.status == 0, "\(imported.errors)")
        #expect(!imported.output.contains("office_cards\":[{"), "\(imported.output)")
        #expect(try Self.card(db, old)?.deleted == 1)
        #expect(try Self.card(db, new)?.deleted == 1)
        #expect(try Self.count(db, "SELECT deleted FROM beneficiary WHERE id = 'B0001'") == 1)
    }
}
