import Foundation
import Testing
import SpuntaClient
import SpuntaDomain

/// The teacher's roll call without the interactive screen, with the real `spunta` on a copy of an enrolled
/// teacher's device, offline.
@Suite("Roll call for scripts")
struct RollCallTests {
    static func rollCall(_ date: String = schoolDay) -> [String] { ["roll-call", "--class", "S01-1A", "--date", date] }

    static func children(_ teacher: FieldDevice) throws -> [String] {
        try teacher.strings("SELECT id FROM beneficiary WHERE class_id = 'S01-1A' ORDER BY surname, given_name, id")
    }

    /// The register as `--list --json` prints it, by child.
    static func register(_ teacher: FieldDevice, _ date: String = schoolDay) throws -> [String: [String: Any]] {
        let entries = JSON.array(try teacher.spunta(rollCall(date) + ["--list", "--json"]).output.joined())
        var byChild: [String: [String: Any]] = [:]
        for entry in entries { if let id = entry["beneficiary_id"] as? String { byChild[id] = entry } }
        return byChild
    }

    @Test("--absent, --late ID@HH:MM and --early-exit ID@HH:MM mark those children; everyone else is present")
    func scripted() throws {
        let teacher = try FieldDevice(.teacher)
        let ids = try Self.children(teacher)
        try #require(ids.count > 5)
        let result = try teacher.spunta(Self.rollCall() + [
            "--absent", "\(ids[0]),\(ids[1])", "--late", "\(ids[2])@08:40", "--early-exit", "\(ids[3])@11:30",
        ])
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.output.first == "Appello salvato: \(ids.count) bambini segnati.")
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
        // The human listing says it in Italian.
        let listed = try teacher.spunta(Self.rollCall() + ["--list"]).output
        #expect(listed.contains { $0.hasPrefix(ids[0]) && $0.hasSuffix("assente") })
    }

    @Test("--list shows the register and records nothing")
    func listOnly() throws {
        let teacher = try FieldDevice(.teacher)
        let result = try teacher.spunta(Self.rollCall() + ["--list"])
        #expect(result.status == 0)
        #expect(result.output.count == (try Self.children(teacher)).count)
        #expect(result.output.allSatisfy { $0.hasSuffix("da segnare") })
        #expect(try teacher.recordedOps == 0)
    }

    @Test("an absence on an earlier day is listed as to justify until it is justified with a reason")
    func justifyPastAbsence() throws {
        let teacher = try FieldDevice(.teacher)
        let child = try #require(try Self.children(teacher).first)
        #expect(try teacher.spunta(Self.rollCall("2026-10-05") + ["--absent", child]).status == 0)
        let nextDay = try Self.register(teacher, "2026-10-06")
        #expect(nextDay[child]?["unjustified"] as? [String] == ["2026-10-05"])
        let human = try teacher.spunta(Self.rollCall("2026-10-06") + ["--list"]).output
        #expect(human.contains { $0.hasPrefix(child) && $0.contains("da giustificare: ") })

        let justified = try teacher.spunta(Self.rollCall("2026-10-06") + ["--justify", "\(child):2026-10-05", "--reason", "visita medica"])
        #expect(justified.status == 0, "\(justified.errors)")
        #expect(justified.output.first?.hasPrefix("Assenza del ") == true)
        #expect(justified.output.first?.hasSuffix(" giustificata.") == true)
        #expect(try Self.register(teacher, "2026-10-06")[child]?["unjustified"] as? [String] == [])
        let op: String? = try teacher.scalar("SELECT json FROM outbox WHERE type = 'absence_justified'")
        #expect(op?.contains("visita medica") == true)
        // Without a reason it is a usage error, and nothing more is recorded.
        let before = try teacher.recordedOps
        let refused = try teacher.spunta(Self.rollCall("2026-10-06") + ["--justify", "\(child):2026-10-05"])
        #expect(refused.status == 2)
        #expect(refused.errors.contains("--justify richiede --reason"))
        #expect(try teacher.recordedOps == before)
    }

    @Test("an unknown child id gives an Italian error and records nothing", arguments: [
        ["--absent", "B9999"], ["--late", "B9999@08:30"], ["--early-exit", "B9999@11:00"],
    ])
    func unknownChild(_ options: [String]) throws {
        let teacher = try FieldDevice(.teacher)
        let known = try #require(try Self.children(teacher).first)
        let result = try teacher.spunta(Self.rollCall() + options + (options[0] == "--absent" ? [] : ["--absent", known]))
        #expect(result.status == 1)
        #expect(result.errors.contains("Il bambino B9999 non è nell'ambito di questo dispositivo"), "\(result.errors)")
        #expect(try teacher.recordedOps == 0)
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
        let teacher = try FieldDevice(.teacher)
        // The sample school year runs from 14/09/2026: a mark of 07/09, or a justification of that day written later.
        let date = options[0] == "--absent" ? "2026-09-07" : schoolDay
        let result = try teacher.spunta(Self.rollCall(date) + options)
        #expect(result.status == 1)
        #expect(result.errors.contains("Il 07/09/2026 è fuori dall'anno scolastico della classe (dal 14/09/2026 al 09/06/2027)"), "\(result.errors)")
        #expect(try teacher.recordedOps == 0)
    }

    @Test("a child of another class is refused like an unknown one")
    func otherClass() throws {
        let teacher = try FieldDevice(.teacher)
        let result = try teacher.spunta(["roll-call", "--class", "S01-2A", "--date", schoolDay, "--absent", "B0001"])
        #expect(result.status == 1)
        #expect(result.errors.contains("La classe S01-2A non è nell'ambito di questo dispositivo"))
        #expect(try teacher.recordedOps == 0)
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
}
