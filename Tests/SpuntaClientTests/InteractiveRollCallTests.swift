import Foundation
import SpuntaStore
import SpuntaTestSupport
import Testing

/// The interactive roll call as a teacher uses it: `spunta roll-call` in a real terminal (tmux) of the
/// handheld's size, keys pressed one by one, the screen read back, then what reached the device's outbox
/// and, after a sync, the server.
@Suite("Interactive roll call in a terminal", .serialized, .enabled(if: TmuxSession.isAvailable, "tmux is not installed: the roll call cannot be driven through a real terminal"))
struct InteractiveRollCallTests {
    static let classID = "S01-1A"

    /// The class as the device lists it: same order as the screen.
    struct Child {
        let id: String
        let name: String
    }

    static func roster(_ d: Deployment) throws -> [Child] {
        try DatabaseQueue(path: d.db).read { db in
            try db.fetchAll(
                "SELECT id, surname || ' ' || given_name FROM beneficiary WHERE class_id = ? AND deleted = 0 ORDER BY surname, given_name, id",
                [classID]
            ).map { Child(id: try $0[0], name: try $0[1]) }
        }
    }

    /// The row of the screen showing `child` (names are cut to 26 columns on a 40-column screen).
    static func row(of child: Child, in screen: [String]) -> String? {
        let shown = String(child.name.prefix(25))
        return screen.first { $0.dropFirst().hasPrefix(shown) }
    }

    /// The mark on a child's row — four letters, with the time of an entry or exit — "?" when not yet marked.
    static func mark(of child: Child, in screen: [String]) -> String? {
        guard let row = row(of: child, in: screen) else { return nil }
        // Trailing spaces are not captured: pad back to the 40 columns of a row.
        let characters = Array(row) + Array(repeating: " ", count: max(0, 40 - row.count))
        guard characters.count >= 38 else { return nil }
        return String(characters[28..<38]).trimmingCharacters(in: .whitespaces)
    }

    static func widest(_ screen: [String]) -> Int {
        screen.map(\.count).max() ?? 0
    }

    static func dump(_ screen: [String]) -> Comment {
        Comment(rawValue: "screen:\n" + screen.map { "|\($0)|" }.joined(separator: "\n"))
    }

    /// Whether the screen has been drawn to the end: the key help on the bottom row (drawn last), or the
    /// answer line of a question, or the program has finished. A capture can fall in the middle of a redraw.
    static func settled(_ screen: [String]) -> Bool {
        guard let last = screen.last(where: { !$0.isEmpty }) else { return false }
        return last.hasSuffix("q fine") || last == ">" || last.hasPrefix("> ") || last.hasPrefix("[exit ")
    }

    /// Waits for `condition` on a whole screen, recording the screen when it does not come.
    static func expectScreen(
        _ session: TmuxSession, _ what: String, sourceLocation: SourceLocation = #_sourceLocation, _ condition: ([String]) -> Bool
    ) throws -> [String] {
        let (screen, matched) = try session.waitForScreen { settled($0) && condition($0) }
        #expect(matched, "\(what)\n\(dump(screen).rawValue)", sourceLocation: sourceLocation)
        return screen
    }

    func outboxMarks(_ home: String) throws -> [String: String] {
        try DatabaseQueue(path: (home as NSString).appendingPathComponent("spunta.sqlite")).read { db in
            var marks: [String: String] = [:]
            for row in try db.fetchAll("SELECT beneficiary_id, status FROM outbox WHERE type = 'attendance_marked' AND business_date = ?", [schoolDay]) {
                let id: String = try row[0]
                #expect(marks[id] == nil, "child \(id) marked twice")
                marks[id] = try row[1]
            }
            return marks
        }
    }

    func serverMarks(_ d: Deployment) throws -> [String: String] {
        try DatabaseQueue(path: d.db).read { db in
            var marks: [String: String] = [:]
            for row in try db.fetchAll("SELECT beneficiary_id, status, time FROM attendance WHERE business_date = ?", [schoolDay]) {
                let time: String? = try row[2]
                marks[try row[0]] = (try row[1] as String) + (time.map { " " + $0 } ?? "")
            }
            return marks
        }
    }

    @Test("on the handheld's 40×20 screen: class and children shown, each key marks the right child, nothing wider than 40 columns, the summary at the end, and exactly those marks reach the server")
    func handheld() throws {
        let d = try Deployment()
        try d.startServer()
        let teacher = try d.device("maestra", role: .teacher, scope: "class:\(Self.classID)")
        let children = try Self.roster(d)
        try #require(children.count >= 6)
        let session = try TmuxSession(
            columns: 40, rows: 20,
            command: [ChildProcess.productsDirectory.appendingPathComponent("spunta").path,
                      "roll-call", "--class", Self.classID, "--date", schoolDay, "--home", teacher]
        )

        var screen = try Self.expectScreen(session, "the roll call opens with the class and its first children") {
            $0.first?.hasPrefix("Appello 1A") == true && Self.row(of: children[0], in: $0) != nil
        }
        #expect(screen.count == 20)
        #expect(screen.first?.contains("05/10/2026") == true, Self.dump(screen))
        #expect(screen.contains { $0.hasPrefix("P 0  A 0  E 0  U 0  ? \(children.count)") }, Self.dump(screen))
        #expect(Self.row(of: children[0], in: screen)?.hasPrefix(">") == true, "the first child is selected\n\(Self.dump(screen).rawValue)")
        // Thirteen children fit between the header and the help lines.
        #expect(children.prefix(13).allSatisfy { Self.row(of: $0, in: screen) != nil }, Self.dump(screen))
        #expect(screen.contains { $0.contains("p pres a ass e entra u esce") }, Self.dump(screen))
        #expect(screen.contains { $0.contains("v periodo t tutti * = da altri q fine") }, Self.dump(screen))
        #expect(Self.widest(screen) <= 40, Self.dump(screen))

        // p: the first child present, the selection moves to the second.
        try session.type("p")
        screen = try Self.expectScreen(session, "first child present") { Self.mark(of: children[0], in: $0) == "PRES" }
        #expect(screen.contains { $0.contains("\(children[0].name.prefix(18))") && $0.contains("presente.") }, Self.dump(screen))
        #expect(Self.row(of: children[1], in: screen)?.hasPrefix(">") == true, Self.dump(screen))

        // a: the second absent.
        try session.type("a")
        screen = try Self.expectScreen(session, "second child absent") { Self.mark(of: children[1], in: $0) == "ASS." }
        #expect(screen.contains { $0.contains("assente.") }, Self.dump(screen))

        // Down arrow: the third is skipped, still to mark.
        try session.press("Down")
        screen = try Self.expectScreen(session, "the arrow moves to the fourth child") {
            Self.row(of: children[3], in: $0)?.hasPrefix(">") == true
        }
        #expect(Self.mark(of: children[2], in: screen) == "?", Self.dump(screen))

        // e: late entry at a time typed on the bottom row.
        try session.type("e")
        screen = try Self.expectScreen(session, "the entry time is asked") { $0.dropLast().last?.hasPrefix("Entrata alle (HH:MM") == true }
        try session.type("09:10")
        screen = try Self.expectScreen(session, "the typed time shows below the question") { $0.last == "> 09:10" }
        #expect(Self.widest(screen) <= 40, Self.dump(screen))
        try session.press("Enter")
        screen = try Self.expectScreen(session, "fourth child late, the time on the row") { Self.mark(of: children[3], in: $0) == "ENTR 09:10" }
        #expect(screen.contains { $0.contains("entrata alle 09:10.") }, Self.dump(screen))

        // u: early exit; a wrong time is refused and nothing is marked.
        try session.type("u")
        _ = try Self.expectScreen(session, "the exit time is asked") { $0.dropLast().last?.hasPrefix("Uscita alle (HH:MM") == true }
        try session.type("25:99")
        try session.press("Enter")
        screen = try Self.expectScreen(session, "a wrong time is refused") { $0.contains { $0.contains("non valido: HH:MM.") } }
        #expect(Self.mark(of: children[4], in: screen) == "?", Self.dump(screen))
        try session.type("u")
        _ = try Self.expectScreen(session, "the exit time is asked again") { $0.dropLast().last?.hasPrefix("Uscita alle (HH:MM") == true }
        try session.type("11:30")
        try session.press("Enter")
        screen = try Self.expectScreen(session, "fifth child leaves early") { Self.mark(of: children[4], in: $0) == "USC. 11:30" }
        #expect(screen.contains { $0.hasPrefix("P 1  A 1  E 1  U 1  ? \(children.count - 4)") }, Self.dump(screen))

        // A key with no meaning says so in Italian.
        try session.type("x")
        screen = try Self.expectScreen(session, "an unknown key is named") { $0.contains { $0.contains("Tasto non previsto.") } }
        // The legend's «*» is the sign after a name marked by another device: pressed, it says so, whole.
        #expect(screen.contains { $0.contains("* = da altri") }, Self.dump(screen))
        try session.type("*")
        screen = try Self.expectScreen(session, "the sign «*» explained") { $0.contains { $0.hasPrefix("«*» dopo il nome: segno messo da") } }
        #expect(!screen.contains { $0.contains("Tasto non previsto.") }, Self.dump(screen))
        #expect(Self.widest(screen) <= 40, Self.dump(screen))

        // Down to the end of the list: the list scrolls, the header stays.
        for _ in 0..<children.count { try session.press("Down") }
        screen = try Self.expectScreen(session, "the last child is selected") {
            Self.row(of: children[children.count - 1], in: $0)?.hasPrefix(">") == true
        }
        #expect(screen.first?.hasPrefix("Appello 1A") == true, Self.dump(screen))
        #expect(screen.count == 20 && Self.widest(screen) <= 40, Self.dump(screen))

        // t: everyone not yet marked present.
        try session.type("t")
        screen = try Self.expectScreen(session, "everyone else present") { $0.contains { $0.contains("\(children.count - 4) segnati presenti.") } }
        #expect(screen.contains { $0.hasPrefix("P \(children.count - 3)  A 1  E 1  U 1  ? 0") }, Self.dump(screen))
        #expect(Self.widest(screen) <= 40, Self.dump(screen))

        // q: the summary, and the program ends well.
        try session.type("q")
        screen = try Self.expectScreen(session, "the summary") {
            $0.contains { $0.contains("Appello salvato: \(children.count) di \(children.count) segnati.") }
        }
        let status = try session.waitForScreen { _ in (try? session.exitStatus()) != nil }
        #expect(status.matched)
        #expect(try session.exitStatus() == 0)

        // The outbox holds one mark per child, the ones made.
        var expected: [String: String] = [:]
        for child in children { expected[child.id] = "present" }
        expected[children[1].id] = "absent"
        expected[children[3].id] = "late_entry"
        expected[children[4].id] = "early_exit"
        #expect(try outboxMarks(teacher) == expected)

        // After a sync the server's register is the same, with the times typed.
        let sync = try d.spunta(teacher, ["sync"])
        #expect(sync.status == 0, "\(sync.errors)")
        expected[children[3].id] = "late_entry 09:10"
        expected[children[4].id] = "early_exit 11:30"
        #expect(try serverMarks(d) == expected)
        let ops: Int? = try d.query("SELECT COUNT(*) FROM op WHERE type = 'attendance_marked' AND business_date = ?", [schoolDay])
        #expect(ops == children.count)
    }

    @Test("on an 80×24 terminal: the screen keeps 40 columns and uses every row, a past absence is justified with g, and a resize to the handheld's size redraws within it")
    func wideTerminal() throws {
        let d = try Deployment()
        try d.startServer()
        let teacher = try d.device("maestra", role: .teacher, scope: "class:\(Self.classID)")
        let children = try Self.roster(d)
        try #require(children.count >= 4)
        // Absent on Friday, not yet justified.
        let friday = try d.spunta(teacher, ["roll-call", "--class", Self.classID, "--date", "2026-10-02", "--absent", children[0].id])
        #expect(friday.status == 0, "\(friday.errors)")
        let session = try TmuxSession(
            columns: 80, rows: 24,
            command: [ChildProcess.productsDirectory.appendingPathComponent("spunta").path,
                      "roll-call", "--class", Self.classID, "--date", schoolDay, "--home", teacher]
        )

        var screen = try Self.expectScreen(session, "the roll call opens") {
            $0.first?.hasPrefix("Appello 1A") == true && Self.row(of: children[0], in: $0) != nil
        }
        #expect(screen.count == 24)
        #expect(Self.widest(screen) <= 40, Self.dump(screen))
        // Sixteen children on 24 rows: below them the first child whole takes two rows (her days to justify).
        #expect(children.prefix(16).allSatisfy { Self.row(of: $0, in: screen) != nil }, Self.dump(screen))
        // The child absent on Friday carries the g flag; the others do not.
        #expect(Self.row(of: children[0], in: screen)?.hasSuffix(" g") == true, Self.dump(screen))
        #expect(Self.row(of: children[1], in: screen)?.hasSuffix(" g") == false, Self.dump(screen))

        try session.type("g")
        screen = try Self.expectScreen(session, "the reason is asked") { $0.dropLast().last?.hasPrefix("Motivo per 02/10/2026") == true }
        #expect(Self.widest(screen) <= 40, Self.dump(screen))
        // A long answer: its end stays in view on the bottom row, the row stays within 40 columns.
        try session.type("febbre, certificato del medico di famiglia")
        screen = try Self.expectScreen(session, "the end of the answer shows") { $0.last?.hasSuffix("medico di famiglia") == true }
        #expect(Self.widest(screen) <= 40, Self.dump(screen))
        try session.press("Enter")
        screen = try Self.expectScreen(session, "the absence is justified") { $0.contains { $0.contains("Giustificata 1 assenza.") } }
        #expect(Self.row(of: children[0], in: screen)?.hasSuffix(" g") == false, Self.dump(screen))

        // g on a child with nothing to justify.
        try session.press("Down")
        try session.type("g")
        // The message says why nothing is asked: only past days' absences are justified, when the child is back.
        screen = try Self.expectScreen(session, "nothing to justify") {
            $0.joined(separator: " ").contains("nessuna assenza dei giorni passati da giustificare (si giustifica al rientro).")
        }
        #expect(Self.widest(screen) <= 40, Self.dump(screen))

        // The terminal shrinks to the handheld's size: the screen is redrawn to fit it without a key press.
        try session.resize(columns: 40, rows: 20)
        let redrawn = try Self.expectScreen(session, "the screen redrawn after the resize alone") { lines in
            lines.first?.hasPrefix("Appello 1A") == true && lines.contains { $0.contains("q fine") }
        }
        #expect(Self.widest(redrawn) <= 40, Self.dump(redrawn))
        try session.type("a")
        screen = try Self.expectScreen(session, "second child absent after the resize") { Self.mark(of: children[1], in: $0) == "ASS." }
        #expect(screen.count == 20)
        #expect(screen.first?.hasPrefix("Appello 1A") == true, Self.dump(screen))
        #expect(screen.contains { $0.contains("v periodo t tutti * = da altri q fine") }, Self.dump(screen))
        #expect(Self.widest(screen) <= 40, Self.dump(screen))

        try session.type("q")
        _ = try Self.expectScreen(session, "the summary") { $0.contains { $0.contains("Appello salvato: 1 di \(children.count) segnati.") } }
        #expect(try session.waitForScreen { _ in (try? session.exitStatus()) != nil }.matched, "the program did not end")
        #expect(try session.exitStatus() == 0)

        #expect(try outboxMarks(teacher) == [children[1].id: "absent"])
        #expect(try d.spunta(teacher, ["sync"]).status == 0)
        let reason: String? = try d.query(
            "SELECT reason FROM justification WHERE beneficiary_id = ? AND absence_date = '2026-10-02'", [children[0].id]
        )
        #expect(reason == "febbre, certificato del medico di famiglia")
        #expect(try serverMarks(d) == [children[1].id: "absent"])
    }

    @Test("v on the screen: the selected child is away from the register's day through the day typed, shown absent, and the period reaches the server")
    func absencePeriodKey() throws {
        let d = try Deployment()
        try d.startServer()
        let teacher = try d.device("maestra", role: .teacher, scope: "class:\(Self.classID)")
        let children = try Self.roster(d)
        let session = try Self.screen(teacher)
        _ = try Self.expectScreen(session, "the roll call opens") { Self.row(of: children[0], in: $0) != nil }
        try session.type("v")
        var screen = try Self.expectScreen(session, "the last day is asked") { $0.dropLast().last?.hasPrefix("Fino al (AAAA-MM-GG o GG/MM/AAAA):") == true }
        try session.type("07/10/2026")
        try session.press("Enter")
        screen = try Self.expectScreen(session, "the reason is asked") { $0.dropLast().last?.hasPrefix("Motivo dell'assenza") == true }
        try session.type("gita della famiglia")
        try session.press("Enter")
        screen = try Self.expectScreen(session, "the child is absent for the period") { lines in
            Self.mark(of: children[0], in: lines) == "ASS." && lines.contains { $0.contains("07/10/2026") }
        }
        #expect(Self.widest(screen) <= 40, Self.dump(screen))
        try session.type("q")
        _ = try session.waitForScreen { _ in (try? session.exitStatus()) != nil }
        #expect(try session.exitStatus() == 0)
        #expect(try d.spunta(teacher, ["sync"]).status == 0)
        let period: String? = try d.query(
            "SELECT absence_date || '..' || absence_to FROM op WHERE type = 'absence_period_recorded' AND beneficiary_id = ?", [children[0].id]
        )
        #expect(period == "2026-10-05..2026-10-07")
        #expect(try serverMarks(d)[children[0].id] == "absent")
    }

    /// The roll call screen on a device folder, at the handheld's size.
    static func screen(_ home: String, date: String = schoolDay) throws -> TmuxSession {
        try TmuxSession(
            columns: 40, rows: 20,
            command: [ChildProcess.productsDirectory.appendingPathComponent("spunta").path,
                      "roll-call", "--class", classID, "--date", date, "--home", home]
        )
    }

    static func roster(_ teacher: FieldDevice) throws -> [Child] {
        try teacher.queue().read { db in
            try db.fetchAll("SELECT id, surname || ' ' || given_name FROM beneficiary WHERE class_id = ? ORDER BY surname, given_name, id", [classID])
                .map { Child(id: try $0[0], name: try $0[1]) }
        }
    }

    @Test("a one-shot --absent after an interactive roll call keeps every earlier mark (an absence, a late entry at 09:15, an early exit at 11:30); reopened, the screen starts on the first child to mark and shows the times")
    func oneShotAfterInteractive() throws {
        let teacher = try FieldDevice(.teacher)
        let children = try Self.roster(teacher)
        try #require(children.count >= 6)
        var session = try Self.screen(teacher.home)
        _ = try Self.expectScreen(session, "the roll call opens on the first child") { Self.row(of: children[0], in: $0)?.hasPrefix(">") == true }
        try session.type("a")
        _ = try Self.expectScreen(session, "first child absent") { Self.mark(of: children[0], in: $0) == "ASS." }
        try session.type("e")
        _ = try Self.expectScreen(session, "the entry time is asked, for a day that is not today") {
            $0.dropLast().last?.hasPrefix("Entrata alle (HH:MM) del 05/10/2026") == true
        }
        // On a day that is not today, Enter alone is no time: nothing is saved and the screen says why.
        try session.press("Enter")
        var screen = try Self.expectScreen(session, "the time is required") { Self.text($0).contains("Manca l'orario dell'entrata posticipata") }
        #expect(Self.mark(of: children[1], in: screen) == "?", Self.dump(screen))
        #expect(Self.widest(screen) <= 40, Self.dump(screen))
        try session.type("e")
        _ = try Self.expectScreen(session, "the entry time is asked again") { $0.dropLast().last?.hasPrefix("Entrata alle") == true }
        try session.type("09:15")
        try session.press("Enter")
        _ = try Self.expectScreen(session, "second child late at 09:15") { Self.mark(of: children[1], in: $0) == "ENTR 09:15" }
        try session.type("u")
        _ = try Self.expectScreen(session, "the exit time is asked") { $0.dropLast().last?.hasPrefix("Uscita alle") == true }
        try session.type("11:30")
        try session.press("Enter")
        screen = try Self.expectScreen(session, "third child out at 11:30") { Self.mark(of: children[2], in: $0) == "USC. 11:30" }
        #expect(Self.widest(screen) <= 40, Self.dump(screen))
        try session.type("q")
        #expect(try session.waitForScreen { _ in (try? session.exitStatus()) != nil }.matched, "the program did not end")
        #expect(try session.exitStatus() == 0)

        // Later, from a script: one more absence, the fifth child.
        let oneShot = try teacher.spunta(["roll-call", "--date", schoolDay, "--absent", children[4].id])
        #expect(oneShot.status == 0, "\(oneShot.errors)")
        let marks = try RollCallTests.marks(teacher)
        #expect(marks == [children[0].id: "absent", children[1].id: "late_entry 09:15", children[2].id: "early_exit 11:30",
                          children[4].id: "absent"])

        // Reopened: the cursor is on the fourth child, the first still to mark; the marks show with their times.
        session = try Self.screen(teacher.home)
        screen = try Self.expectScreen(session, "the screen reopens on the first child to mark") {
            Self.row(of: children[3], in: $0)?.hasPrefix(">") == true
        }
        #expect(Self.mark(of: children[0], in: screen) == "ASS.", Self.dump(screen))
        #expect(Self.mark(of: children[1], in: screen) == "ENTR 09:15", Self.dump(screen))
        #expect(Self.mark(of: children[2], in: screen) == "USC. 11:30", Self.dump(screen))
        #expect(Self.mark(of: children[4], in: screen) == "ASS.", Self.dump(screen))
        #expect(Self.mark(of: children[3], in: screen) == "?", Self.dump(screen))
        // Under the list, the selected child whole.
        #expect(Self.text(screen).contains("\(children[3].name): da segnare"), Self.dump(screen))
        #expect(screen.contains { $0.hasPrefix("P 0  A 2  E 1  U 1  ? \(children.count - 4)") }, Self.dump(screen))
        #expect(screen.count == 20 && Self.widest(screen) <= 40, Self.dump(screen))
        try session.type("q")
        #expect(try session.waitForScreen { _ in (try? session.exitStatus()) != nil }.matched, "the program did not end")
    }

    @Test("on the handheld's 40×20 screen the children with a severe allergy come first, on top, each with the emergency plan whole; when the plans would crowd out the list, their names stay on top and the plan shows with the child selected")
    func severeAllergiesOnTop() throws {
        let teacher = try FieldDevice(.teacher)
        let children = try Self.roster(teacher)
        try #require(children.count >= 8)
        let plan = SevereAllergyTests.plan
        func give(_ severe: [Child]) throws {
            try teacher.queue().write { db in
                for child in severe { try db.run("UPDATE beneficiary SET emergency_plan = ? WHERE id = ?", [plan, child.id]) }
            }
        }

        try give([children[2], children[5]])
        var session = try Self.screen(teacher.home)
        var screen = try Self.expectScreen(session, "the roll call opens with the allergies on top") { lines in
            lines.contains("ALLERGIE GRAVI:") && Self.row(of: children[0], in: lines) != nil
        }
        #expect(screen.count == 20 && Self.widest(screen) <= 40, Self.dump(screen))
        var top = try #require(screen.firstIndex(of: "ALLERGIE GRAVI:"), Self.dump(screen))
        var counts = try #require(screen.firstIndex { $0.hasPrefix("P 0  A 0") }, Self.dump(screen))
        #expect(top == 1 && top < counts, "the block comes right under the title, before the register\n\(Self.dump(screen).rawValue)")
        var block = Self.text(Array(screen[top..<counts]))
        #expect(block == "ALLERGIE GRAVI: ! \(children[2].name): \(plan) ! \(children[5].name): \(plan)", Self.dump(screen))
        // The register is still there, with the flag on the rows of those children.
        #expect(Self.row(of: children[2], in: screen)?.hasSuffix("!") == true, Self.dump(screen))
        #expect(screen.contains { $0.contains("v periodo t tutti * = da altri q fine") }, Self.dump(screen))
        try session.type("q")
        _ = try session.waitForScreen { _ in (try? session.exitStatus()) != nil }

        // Five plans do not fit whole above the list: the names stay on top, and each plan with its child.
        let severe = [children[1], children[2], children[3], children[5], children[7]]
        try give(severe)
        session = try Self.screen(teacher.home)
        screen = try Self.expectScreen(session, "the roll call opens with the names of the allergic children on top") { lines in
            lines.contains { $0.hasPrefix("! ALLERGIE GRAVI") } && Self.row(of: children[0], in: lines) != nil
        }
        #expect(screen.count == 20 && Self.widest(screen) <= 40, Self.dump(screen))
        top = try #require(screen.firstIndex { $0.hasPrefix("! ALLERGIE GRAVI") }, Self.dump(screen))
        counts = try #require(screen.firstIndex { $0.hasPrefix("P 0  A 0") }, Self.dump(screen))
        block = Self.text(Array(screen[top..<counts]))
        #expect(top == 1 && block == "! ALLERGIE GRAVI (piano con il bambino selezionato): " + severe.map(\.name).joined(separator: ", "),
                Self.dump(screen))
        #expect(screen.count - counts >= 4 + 2, "the list keeps its rows\n\(Self.dump(screen).rawValue)")
        try session.press("Down")
        screen = try Self.expectScreen(session, "the selected allergic child shows the plan whole") { lines in
            Self.row(of: children[1], in: lines)?.hasPrefix(">") == true
        }
        #expect(Self.text(screen).contains("ALLERGIA GRAVE: \(plan)"), Self.dump(screen))
        #expect(Self.widest(screen) <= 40, Self.dump(screen))
        try session.type("q")
        _ = try session.waitForScreen { _ in (try? session.exitStatus()) != nil }
        #expect(try session.exitStatus() == 0)
    }

    /// The screen's rows as one text (rows wrapped by the screen joined back).
    static func text(_ screen: [String]) -> String {
        screen.map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
    }
}
