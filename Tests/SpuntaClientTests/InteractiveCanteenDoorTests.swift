import Foundation
import SpuntaCLI
import SpuntaStore
import SpuntaTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The canteen door as the worker sees it: `spunta scan --service canteen` in a real terminal (tmux) of the
/// handheld's size, card payloads typed as a scanner types them, the screen read back; then what reached the
/// device and, after a sync, the server.
@Suite("Canteen door in a terminal", .serialized, .enabled(if: TmuxSession.isAvailable, "tmux is not installed: the canteen door cannot be driven through a real terminal"))
struct InteractiveCanteenDoorTests {
    static var spunta: String { ChildProcess.productsDirectory.appendingPathComponent("spunta").path }

    /// A door of the Rodari school (prepaid canteen) enrolled against a running server.
    static func door(_ d: Deployment) throws -> String {
        try d.startServer()
        return try d.device("mensa", role: .canteen, scope: "site:S01")
    }

    /// A child of the server's sample, with the card, name and class as the door shows them.
    struct Child {
        let id: String
        let card: String
        let name: String
        let className: String
    }

    static func children(_ d: Deployment, where condition: String) throws -> [Child] {
        try DatabaseQueue(path: d.db).read { db in
            try db.fetchAll("""
                SELECT b.id, c.id, b.surname || ' ' || b.given_name, k.name FROM beneficiary b JOIN card c ON c.beneficiary_id = b.id
                JOIN school_class k ON k.id = b.class_id
                WHERE c.revoked_on IS NULL AND k.site_id = 'S01' AND \(condition) ORDER BY b.id
                """).map { Child(id: try $0[0], card: "SPUNTA1:" + (try $0[1] as String), name: try $0[2], className: try $0[3]) }
        }
    }

    static func eating(_ d: Deployment, diet: String? = nil) throws -> [Child] {
        try children(d, where: """
            b.id IN (SELECT beneficiary_id FROM enrollment WHERE service_id = 'MENSA-RODARI' AND \(diet.map { "diet_id = '\($0)'" } ?? "diet_id IS NULL"))
            """)
    }

    static func dump(_ screen: [String]) -> Comment {
        Comment(rawValue: "screen:\n" + screen.map { "|\($0)|" }.joined(separator: "\n"))
    }

    static func widest(_ screen: [String]) -> Int {
        screen.map { TextWidth.of($0) }.max() ?? 0
    }

    /// Types a line as the scanner does: the characters, then Enter.
    static func scan(_ session: TmuxSession, _ line: String) throws {
        try session.type(line)
        try session.press("Enter")
    }

    static func expectScreen(
        _ session: TmuxSession, _ what: String, sourceLocation: SourceLocation = #_sourceLocation, _ condition: ([String]) -> Bool
    ) throws -> [String] {
        let (screen, matched) = try session.waitForScreen(condition)
        #expect(matched, "\(what)\n\(dump(screen).rawValue)", sourceLocation: sourceLocation)
        return screen
    }

    @Test("on the handheld's 40×20 screen: a celiac child's whole allergen line, no payload echoed, the credit topped up at the town hall, the low-credit warning, the running count")
    func dietCreditCount() throws {
        let d = try Deployment()
        let door = try Self.door(d)
        let celiac = try #require(try Self.eating(d, diet: "D-CEL").first, "the sample has coeliac children at Rodari")
        let plain = try Self.eating(d)
        try #require(plain.count >= 2)
        // The office records a top-up; the door learns it with its next sync.
        let payer: String = try #require(try d.query("SELECT payer_id FROM beneficiary_payer WHERE beneficiary_id = ? AND is_primary = 1", [plain[0].id]))
        let topUp = try d.admin(["billing", "topup", "--db", d.db, "--payer", payer, "--beneficiary", plain[0].id, "--service", "MENSA-RODARI",
                                 "--amount", "23.50"])
        #expect(topUp.status == 0, "\(topUp.errors)")
        #expect(try d.spunta(door, ["sync"]).status == 0)

        let session = try TmuxSession(columns: 40, rows: 20, command: [Self.spunta, "scan", "--service", "canteen", "--date", schoolDay, "--home", door])
        _ = try Self.expectScreen(session, "the banner") { ScanTests.unwrapped($0).contains { $0.hasPrefix("Mensa Scuola primaria «Gianni Rodari», 05/10/2026: leggere") } }

        try Self.scan(session, celiac.card)
        var screen = try Self.expectScreen(session, "the celiac child served with the diet") { $0.contains { $0.contains("Serviti 1 su") } }
        let name = try #require(screen.firstIndex { $0.hasPrefix("OK!  ") }, Self.dump(screen))
        #expect(ScanTests.unwrapped(Array(screen[name...])).first == "OK!  \(celiac.name) (\(celiac.className))", Self.dump(screen))
        #expect(screen.contains("  !! DIETA CELIACHIA (SENZA GLUTINE):"), Self.dump(screen))
        #expect(screen.contains("     GLUTINE"), Self.dump(screen))
        #expect(!screen.contains { $0.contains("SPUNTA1") }, "the payload is not echoed\n\(Self.dump(screen).rawValue)")
        #expect(screen.contains { $0.hasPrefix("ATT. Credito basso: € 0,00") }, Self.dump(screen))
        #expect(screen.contains { $0.hasPrefix("#    Serviti 1 su ") && $0.contains("; \(celiac.className) 1 su ") }, Self.dump(screen))
        #expect(Self.widest(screen) <= 40, Self.dump(screen))

        try Self.scan(session, plain[0].card)
        screen = try Self.expectScreen(session, "the credit of the child topped up") { $0.contains { $0.contains("Serviti 2 su") } }
        #expect(screen.contains { $0.hasPrefix("  €  Credito € 23,50 al ") }, Self.dump(screen))
        #expect(!screen.contains { $0.contains("SPUNTA1") }, Self.dump(screen))

        try Self.scan(session, "#")
        // The class lines come after the total: wait for them too, the screen may be captured between the two.
        screen = try Self.expectScreen(session, "the count per class") { lines in
            lines.contains { $0.hasPrefix("#    Serviti 2 su ") && $0.contains("(05/10/2026)") }
                && lines.contains { $0.hasPrefix("   \(celiac.className): ") }
        }
        #expect(Self.widest(screen) <= 40, Self.dump(screen))

        try Self.scan(session, "q")
        screen = try Self.expectScreen(session, "the summary, and the program ends") { $0.contains { $0.hasPrefix("[exit ") } }
        #expect(screen.contains { $0.hasPrefix("#    Fine: serviti 2 su ") }, Self.dump(screen))
        #expect(try session.exitStatus() == 0)
    }

    @Test("undo: - names the last child shown, s cancels exactly that scan, and the void reaches the server")
    func undoReachesServer() throws {
        let d = try Deployment()
        let door = try Self.door(d)
        let children = try Self.eating(d)
        try #require(children.count >= 2)
        let session = try TmuxSession(columns: 40, rows: 20, command: [Self.spunta, "scan", "--service", "canteen", "--date", schoolDay, "--home", door])
        _ = try Self.expectScreen(session, "the banner") { $0.contains { $0.hasPrefix("Mensa Scuola primaria «Gianni Rodari»") } }
        try Self.scan(session, children[0].card)
        _ = try Self.expectScreen(session, "first child served") { $0.contains { $0.contains("Serviti 1 su") } }
        try Self.scan(session, children[1].card)
        _ = try Self.expectScreen(session, "second child served") { $0.contains { $0.contains("Serviti 2 su") } }
        try Self.scan(session, "-")
        var screen = try Self.expectScreen(session, "the question names the last child") { $0.contains { $0.hasPrefix("??   Annullare il pasto di") } }
        let question = ScanTests.unwrapped(screen).first { $0.hasPrefix("??   ") }
        #expect(question == "??   Annullare il pasto di \(children[1].name) (\(children[1].className))? s/n", Self.dump(screen))
        try Self.scan(session, "s")
        screen = try Self.expectScreen(session, "the cancellation and the count after it") { lines in
            lines.contains { $0.hasPrefix("ANN. ") } && lines.last(where: { !$0.isEmpty })?.hasPrefix("#    Serviti 1 su ") == true
        }
        #expect(ScanTests.unwrapped(screen).contains { $0.hasPrefix("ANN. Annullato: pasto (tessera) di \(children[1].name) (") }, Self.dump(screen))
        #expect(Self.widest(screen) <= 40, Self.dump(screen))
        try Self.scan(session, "q")
        _ = try Self.expectScreen(session, "the program ends") { $0.contains { $0.hasPrefix("[exit ") } }
        #expect(try session.exitStatus() == 0)

        // On the device: one void, of the second child's meal.
        let device = try DatabaseQueue(path: (door as NSString).appendingPathComponent("spunta.sqlite"))
        let meals = try device.read { db in
            try db.fetchAll("SELECT beneficiary_id, id FROM outbox WHERE type = 'meal_scanned' ORDER BY seq").map { (try $0[0] as String, try $0[1] as String) }
        }
        #expect(meals.map(\.0) == [children[0].id, children[1].id])
        let voids = try device.read { db in try db.fetchAll("SELECT target_op_id FROM outbox WHERE type = 'void'").map { try $0[0] as String } }
        #expect(voids == [meals[1].1])
        // After a sync, the server bills the first meal only.
        #expect(try d.spunta(door, ["sync"]).status == 0)
        let serverVoid: String? = try d.query("SELECT target_op_id FROM op WHERE type = 'void'")
        #expect(serverVoid == meals[1].1)
        let billed: Int? = try d.query("SELECT COUNT(*) FROM meal WHERE business_date = ?", [schoolDay])
        let first: Int? = try d.query("SELECT COUNT(*) FROM meal WHERE business_date = ? AND beneficiary_id = ?", [schoolDay, children[0].id])
        #expect(billed == 1)
        #expect(first == 1)
    }

    @Test("a child of the school who does not eat there is named with the class and what to do, whole on 40 columns")
    func notEnrolledNamed() throws {
        let d = try Deployment()
        let door = try Self.door(d)
        let child = try #require(try Self.children(d, where: "b.id NOT IN (SELECT beneficiary_id FROM enrollment WHERE deleted = 0)").first)
        let session = try TmuxSession(columns: 40, rows: 20, command: [Self.spunta, "scan", "--service", "canteen", "--date", schoolDay, "--home", door])
        _ = try Self.expectScreen(session, "the banner") { $0.contains { $0.hasPrefix("Mensa Scuola primaria «Gianni Rodari»") } }
        try Self.scan(session, child.card)
        let screen = try Self.expectScreen(session, "the refusal") { $0.contains { $0.hasPrefix("NO   ") } && $0.contains { $0.hasPrefix("#") } }
        #expect(ScanTests.unwrapped(screen).contains("NO   \(child.name) (\(child.className)): non iscritto alla mensa: chiamare l'ufficio."),
                Self.dump(screen))
        #expect(Self.widest(screen) <= 40, Self.dump(screen))
    }

    /// Whether the terminal at `path` echoes what is typed.
    static func echoes(_ path: String) throws -> Bool {
        let descriptor = open(path, O_RDONLY | O_NOCTTY)
        try #require(descriptor >= 0, "cannot open \(path)")
        defer { close(descriptor) }
        var settings = termios()
        try #require(tcgetattr(descriptor, &settings) == 0)
        return settings.c_lflag & tcflag_t(ECHO) != 0
    }

    @Test("the terminal does not echo while scanning and echoes again when the scan ends: by q, by SIGINT, by SIGTERM", arguments: [0, SIGINT, SIGTERM])
    func echoRestored(_ signal: Int32) throws {
        let d = try Deployment()
        let door = try Self.door(d)
        let pidFile = d.folder.path("scan.pid")
        let session = try TmuxSession(columns: 40, rows: 20, command: [
            "sh", "-c", "echo $$ > '\(pidFile)' && exec '\(Self.spunta)' scan --service canteen --date \(schoolDay) --home '\(door)'",
        ])
        _ = try Self.expectScreen(session, "the banner") { $0.contains { $0.hasPrefix("Mensa Scuola primaria «Gianni Rodari»") } }
        let tty = try session.tmux(["display-message", "-p", "-t", "test", "#{pane_tty}"]).output.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try !Self.echoes(tty), "no echo while scanning")
        if signal == 0 {
            try Self.scan(session, "q")
        } else {
            let pid = try #require(Int32(try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
            kill(pid, signal)
        }
        let screen = try Self.expectScreen(session, "the program ends") { $0.contains { $0.hasPrefix("[exit ") } }
        #expect(try session.exitStatus() == (signal == 0 ? 0 : 128 + signal), Self.dump(screen))
        #expect(try Self.echoes(tty), "the echo is back")
    }
}
