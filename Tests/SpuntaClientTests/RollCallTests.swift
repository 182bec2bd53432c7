import Foundation
import Testing
import SpuntaCLI
import SpuntaClient
import SpuntaDomain
import SpuntaTestSupport

/// The teacher's roll call without the interactive screen, with the real `spunta` on a copy of an enrolled
/// teacher's device, offline.
@Suite("Roll call for scripts")
struct RollCallTests {
    static func rollCall(_ date: String = schoolDay) -> [String] { ["roll-call", "--class", "S01-1A", "--date", date] }

    static func children(_ teacher: FieldDevice) throws -> [String] {
        try teacher.strings("SELECT id FROM beneficiary WHERE class_id = 'S01-1A' ORDER BY surname, given_name, id")
    }

    /// The child of the class with this surname and given name.
    static func id(_ teacher: FieldDevice, _ surname: String, _ givenName: String? = nil) throws -> String {
        try #require(try teacher.strings(
            "SELECT id FROM beneficiary WHERE class_id = 'S01-1A' AND surname = ? AND (? IS NULL OR given_name = ?) ORDER BY id",
            [surname, givenName, givenName]
        ).first)
    }

    /// The register as `--list --json` prints it, by child.
    static func register(_ teacher: FieldDevice, _ date: String = schoolDay) throws -> [String: [String: Any]] {
        let entries = JSON.array(try teacher.spunta(rollCall(date) + ["--list", "--json"]).output.joined())
        var byChild: [String: [String: Any]] = [:]
        for entry in entries { if let id = entry["beneficiary_id"] as? String { byChild[id] = entry } }
        return byChild
    }

    /// The mark of each child, "status time" (or "status"), children without a mark left out.
    static func marks(_ teacher: FieldDevice, _ date: String = schoolDay) throws -> [String: String] {
        try register(teacher, date).compactMapValues { entry in
            guard let status = entry["status"] as? String else { return nil }
            return status + ((entry["time"] as? String).map { " " + $0 } ?? "")
        }
    }

    /// Printed lines read back as one text: wrapped lines joined, their indentation folded into one space.
    static func text(_ lines: [String]) -> String {
        lines.map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
    }

    /// Printed lines read back as paragraphs: a wrapped line's continuations (indented) joined to it; an item of
    /// a list ("  - …") is a paragraph of its own.
    static func paragraphs(_ lines: [String]) -> [String] {
        var result: [String] = []
        for line in lines {
            if line.hasPrefix("  - ") {
                result.append(line.trimmingCharacters(in: .whitespaces))
            } else if line.hasPrefix("  "), let last = result.popLast() {
                result.append(last + " " + line.trimmingCharacters(in: .whitespaces))
            } else {
                result.append(line)
            }
        }
        return result
    }

    /// A date that is not today, whatever day the tests run on.
    static var notToday: String {
        BusinessCalendar.date(of: Date()).description == schoolDay ? "2026-10-06" : schoolDay
    }

    @Test("--absent, --late ID@HH:MM and --early-exit ID@HH:MM mark those children; --rest-present marks everyone else present")
    func scripted() throws {
        let teacher = try FieldDevice(.teacher)
        let ids = try Self.children(teacher)
        try #require(ids.count > 5)
        let result = try teacher.spunta(Self.rollCall() + [
            "--absent", "\(ids[0]),\(ids[1])", "--late", "\(ids[2])@08:40", "--early-exit", "\(ids[3])@11:30", "--rest-present",
        ])
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.output.first == "Appello 1A del 05/10/2026: \(ids.count) segnati.")
        #expect(result.output.contains("Gli altri \(ids.count - 4) segnati presenti."), "\(result.output)")
        #expect(result.output.allSatisfy { TextWidth.of($0) <= 40 }, "\(result.output)")
        #expect(try teacher.recordedOps == ids.count)
        let register = try Self.register(teacher)
        #expect(register.count == ids.count)
        #expect(register[ids[0]]?["status"] as? String == "absent")
        #expect(register[ids[1]]?["status"] as? String == "absent")
        #expect(register[ids[2]]?["status"] as? String == "late_entry")
        #expect(register[ids[2]]?["time"] as? String == "08:40")
        #expect(register[ids[3]]?["status"] as? String == "early_exit")
        #expect(register[ids[3]]?["time"] as? String == "11:30")
        for id in ids.dropFirst(4) {
            #expect(register[id]?["status"] as? String == "present")
            #expect(register[id]?["marked_elsewhere"] as? Bool == false)
        }
        // The human listing says it in Italian, with the times.
        let listed = Self.paragraphs(try teacher.spunta(Self.rollCall() + ["--list"]).output)
        #expect(listed.contains { $0.hasPrefix(ids[0]) && $0.hasSuffix("assente") })
        #expect(listed.contains { $0.hasPrefix(ids[2]) && $0.hasSuffix("entrata alle 08:40") }, "\(listed)")
        #expect(listed.contains { $0.hasPrefix(ids[3]) && $0.hasSuffix("uscita alle 11:30") }, "\(listed)")
    }

    @Test("a one-shot --absent after an earlier roll call changes only that child: an absence, a late entry at 09:15 and an early exit at 11:30 stay as they were")
    func oneShotKeepsEarlierMarks() throws {
        let teacher = try FieldDevice(.teacher)
        let ids = try Self.children(teacher)
        try #require(ids.count > 6)
        // The morning's roll call, with everyone marked.
        let morning = try teacher.spunta(Self.rollCall() + [
            "--absent", ids[0], "--late", "\(ids[1])@09:15", "--early-exit", "\(ids[2])@11:30", "--rest-present",
        ])
        #expect(morning.status == 0, "\(morning.errors)")
        let before = try Self.marks(teacher)
        #expect(before.count == ids.count)
        // Later, one more absence.
        let later = try teacher.spunta(Self.rollCall() + ["--absent", ids[4]])
        #expect(later.status == 0, "\(later.errors)")
        #expect(Self.text(later.output).contains("assente (prima: presente)"), "\(later.output)")
        var expected = before
        expected[ids[4]] = "absent"
        #expect(try Self.marks(teacher) == expected)
        #expect(try teacher.recordedOps == ids.count + 1)
    }

    @Test("--rest-present marks only the children without a mark; those who have one keep it, and are named")
    func restPresentKeepsMarks() throws {
        let teacher = try FieldDevice(.teacher)
        let ids = try Self.children(teacher)
        #expect(try teacher.spunta(Self.rollCall() + ["--absent", ids[0], "--late", "\(ids[1])@09:15"]).status == 0)
        let names = try teacher.strings("SELECT surname || ' ' || given_name FROM beneficiary WHERE id IN (?, ?) ORDER BY surname, given_name",
                                        [ids[0], ids[1]])
        let result = try teacher.spunta(Self.rollCall() + ["--rest-present"])
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.output.contains("Gli altri \(ids.count - 2) segnati presenti."), "\(result.output)")
        #expect(result.output.contains("Già segnati, lasciati come erano (2):"), "\(result.output)")
        #expect(result.output.contains { $0.contains(names[0]) }, "\(result.output)")
        #expect(result.output.contains { $0.contains("entrata alle 09:15") }, "\(result.output)")
        let marks = try Self.marks(teacher)
        #expect(marks[ids[0]] == "absent")
        #expect(marks[ids[1]] == "late_entry 09:15")
        #expect(ids.dropFirst(2).allSatisfy { marks[$0] == "present" })
        // Without it, the children not named stay to mark, and the command says how many.
        let other = try FieldDevice(.teacher)
        let alone = try other.spunta(Self.rollCall() + ["--absent", ids[0]])
        #expect(Self.paragraphs(alone.output).contains("Da segnare ancora: \(ids.count - 1) (--rest-present per segnarli presenti)."), "\(alone.output)")
        #expect(try Self.marks(other) == [ids[0]: "absent"])
    }

    @Test("--present changes a child's earlier mark, and says what it was")
    func presentOverridesNamedChild() throws {
        let teacher = try FieldDevice(.teacher)
        let child = try Self.id(teacher, "Coppola")
        #expect(try teacher.spunta(Self.rollCall() + ["--absent", child]).status == 0)
        let result = try teacher.spunta(Self.rollCall() + ["--present", "coppola"])
        #expect(result.status == 0, "\(result.errors)")
        #expect(Self.paragraphs(result.output).contains("Coppola Ginevra: presente (prima: assente)."), "\(result.output)")
        #expect(try Self.marks(teacher) == [child: "present"])
    }

    @Test("children are named by a unique beginning of the name, accents, case and apostrophes ignored", arguments: [
        ("copp", "Coppola", nil), ("COPPOLA", "Coppola", nil), ("fi", "Fiore", nil), ("favaro s", "Favaro", "Silvia"),
        ("Favaro Riccardo", "Favaro", "Riccardo"), ("damico", "D'Amico", nil), ("d'ami", "D'Amico", nil), ("ROSSETTI l", "Rossetti", nil),
    ] as [(String, String, String?)])
    func byName(_ typed: String, _ surname: String, _ givenName: String?) throws {
        let teacher = try FieldDevice(.teacher)
        let child = try Self.id(teacher, surname, givenName)
        let result = try teacher.spunta(Self.rollCall() + ["--absent", typed])
        #expect(result.status == 0, "\(result.errors)")
        #expect(try Self.marks(teacher) == [child: "absent"])
    }

    @Test("a beginning that fits several children is refused with the list of them, and nothing is saved", arguments: ["Fa", "favaro", "f", "Ferraro"])
    func ambiguous(_ typed: String) throws {
        let teacher = try FieldDevice(.teacher)
        let candidates = try teacher.strings("""
            SELECT surname || ' ' || given_name || ' (' || id || ')' FROM beneficiary WHERE class_id = 'S01-1A'
                AND lower(surname) LIKE ? ORDER BY surname, given_name, id
            """, [typed.lowercased() + "%"])
        try #require(candidates.count >= 2)
        let result = try teacher.spunta(Self.rollCall() + ["--late", "\(typed)@09:00", "--absent", "Coppola"])
        #expect(result.status == 1)
        #expect(result.errors.contains("«\(typed)» indica più bambini: \(candidates.joined(separator: ", ")). "), "\(result.errors)")
        #expect(result.errors.contains("Nulla è stato salvato."))
        #expect(try teacher.recordedOps == 0)
    }

    @Test("Niccolò and Nicolò… each found by its own spelling, with or without the accent; a shorter beginning lists both", arguments: [
        ("Niccolò", "B9990"), ("niccolo", "B9990"), ("NICCOLÒ A", "B9990"), ("nicc", "B9990"),
        ("Nicolo", "B9991"), ("Nicolò", "B9991"), ("nicolosi", "B9991"),
    ])
    func accented(_ typed: String, _ expected: String) throws {
        let teacher = try FieldDevice(.teacher)
        try teacher.queue().write { db in
            try db.run("INSERT INTO beneficiary (id, surname, given_name, class_id) VALUES ('B9990', 'Niccolò', 'Anna', 'S01-1A')")
            // Decomposed: an o followed by a combining grave accent, as some keyboards and files write it.
            try db.run("INSERT INTO beneficiary (id, surname, given_name, class_id) VALUES ('B9991', 'Nicolo\u{0300}si', 'Marco', 'S01-1A')")
        }
        let result = try teacher.spunta(Self.rollCall() + ["--absent", typed])
        #expect(result.status == 0, "\(result.errors)")
        #expect(try Self.marks(teacher) == [expected: "absent"])
        let both = try teacher.spunta(Self.rollCall() + ["--absent", "Nic"])
        #expect(both.status == 1)
        #expect(both.errors.contains("Niccolò Anna (B9990)") && both.errors.contains("B9991"), "\(both.errors)")
    }

    @Test("an unknown child, by code or name, gives an Italian error and records nothing", arguments: [
        ["--absent", "B9999"], ["--late", "B9999@08:30"], ["--early-exit", "Zzz@11:00"], ["--present", "B9999"],
    ])
    func unknownChild(_ options: [String]) throws {
        let teacher = try FieldDevice(.teacher)
        let known = try #require(try Self.children(teacher).first)
        let result = try teacher.spunta(Self.rollCall() + options + (options[0] == "--absent" ? [] : ["--absent", known]))
        #expect(result.status == 1)
        let typed = options[1].split(separator: "@")[0]
        #expect(result.errors.contains("«\(typed)»: nessun bambino della classe 1A con questo codice o cognome."), "\(result.errors)")
        #expect(try teacher.recordedOps == 0)
    }

    @Test("the same child in two options is refused and nothing is saved")
    func namedTwice() throws {
        let teacher = try FieldDevice(.teacher)
        let child = try Self.id(teacher, "Coppola")
        let result = try teacher.spunta(Self.rollCall() + ["--absent", child, "--late", "coppola@09:00"])
        #expect(result.status == 1)
        #expect(result.errors.contains("Coppola Ginevra è indicato due volte (--absent e --late)"), "\(result.errors)")
        #expect(try teacher.recordedOps == 0)
    }

    @Test("a day without school is refused before anything is saved, naming the day, unless --force", arguments: [
        ("2026-11-28", "Sabato 28/11/2026 non è un giorno di scuola (fine settimana)"),
        ("2026-11-11", "Mercoledì 11/11/2026 non è un giorno di scuola (Festa del patrono (San Martino))"),
        ("2026-12-08", "Martedì 08/12/2026 non è un giorno di scuola (Immacolata Concezione)"),
        ("2027-04-25", "Domenica 25/04/2027 non è un giorno di scuola (festa nazionale: Festa della Liberazione)"),
    ])
    func closedDay(_ date: String, _ message: String) throws {
        let teacher = try FieldDevice(.teacher)
        let ids = try Self.children(teacher)
        let refused = try teacher.spunta(Self.rollCall(date) + ["--absent", ids[0], "--late", "\(ids[1])@09:15", "--rest-present"])
        #expect(refused.status == 1)
        #expect(refused.errors.contains(message + ": nulla è stato salvato. Se si deve segnare proprio quel giorno, ripetere con --force."),
                "\(refused.errors)")
        #expect(!refused.errors.contains("oggi"))
        #expect(try teacher.recordedOps == 0)
        // The list shows the register and the warning; with --force the marks are saved.
        let listed = Self.text(try teacher.spunta(Self.rollCall(date) + ["--list"]).output)
        #expect(listed.contains("Attenzione: " + message.prefix(1).lowercased() + message.dropFirst()), "\(listed)")
        let forced = try teacher.spunta(Self.rollCall(date) + ["--absent", ids[0], "--force"])
        #expect(forced.status == 0, "\(forced.errors)")
        #expect(try Self.marks(teacher, date) == [ids[0]: "absent"])
    }

    @Test("a late entry or an early exit on another day than today needs its time; with it, it is saved")
    func pastDateNeedsTime() throws {
        let teacher = try FieldDevice(.teacher)
        let child = try Self.id(teacher, "Coppola")
        let other = try Self.id(teacher, "Fiore")
        let date = try #require(LocalDate(Self.notToday))
        for option in ["--late", "--early-exit"] {
            let refused = try teacher.spunta(Self.rollCall(date.description) + ["--absent", other, option, "coppola"])
            #expect(refused.status == 1)
            let what = option == "--late" ? "entrata posticipata" : "uscita anticipata"
            #expect(refused.errors.contains("Manca l'orario dell'\(what) di Coppola Ginevra: il \(date.italian) non è oggi"), "\(refused.errors)")
            #expect(refused.errors.contains("(es. \(child)@09:15)"), "\(refused.errors)")
            #expect(try teacher.recordedOps == 0)
        }
        #expect(try teacher.spunta(Self.rollCall(date.description) + ["--late", "coppola@09:20"]).status == 0)
        #expect(try Self.marks(teacher, date.description) == [child: "late_entry 09:20"])
    }

    @Test("--list shows the register: header, times, justifications and long names wrapped within 40 columns, never cut; nothing recorded")
    func listOnly() throws {
        let teacher = try FieldDevice(.teacher)
        let longName = "Dell'Acqua Santangelo Bevilacqua"
        try teacher.queue().write { db in
            try db.run("INSERT INTO beneficiary (id, surname, given_name, class_id) VALUES ('B9995', ?, 'Maria Vittoria Benedetta', 'S01-1A')", [longName])
        }
        let children = try Self.children(teacher)
        let result = try teacher.spunta(Self.rollCall() + ["--list"])
        #expect(result.status == 0)
        #expect(Self.paragraphs(result.output).first == "Appello 1A di lunedì 05/10/2026: 0 segnati, \(children.count) da segnare.")
        #expect(result.output.allSatisfy { TextWidth.of($0) <= 40 }, "\(result.output)")
        #expect(Self.paragraphs(result.output).dropFirst().filter { $0.hasSuffix(": da segnare") }.count == children.count, "\(result.output)")
        let joined = Self.text(result.output)
        #expect(joined.contains("B9995 \(longName) Maria Vittoria Benedetta: da segnare"), "\(joined)")
        #expect(!joined.contains("…"))
        #expect(try teacher.recordedOps == 0)
    }

    @Test("an absence on an earlier day is listed as to justify until it is justified, then --list shows the justification")
    func justifyPastAbsence() throws {
        let teacher = try FieldDevice(.teacher)
        let child = try Self.id(teacher, "Coppola")
        #expect(try teacher.spunta(Self.rollCall("2026-10-05") + ["--absent", child]).status == 0)
        let nextDay = try Self.register(teacher, "2026-10-06")
        #expect(nextDay[child]?["unjustified"] as? [String] == ["2026-10-05"])
        let human = Self.paragraphs(try teacher.spunta(Self.rollCall("2026-10-06") + ["--list"]).output)
        #expect(human.contains { $0.hasPrefix(child) && $0.contains("da giustificare: 05/10/2026") }, "\(human)")

        let justified = try teacher.spunta(Self.rollCall("2026-10-06") + ["--justify", "coppola:2026-10-05", "--reason", "visita medica"])
        #expect(justified.status == 0, "\(justified.errors)")
        #expect(justified.output == ["Assenza di Coppola Ginevra del", "  05/10/2026 giustificata."], "\(justified.output)")
        let after = try Self.register(teacher, "2026-10-06")[child]
        #expect(after?["unjustified"] as? [String] == [])
        #expect((after?["justifications"] as? [[String: Any]])?.first?["reason"] as? String == "visita medica")
        let listed = Self.text(try teacher.spunta(Self.rollCall("2026-10-06") + ["--list"]).output)
        #expect(listed.contains("giustificate: 05/10/2026 (visita medica)"), "\(listed)")
        let sameDay = Self.text(try teacher.spunta(Self.rollCall("2026-10-05") + ["--list"]).output)
        #expect(sameDay.contains("Coppola Ginevra: assente, giustificata: visita medica"), "\(sameDay)")
        let op: String? = try teacher.scalar("SELECT json FROM outbox WHERE type = 'absence_justified'")
        #expect(op?.contains("visita medica") == true)
        // Without a reason it is a usage error, and nothing more is recorded.
        let before = try teacher.recordedOps
        let refused = try teacher.spunta(Self.rollCall("2026-10-06") + ["--justify", "\(child):2026-10-05"])
        #expect(refused.status == 2)
        #expect(refused.errors.contains("--justify richiede --reason"))
        #expect(try teacher.recordedOps == before)
    }

    @Test("an unknown child alongside a justification: the error comes first and nothing at all is recorded")
    func unknownChildWithJustification() throws {
        let teacher = try FieldDevice(.teacher)
        let child = try #require(try Self.children(teacher).first)
        let result = try teacher.spunta(Self.rollCall("2026-10-06") + [
            "--justify", "\(child):2026-10-05", "--reason", "febbre", "--absent", "B9999",
        ])
        #expect(result.status == 1)
        #expect(result.errors.contains("B9999"))
        #expect(try teacher.recordedOps == 0)
    }

    @Test("justifying a child of another class is refused and records nothing")
    func justifyOtherClass() throws {
        let teacher = try FieldDevice(.teacher)
        let result = try teacher.spunta(Self.rollCall("2026-10-06") + ["--justify", "B9998:2026-10-05", "--reason", "febbre"])
        #expect(result.status == 1)
        #expect(result.errors.contains("B9998"), "\(result.errors)")
        #expect(try teacher.recordedOps == 0)
        // Through the library too, with a child the device knows but who is in another class (moved since).
        let queue = try teacher.queue()
        try queue.write { try $0.run("INSERT INTO beneficiary (id, surname, given_name, class_id) VALUES ('B9997', 'Altra', 'Classe', 'S01-2A')") }
        let device = try queue.read { try EnrolledDevice.require($0) }
        let roll = try RollCall(queue: queue, device: device, classID: "S01-1A", date: LocalDate(year: 2026, month: 10, day: 6)!)
        #expect(throws: ClientError.unknownBeneficiary("B9997")) {
            try roll.justify("B9997", absence: LocalDate(year: 2026, month: 10, day: 5)!, reason: "febbre")
        }
        #expect(try teacher.recordedOps == 0)
    }

    @Test("a day outside the class's school year is refused as the server would, and nothing is recorded",
          arguments: [["--absent", "B0001"], ["--justify", "B0001:2026-09-07", "--reason", "febbre"]])
    func outsideTheSchoolYear(options: [String]) throws {
        // Even with --force: the server would refuse it.
        let teacher = try FieldDevice(.teacher)
        // The sample school year runs from 14/09/2026: a mark of 07/09, or a justification of that day written later.
        let date = options[0] == "--absent" ? "2026-09-07" : schoolDay
        let result = try teacher.spunta(Self.rollCall(date) + options + ["--force"])
        #expect(result.status == 1)
        #expect(result.errors.contains("Il 07/09/2026 è fuori dall'anno scolastico della classe (dal 14/09/2026 al 09/06/2027)"), "\(result.errors)")
        #expect(try teacher.recordedOps == 0)
    }

    @Test("a class outside the device is refused like an unknown one")
    func otherClass() throws {
        let teacher = try FieldDevice(.teacher)
        let result = try teacher.spunta(["roll-call", "--class", "S01-2A", "--date", schoolDay, "--absent", "B0001"])
        #expect(result.status == 1)
        #expect(result.errors.contains("La classe S01-2A non è nell'ambito di questo dispositivo"))
        #expect(try teacher.recordedOps == 0)
    }

    @Test("--class is implied on a one-class device, and may be the class's name; on a multi-class device it is asked for with the list")
    func impliedClass() throws {
        let teacher = try FieldDevice(.teacher)
        let child = try Self.id(teacher, "Coppola")
        let implied = try teacher.spunta(["roll-call", "--date", schoolDay, "--absent", "coppola"])
        #expect(implied.status == 0, "\(implied.errors)")
        #expect(try Self.marks(teacher) == [child: "absent"])
        #expect(try teacher.spunta(["roll-call", "--class", "1a", "--date", schoolDay, "--list"]).status == 0)

        try teacher.queue().write { db in try db.run(#"UPDATE device SET scope = '["class:S01-1A","class:S01-2A"]' WHERE id = 1"#) }
        let asked = try teacher.spunta(["roll-call", "--date", schoolDay, "--absent", "fiore"])
        #expect(asked.status == 2)
        #expect(asked.errors.contains("Questo dispositivo ha più classi: indicare quale con --class, una di S01-1A (1A), S01-2A (S01-2A)."),
                "\(asked.errors)")
        #expect(try teacher.recordedOps == 1)
    }

    @Test("a time that is not HH:MM is a usage error naming the value")
    func badTime() throws {
        let teacher = try FieldDevice(.teacher)
        let child = try #require(try Self.children(teacher).first)
        let result = try teacher.spunta(Self.rollCall() + ["--late", "\(child)@8.40"])
        #expect(result.status == 2)
        #expect(result.errors.contains("orario «8.40» non valido"))
        #expect(try teacher.recordedOps == 0)
    }

    @Test("a void on the teacher's device says which mark is now in force for the child")
    func voidSaysMarkInForce() throws {
        let teacher = try FieldDevice(.teacher)
        #expect(try teacher.spunta(Self.rollCall() + ["--absent", "coppola"]).status == 0)
        #expect(try teacher.spunta(Self.rollCall() + ["--late", "coppola@09:15"]).status == 0)
        #expect(try teacher.spunta(["recent"]).status == 0)
        let first = try teacher.spunta(["void", "1", "--reason", "sbagliato"])
        #expect(first.status == 0, "\(first.errors)")
        #expect(Self.text(first.output).contains("Annullata: appello (entrata alle 09:15) di Coppola Ginevra"), "\(first.output)")
        #expect(first.output.last == "Ora vale: assente.", "\(first.output)")
        let absence = try #require(try teacher.strings("SELECT id FROM outbox WHERE status = 'absent'").first)
        let second = try teacher.spunta(["void", "--op", absence, "--reason", "non era assente"])
        #expect(second.status == 0, "\(second.errors)")
        #expect(second.output.last == "Ora vale: nessun segno.", "\(second.output)")
        #expect((second.output + first.output).allSatisfy { TextWidth.of($0) <= 40 })
    }
}
