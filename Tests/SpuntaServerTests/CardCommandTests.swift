import Foundation
import SpuntaStore
import SpuntaTestSupport
import Testing

/// `spunta-server cards` as the office runs it: sheets whose every QR code an independent reader decodes to the
/// card's payload, a lost card replaced, the cards listed, every action in the audit trail, clear refusals.
@Suite("Card commands")
struct CardCommandTests {
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, output: String, errors: String) {
        let process = try ChildProcess("spunta-server", arguments, environment: environment)
        let status = process.wait()
        return (status, process.output.joined(separator: "\n"), process.errors)
    }

    static let readers = SystemTool.path("zbarimg") != nil && SystemTool.path("rsvg-convert") != nil

    /// The payload zbarimg reads from `svg` rendered to a PNG at 300 dpi by rsvg-convert.
    static func decode(svg: String, in folder: TemporaryFolder) throws -> String {
        let png = folder.path(URL(fileURLWithPath: svg).deletingPathExtension().lastPathComponent + ".png")
        let rendered = try SystemTool.run("rsvg-convert", ["--dpi-x", "300", "--dpi-y", "300", "--background-color", "white", "--output", png, svg])
        guard rendered.status == 0 else { throw SystemTool.Failure(description: "rsvg-convert: \(rendered.errors)") }
        let read = try SystemTool.run("zbarimg", ["--quiet", "--raw", png])
        guard read.status == 0 else { throw SystemTool.Failure(description: "zbarimg found no code in \(png): \(read.errors)") }
        return read.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test("cards printed for a class: one per child, each standalone SVG rendered by rsvg-convert reads back with zbarimg as the child's active card",
          .enabled(if: readers, "zbarimg (zbar-tools) or rsvg-convert (librsvg2-bin) missing: apt-get install zbar-tools librsvg2-bin"))
    func printedClassDecodes() throws {
        let f = try ServerFixture()
        defer { f.stop() }
        let folder = try TemporaryFolder("spunta-cards")
        let out = folder.path("1A")
        let printed = try Self.run(["cards", "print", "--db", f.dbPath, "--class", "S01-1A", "--output", out, "--json", "--actor", "Ufficio scuola"])
        #expect(printed.status == 0, "\(printed.errors)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(printed.output.utf8)) as? [String: Any])
        let cards = try #require(object["cards"] as? [[String: Any]])
        let children = try f.admin { db in
            try db.fetchAll("SELECT id FROM beneficiary WHERE class_id = 'S01-1A' AND deleted = 0 ORDER BY id").map { try $0[0] as String }
        }
        #expect(!children.isEmpty)
        #expect(cards.compactMap { ($0["card"] as? [String: Any])?["beneficiary_id"] as? String }.sorted() == children)
        for entry in cards {
            let card = try #require(entry["card"] as? [String: Any])
            let child = try #require(card["beneficiary_id"] as? String)
            let payload = try #require(card["payload"] as? String)
            let active: String? = try f.admin { db in
                try db.scalar("SELECT id FROM card WHERE beneficiary_id = ? AND deleted = 0 AND revoked_on IS NULL", [child])
            }
            #expect(payload == "SPUNTA1:" + (active ?? "-"), "the printed card is the child's active card")
            let file = try #require(entry["file"] as? String)
            #expect(try Self.decode(svg: file, in: folder) == payload, "\(file)")
            // No diet, health or fiscal data on the card.
            let svg = try String(contentsOfFile: file, encoding: .utf8)
            let fiscalCode: String? = try f.admin { db in try db.scalar("SELECT fiscal_code FROM beneficiary WHERE id = ?", [child]) }
            #expect(!svg.contains(try #require(fiscalCode)))
            let diets = try f.admin { db in
                try db.fetchAll("SELECT d.name FROM enrollment e JOIN diet d ON d.id = e.diet_id WHERE e.beneficiary_id = ?", [child]).map { try $0[0] as String }
            }
            for diet in diets { #expect(!svg.contains(diet)) }
            #expect(card["school_year"] as? String == "2026/27" && card["municipality"] as? String == "Comune di Valmarina")
            #expect(svg.contains("Classe 1A") && svg.contains("Rodari"))
        }
        let html = try String(contentsOfFile: folder.path("1A/tessere.html"), encoding: .utf8)
        #expect(html.components(separatedBy: "<section class=\"page\"").count - 1 == (cards.count + 9) / 10)
        #expect(try AdminCommandTests.lastActor(f, "cards_print") == "Ufficio scuola")
    }

    @Test("a reissued card: the old one revoked with its reason and time in Rome's clock, a new one issued, both listed, all audited")
    func reissueAndList() throws {
        let f = try ServerFixture()
        defer { f.stop() }
        let (child, old): (String, String) = try f.admin { db in
            let row = try #require(try db.fetchOne("""
                SELECT beneficiary_id, id FROM card WHERE revoked_on IS NULL AND deleted = 0 AND beneficiary_id IN
                    (SELECT id FROM beneficiary WHERE class_id = 'S01-1A') ORDER BY beneficiary_id LIMIT 1
                """))
            return (try row[0], try row[1])
        }
        let clock = ["SPUNTA_NOW": "2026-10-05T06:30:00Z"]
        let reissued = try Self.run(["cards", "reissue", child, "--db", f.dbPath, "--reason", "smarrita sullo scuolabus", "--actor", "Ufficio scuola", "--json"],
                                    environment: clock)
        #expect(reissued.status == 0, "\(reissued.errors)")
        let answer = try #require(try JSONSerialization.jsonObject(with: Data(reissued.output.utf8)) as? [String: Any])
        #expect(answer["revoked"] as? [String] == [old])
        let new = try #require(answer["issued"] as? String)
        #expect(answer["payload"] as? String == "SPUNTA1:" + new && new != old)

        let listed = try Self.run(["cards", "list", "--db", f.dbPath, "--child", child])
        #expect(listed.status == 0, "\(listed.errors)")
        let lines = listed.output.split(separator: "\n").map(String.init)
        let oldLine = try #require(lines.first { $0.contains(old) })
        #expect(oldLine.contains("revocata") && oldLine.contains("05/10/2026 08:30") && oldLine.contains("smarrita sullo scuolabus"), "\(oldLine)")
        let newLine = try #require(lines.first { $0.contains(new) })
        #expect(newLine.contains("attiva") && newLine.contains("05/10/2026 08:30"), "\(newLine)")
        #expect(listed.output.contains("2 tessere: 1 attiva, 1 revocata."))

        let json = try Self.run(["cards", "list", "--db", f.dbPath, "--class", "S01-1A", "--json"])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [[String: Any]])
        let mine = rows.filter { $0["beneficiary_id"] as? String == child }
        #expect(mine.map { $0["card_id"] as? String } == [old, new], "revoked first, the active card last")
        #expect(mine.first?["revoked_at"] as? String == "2026-10-05T06:30:00.000Z" && mine.first?["active"] as? Bool == false)
        #expect(mine.last?["active"] as? Bool == true && mine.last?["reason"] == nil)

        #expect(try AdminCommandTests.lastActor(f, "card_reissue") == "Ufficio scuola")
        let logged: Int = try f.admin { db in
            try db.scalar("""
                SELECT COUNT(*) FROM change_log WHERE entity = 'cards' AND entity_id IN (?, ?) AND recorded_at = '2026-10-05T06:30:00.000Z'
                """, [old, new]) ?? 0
        }
        #expect(logged == 2, "both cards travel to the devices")
        let audit = try Self.run(["audit", "--db", f.dbPath])
        #expect(audit.output.contains("Ufficio scuola tessera sostituita \(child)"), "\(audit.output.suffix(600))")
    }

    @Test("the hint printed after a reissue runs as printed from a shell: it names the database, a path with spaces quoted")
    func reissueHintRuns() throws {
        let folder = try TemporaryFolder("spunta cards hint")
        let db = folder.path("comune di prova.sqlite")
        try SampleDatabase.copySample(to: db)
        let reissued = try Self.run(["cards", "reissue", "B0001", "--db", db, "--reason", "smarrita"])
        #expect(reissued.status == 0, "\(reissued.errors)")
        let prefix = "Stamparla con: spunta-server "
        let hint = try #require(reissued.output.split(separator: "\n").first { $0.hasPrefix(prefix) }, "\(reissued.output)")
        #expect(hint.contains(" --db "), "\(hint)")
        let cards = folder.path("tessere")
        let arguments = hint.dropFirst(prefix.count).replacingOccurrences(of: "CARTELLA", with: "'\(cards)'")
        let server = ChildProcess.productsDirectory.appendingPathComponent("spunta-server").path
        let printed = try SystemTool.run("sh", ["-c", "'\(server)' \(arguments)"])
        #expect(printed.status == 0, "\(hint)\n\(printed.errors)")
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: cards)) ?? []).isEmpty == false, "\(printed.output)")
    }

    @Test("unknown class, site, route or child and a missing reason are refused in Italian and change nothing", arguments: [
        (["cards", "print", "--class", "S09-9Z", "--output", "OUT"], 1, "classe «S09-9Z» sconosciuta"),
        (["cards", "print", "--site", "S99", "--output", "OUT"], 1, "plesso «S99» sconosciuto"),
        (["cards", "print", "--route", "L99", "--output", "OUT"], 1, "linea «L99» sconosciuta"),
        (["cards", "print", "--child", "B0001", "--child", "B9999", "--output", "OUT"], 1, "bambino «B9999» sconosciuto"),
        (["cards", "print", "--output", "OUT"], 2, "indicare una sola selezione"),
        (["cards", "print", "--class", "S01-1A", "--site", "S01", "--output", "OUT"], 2, "indicare una sola selezione"),
        (["cards", "print", "--class", "S01-1A", "--output", "OUT", "--per-page", "12"], 2, "--per-page «12» non valido"),
        (["cards", "reissue", "B9999", "--reason", "smarrita"], 1, "bambino «B9999» sconosciuto"),
        (["cards", "reissue", "B0001"], 2, "manca il motivo"),
        (["cards", "reissue", "B0001", "--reason", "  "], 2, "manca il motivo"),
        (["cards", "list", "--class", "S09-9Z"], 1, "classe «S09-9Z» sconosciuta"),
    ])
    func refused(arguments: [String], status: Int32, message: String) throws {
        let f = try ServerFixture()
        defer { f.stop() }
        let folder = try TemporaryFolder("spunta-cards")
        let count = { () throws -> [Int] in
            try f.admin { db in
                [try db.scalar("SELECT COUNT(*) FROM card") ?? 0, try db.scalar("SELECT COUNT(*) FROM audit_log") ?? 0,
                 try db.scalar("SELECT COUNT(*) FROM change_log") ?? 0]
            }
        }
        let before = try count()
        let result = try Self.run(arguments.map { $0 == "OUT" ? folder.path("out") : $0 } + ["--db", f.dbPath])
        #expect(result.status == status)
        #expect(result.errors.contains(message), "\(result.errors)")
        #expect(try count() == before)
        #expect(!FileManager.default.fileExists(atPath: folder.path("out")))
    }

    @Test("--help of every cards command is Italian and names its options")
    func help() throws {
        for (command, words) in [("print", ["--class", "--site", "--route", "--child", "--per-page", "--output"]), ("reissue", ["--reason"]), ("list", ["--class", "--child", "--json"])] {
            let help = try Self.run(["cards", command, "--help"])
            #expect(help.status == 0)
            for word in words { #expect(help.output.contains(word), "\(command): \(word)") }
        }
        let group = try Self.run(["cards", "--help"])
        #expect(group.output.contains("Tessere con codice QR"))
    }
}
