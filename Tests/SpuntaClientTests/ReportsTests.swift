import Foundation
import SpuntaCLI
import SpuntaDomain
import SpuntaProtocol
import SpuntaStore
import SpuntaCLI
import SpuntaTestSupport
import Testing
@testable import SpuntaClient

/// What the kitchen counts (`spunta meals`), cancelling a mistake (`spunta void`) and the device's health
/// (`spunta status`).
@Suite("Meals, void and status")
struct ReportsTests {
    static let canteen = ScanTests.canteen

    /// `meals --json` by "class|diet".
    static func meals(_ door: FieldDevice, _ date: String = schoolDay) throws -> [String: (expected: Int, served: Int)] {
        var lines: [String: (Int, Int)] = [:]
        for line in JSON.array(try door.spunta(["meals", "--date", date, "--json"]).output.joined()) {
            let key = "\(line["class"] as? String ?? "")|\(line["diet"] as? String ?? "")"
            lines[key] = (line["expected"] as? Int ?? -1, line["served"] as? Int ?? -1)
        }
        return lines
    }

    /// Children enrolled in the canteen and in their class on the school day, by "class|diet", from the replica.
    static func enrolled(_ door: FieldDevice) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        let rows = try door.queue().read { db in
            try db.fetchAll("""
                SELECT json_extract(r.body, '$.name'), COALESCE(json_extract(d.body, '$.name'), 'normale') FROM enrollment e
                JOIN beneficiary b ON b.id = e.beneficiary_id
                JOIN record r ON r.entity = 'classes' AND r.id = b.class_id
                LEFT JOIN record d ON d.entity = 'diets' AND d.id = e.diet_id
                WHERE e.service_id IN ('MENSA', 'MENSA-RODARI')
                    AND (b.class_from IS NULL OR b.class_from <= ?1) AND (b.class_to IS NULL OR b.class_to >= ?1)
                """, [schoolDay]).map { "\(try $0[0] as String)|\(try $0[1] as String)" }
        }
        for key in rows { counts[key, default: 0] += 1 }
        return counts
    }

    @Test("meals counts every enrolled child per site, class and diet, and the meals served so far")
    func mealsCount() throws {
        let door = try FieldDevice(.canteenS01)
        let enrolled = try Self.enrolled(door)
        let before = try Self.meals(door)
        #expect(before.mapValues(\.expected) == enrolled)
        #expect(before.values.allSatisfy { $0.served == 0 })
        // Three children of one class and diet come through the door.
        let key = try #require(enrolled.first { $0.value >= 3 }?.key)
        let parts = key.split(separator: "|").map(String.init)
        let cards = try door.cards("""
            c.beneficiary_id IN (SELECT e.beneficiary_id FROM enrollment e JOIN beneficiary b ON b.id = e.beneficiary_id
                JOIN record r ON r.entity = 'classes' AND r.id = b.class_id LEFT JOIN record d ON d.entity = 'diets' AND d.id = e.diet_id
                WHERE json_extract(r.body, '$.name') = ? AND COALESCE(json_extract(d.body, '$.name'), 'normale') = ?
                    AND e.service_id = 'MENSA-RODARI')
            """, [parts[0], parts[1]])
        let served = try door.scan(Self.canteen, input: cards.prefix(3).map { $0.payload + "\n" }.joined()).answers
        #expect(served.map { $0["result"] as? String } == ["ok", "ok", "ok"])
        let after = try Self.meals(door)
        #expect(after[key]?.served == 3)
        #expect(after[key]?.expected == enrolled[key])
        #expect(after.values.reduce(0) { $0 + $1.served } == 3)
        let human = RollCallTests.paragraphs(try door.spunta(["meals", "--date", schoolDay]).output)
        #expect(human.first == "Pasti di lunedì 05/10/2026")
        #expect(human.contains("Plesso S01 Scuola primaria «Gianni Rodari»"), "\(human)")
        let total = enrolled.values.reduce(0, +)
        let special = enrolled.filter { !$0.key.hasSuffix("|normale") }.values.reduce(0, +)
        #expect(human.last == "Totale: \(total) prenotati (\(special) con dieta speciale), 0 assenti, 3 serviti.", "\(human)")
        let lines = try door.spunta(["meals", "--date", schoolDay]).output
        // A special diet's children are listed under it, indented.
        #expect(lines.contains { $0.hasPrefix("  - ") }, "\(lines)")
    }

    @Test("the kitchen's sheet: the totals of each diet across the classes, with the full diet names and the names of the children on each special diet, within 40 columns and never cut")
    func mealsPerDiet() throws {
        let door = try FieldDevice(.canteenS01)
        let rows = try door.queue().read { db in
            try db.fetchAll("""
                SELECT json_extract(d.body, '$.name'), b.surname || ' ' || b.given_name, json_extract(r.body, '$.name'), b.id, b.class_id
                FROM enrollment e JOIN beneficiary b ON b.id = e.beneficiary_id
                JOIN record r ON r.entity = 'classes' AND r.id = b.class_id
                JOIN record d ON d.entity = 'diets' AND d.id = e.diet_id
                WHERE e.service_id = 'MENSA-RODARI' ORDER BY 1, 2
                """).map { (diet: try $0[0] as String, name: try $0[1] as String, className: try $0[2] as String,
                            id: try $0[3] as String, classID: try $0[4] as String) }
        }
        let diets = Dictionary(grouping: rows, by: \.diet)
        try #require(diets.count >= 3)
        try #require(Set(rows.map(\.className)).count >= 2, "a diet's total spans several classes")
        // One child on a special diet is marked absent by the teacher, as a pull brings it.
        let absent = try #require(rows.first)
        try door.queue().write { db in
            try ReplicaStore(db).insertPeer(try Self.peerMark(absent.id, absent.classID, .absent, nil, hlc: 1_791_000_000_000))
        }
        let output = try door.spunta(["meals", "--date", schoolDay]).output
        #expect(output.allSatisfy { TextWidth.of($0) <= 40 }, "\(output)")
        #expect(!output.joined().contains("…"))
        let human = RollCallTests.paragraphs(output)
        #expect(human.contains("Per dieta, tutte le classi:"), "\(human)")
        for (diet, children) in diets {
            let out = children.filter { $0.id == absent.id }.count
            let booked = children.count - out
            let line = "\(diet): \(booked) \(booked == 1 ? "prenotato" : "prenotati"), 0 serviti" + (out > 0 ? ", 1 assente" : "")
            #expect(human.contains(line), "\(line)\n\(human)")
            for child in children {
                let status = child.id == absent.id ? "ASSENTE" : "da servire"
                #expect(human.contains("- \(child.name) (\(child.className)): \(status)"), "\(child.name)\n\(human)")
            }
        }
        // The JSON has the same: per class and diet, with the children of special diets.
        let lines = JSON.array(try door.spunta(["meals", "--date", schoolDay, "--json"]).output.joined())
        let absentLine = try #require(lines.first { ($0["children"] as? [[String: Any]])?.contains { $0["beneficiary_id"] as? String == absent.id } == true })
        #expect(absentLine["absent"] as? Int == 1)
        #expect(absentLine["diet"] as? String == absent.diet)
        #expect(lines.filter { $0["diet"] as? String == "normale" }.allSatisfy { ($0["children"] as? [Any])?.isEmpty == true })
    }

    @Test("on a teacher's device: her class's own count — booked, absent, served — without diets; the meals come from the canteen through the server, and a void at the canteen takes one back")
    func mealsOnTeacherDevice() throws {
        let d = try Deployment()
        try d.startServer()
        let teacher = try d.device("maestra", role: .teacher, scopes: ["class:S01-1A"])
        let door = try d.device("mensa", role: .canteen, scopes: ["site:S01"])
        let eaters = try DatabaseQueue(path: d.db).read { db in
            try db.fetchAll("""
                SELECT b.id, c.id FROM beneficiary b JOIN enrollment e ON e.beneficiary_id = b.id JOIN card c ON c.beneficiary_id = b.id
                WHERE b.class_id = 'S01-1A' AND e.service_id = 'MENSA-RODARI' AND c.revoked_on IS NULL ORDER BY b.id
                """).map { (id: try $0[0] as String, card: "SPUNTA1:" + (try $0[1] as String)) }
        }
        try #require(eaters.count >= 3)
        let count = { () throws -> [String: Any] in
            let lines = JSON.array(try d.spunta(teacher, ["meals", "--date", schoolDay, "--json"]).output.joined())
            #expect(lines.count == 1)
            return lines.first ?? [:]
        }
        let before = try count()
        #expect(before["class"] as? String == "1A")
        #expect(before["diet"] is NSNull, "diets never reach a teacher's device")
        #expect(before["enrolled"] as? Int == eaters.count)
        #expect(before["expected"] as? Int == eaters.count)
        #expect(before["served"] as? Int == 0)

        #expect(try d.spunta(teacher, ["roll-call", "--date", schoolDay, "--absent", eaters[0].id]).status == 0)
        let scans = try d.spunta(door, ["scan", "--service", "canteen", "--date", schoolDay, "--json"],
                                 input: eaters[1].card + "\n" + eaters[2].card + "\n")
        #expect(scans.output.map { JSON.object($0)["result"] as? String }.prefix(2) == ["ok", "ok"])
        #expect(try d.spunta(door, ["sync"]).status == 0)
        #expect(try d.spunta(teacher, ["sync"]).status == 0)
        let after = try count()
        #expect(after["absent"] as? Int == 1)
        #expect(after["expected"] as? Int == eaters.count - 1)
        #expect(after["served"] as? Int == 2)
        let human = RollCallTests.paragraphs(try d.spunta(teacher, ["meals", "--date", schoolDay]).output)
        #expect(human == [
            "Pasti di lunedì 05/10/2026", "Classe 1A: iscritti alla mensa \(eaters.count)",
            "Prenotati: \(eaters.count - 1) (\(eaters.count - 3) ancora da segnare)", "Assenti all'ora limite: 1",
            "Serviti finora: 2",
        ], "\(human)")

        // The canteen cancels its last scan: the teacher's count learns it at the next sync.
        #expect(try d.spunta(door, ["recent"]).status == 0)
        #expect(try d.spunta(door, ["void", "1", "--reason", "tessera del fratello"]).status == 0)
        #expect(try d.spunta(door, ["sync"]).status == 0)
        #expect(try d.spunta(teacher, ["sync"]).status == 0)
        #expect(try count()["served"] as? Int == 1)
    }

    /// An attendance mark of another device, as a pull brings it.
    static func peerMark(_ child: String, _ classID: String, _ status: AttendanceStatus, _ time: String?, hlc: Int64) throws -> Op {
        Op(id: UUID().uuidString.lowercased(), deviceId: "D-9999", instance: "peer", seq: hlc, hlc: HLCTimestamp(rawValue: hlc << 16) ?? .zero,
           wallTimeMs: hlc, businessDate: try #require(LocalDate(schoolDay)),
           body: .attendanceMarked(AttendanceMarked(beneficiaryId: child, classId: classID, status: status, time: time.flatMap { LocalTime($0) })))
    }

    /// A late entry counts in whatever the hour, as in the caterer's count: the child is at school for lunch.
    @Test("the kitchen's count follows the register and the 9:30 cut-off", arguments: [
        (AttendanceStatus.absent, nil as String?, false), (.present, nil, true),
        (.lateEntry, "09:00", true), (.lateEntry, "10:15", true),
        (.earlyExit, "09:00", false), (.earlyExit, "12:30", true),
    ])
    func cutoff(_ status: AttendanceStatus, _ time: String?, _ expected: Bool) throws {
        let door = try FieldDevice(.canteenS02)
        let queue = try door.queue()
        let device = try door.device()
        let date = try #require(LocalDate(schoolDay))
        let child = try #require(try queue.read { try ReplicaStore($0).allEnrollments().first { $0.serviceId == "MENSA" } })
        let classID = try #require(try queue.read { try ReplicaStore($0).beneficiary(child.beneficiaryId)?.classId })
        let before = try queue.read { try DeviceReports.meals($0, device: device, date: date) }
        try queue.write { db in try ReplicaStore(db).insertPeer(try Self.peerMark(child.beneficiaryId, classID, status, time, hlc: 1_791_000_000_000)) }
        let after = try queue.read { try DeviceReports.meals($0, device: device, date: date) }
        let total = { (lines: [DeviceReports.MealLine]) in lines.reduce(0) { $0 + $1.expected } }
        #expect(total(after) == total(before) - (expected ? 0 : 1))
        // A child the register sends home who eats all the same is counted: the meal was served.
        if !expected {
            let station = try ScanStation(queue: queue, device: device, setup: ScanSetup(place: .canteen, date: date))
            #expect(station.handle("=\(child.beneficiaryId)").result == .ok)
            let served = try queue.read { try DeviceReports.meals($0, device: device, date: date) }
            #expect(total(served) == total(before))
        }
    }

    /// Lines joined back where a wrapped one continues (indented by `indent` spaces).
    static func joined(_ lines: [String], indent: Int) -> [String] {
        var result: [String] = []
        for line in lines {
            if line.hasPrefix(String(repeating: " ", count: indent)), let last = result.last {
                result[result.count - 1] = last + " " + line.dropFirst(indent)
            } else {
                result.append(line)
            }
        }
        return result
    }

    /// The full name of a child in the device's replica.
    static func name(_ door: FieldDevice, _ child: String) throws -> String {
        try #require(try door.scalar("SELECT surname || ' ' || given_name FROM beneficiary WHERE id = ?", [child]))
    }

    @Test("recent lists the last registrations numbered from the most recent, with names and Rome times; void N cancels the one shown as N")
    func recentAndVoidByNumber() throws {
        let door = try FieldDevice(.canteenS01)
        let cards = try door.canteenCards()
        let answers = try door.scan(Self.canteen, input: cards[0].payload + "\n" + cards[1].payload + "\n").answers
        let ops = answers.compactMap { $0["op_id"] as? String }
        try #require(ops.count == 2)
        let listing = try door.spunta(["recent"])
        #expect(listing.status == 0, "\(listing.errors)")
        #expect(listing.output.allSatisfy { TextWidth.of($0) <= 40 }, "\(listing.output)")
        let second = try Self.name(door, cards[1].beneficiary), first = try Self.name(door, cards[0].beneficiary)
        let entries = Self.joined(listing.output, indent: 3)
        #expect(entries.count == 2, "\(listing.output)")
        #expect(entries.first?.hasPrefix("1  ") == true && entries.first?.contains("pasto (tessera) \(second)") == true, "\(entries)")
        #expect(entries.last?.hasPrefix("2  ") == true && entries.last?.contains(first) == true, "\(entries)")
        let json = JSON.array(try door.spunta(["recent", "--json"]).output.joined())
        #expect(json.map { $0["number"] as? Int } == [1, 2])
        #expect(json.map { $0["op_id"] as? String } == ops.reversed())
        #expect(json.first?["name"] as? String == second)
        #expect((json.first?["time"] as? String)?.count == 5)
        #expect(json.first?["voided"] as? Bool == false)

        let voided = try door.spunta(["void", "2", "--reason", "tessera del fratello"])
        #expect(voided.status == 0, "\(voided.errors)")
        let said = Self.joined(voided.output, indent: 2)
        #expect(said.count == 1 && voided.output.allSatisfy { TextWidth.of($0) <= 40 }, "\(voided.output)")
        #expect(said.first?.hasPrefix("Annullata: pasto (tessera) di \(first) (") == true, "\(said)")
        let target: String? = try door.scalar("SELECT target_op_id FROM outbox WHERE type = 'void'")
        #expect(target == ops[0])
        let void: String? = try door.scalar("SELECT json FROM outbox WHERE type = 'void'")
        #expect(void?.contains("tessera del fratello") == true)
        #expect(try Self.meals(door).values.reduce(0) { $0 + $1.served } == 1)
        // Asked again, the refusal names it as the user did (the number typed) and what it was, not by an internal id.
        let twice = try door.spunta(["void", "2", "--reason", "tessera del fratello"])
        #expect(twice.status == 1)
        let refused = twice.errors.split(whereSeparator: \.isNewline).joined(separator: " ")
        #expect(refused.contains("La numero 2 dell'elenco è già annullata: pasto (tessera) di \(first) ("), "\(twice.errors)")
        #expect(!refused.contains(String(ops[0].prefix(8))), "\(twice.errors)")
        let again = try door.scan(Self.canteen, input: cards[0].payload + "\n" + cards[1].payload + "\n").answers
        #expect(again.map { $0["result"] as? String } == ["ok", "duplicate"])
        // The listing now marks it.
        let marked = JSON.array(try door.spunta(["recent", "--json"]).output.joined())
        #expect(marked.first { $0["op_id"] as? String == ops[0] }?["voided"] as? Bool == true)
    }

    @Test("a number means what the listing showed: a scan recorded after `recent` does not shift it")
    func numbersStayPut() throws {
        let door = try FieldDevice(.canteenS01)
        let cards = try door.canteenCards()
        let first = try door.scan(Self.canteen, input: cards[0].payload + "\n").answers.first?["op_id"] as? String
        #expect(try door.spunta(["recent"]).status == 0)
        // Another child comes through the door meanwhile.
        _ = try door.scan(Self.canteen, input: cards[1].payload + "\n")
        #expect(try door.spunta(["void", "1", "--reason", "sbagliato"]).status == 0)
        let target: String? = try door.scalar("SELECT target_op_id FROM outbox WHERE type = 'void'")
        #expect(target == first)
    }

    @Test("void with neither a number nor --op cancels nothing and points to spunta recent; a number not listed is refused")
    func voidNeverGuesses() throws {
        let door = try FieldDevice(.canteenS01)
        let cards = try door.canteenCards()
        _ = try door.scan(Self.canteen, input: cards[0].payload + "\n" + cards[1].payload + "\n")
        let plain = try door.spunta(["void", "--reason", "errore"])
        #expect(plain.status == 2)
        #expect(plain.errors.contains("spunta recent"), "\(plain.errors)")
        let unlisted = try door.spunta(["void", "1", "--reason", "errore"])
        #expect(unlisted.status == 1)
        #expect(unlisted.errors.contains("prima:\n  spunta recent --home "), "\(unlisted.errors)")
        #expect(try door.spunta(["recent", "--limit", "1"]).status == 0)
        let beyond = try door.spunta(["void", "2", "--reason", "errore"])
        #expect(beyond.status == 1)
        #expect(beyond.errors.contains("Il numero 2 non è nell'ultimo elenco"), "\(beyond.errors)")
        let both = try door.spunta(["void", "1", "--op", "x", "--reason", "errore"])
        #expect(both.status == 2)
        let voids: Int? = try door.scalar("SELECT COUNT(*) FROM outbox WHERE type = 'void'")
        #expect(voids == 0)
    }

    @Test("void --op cancels the given op, not the last one")
    func voidGivenOp() throws {
        let door = try FieldDevice(.canteenS01)
        let cards = try door.canteenCards()
        let answers = try door.scan(Self.canteen, input: cards[0].payload + "\n" + cards[1].payload + "\n").answers
        let first = try #require(answers.first?["op_id"] as? String)
        #expect(try door.spunta(["void", "--op", first, "--reason", "errore"]).status == 0)
        let target: String? = try door.scalar("SELECT target_op_id FROM outbox WHERE type = 'void'")
        #expect(target == first)
        // Voiding it a second time is refused and records nothing.
        let twice = try door.spunta(["void", "--op", first, "--reason", "errore"])
        #expect(twice.status == 1)
        #expect(twice.errors.contains("è già annullata"), "\(twice.errors)")
        let voids: Int? = try door.scalar("SELECT COUNT(*) FROM outbox WHERE type = 'void'")
        #expect(voids == 1)
        let again = try door.scan(Self.canteen, input: cards[0].payload + "\n" + cards[1].payload + "\n").answers
        #expect(again.map { $0["result"] as? String } == ["ok", "duplicate"])
        let unknown = try door.spunta(["void", "--op", "nonesiste", "--reason", "errore"])
        #expect(unknown.status == 1)
        #expect(unknown.errors.contains("Registrazione nonesiste non trovata su questo dispositivo"))
    }

    @Test("void --op cancels only an op it names whole: an empty, wildcard or shared beginning cancels nothing")
    func voidNamesOneOp() throws {
        let door = try FieldDevice(.canteenS01)
        // Seventeen ops: two of them begin with the same hexadecimal digit, whatever the ids drawn.
        let cards = try door.canteenCards().prefix(17)
        try #require(cards.count == 17)
        let answers = try door.scan(Self.canteen, input: cards.map { $0.payload + "\n" }.joined()).answers
        let ids = answers.compactMap { $0["op_id"] as? String }
        try #require(ids.count == 17)
        let shared = try #require(Dictionary(grouping: ids, by: { String($0.prefix(1)) }).first { $0.value.count > 1 })
        func voids() throws -> Int { try door.scalar("SELECT COUNT(*) FROM outbox WHERE type = 'void'") ?? -1 }

        let empty = try door.spunta(["void", "--op", " ", "--reason", "errore"])
        #expect(empty.status == 2, "\(empty.errors)")
        #expect(empty.errors.contains("--op vuoto"), "\(empty.errors)")
        for wildcard in ["%", "_"] {
            let refused = try door.spunta(["void", "--op", wildcard, "--reason", "errore"])
            #expect(refused.status == 1, "\(refused.errors)")
            #expect(refused.errors.contains("non trovata su questo dispositivo: nulla è stato annullato"), "\(refused.errors)")
        }
        let ambiguous = try door.spunta(["void", "--op", shared.key, "--reason", "errore"])
        #expect(ambiguous.status == 1)
        #expect(ambiguous.errors.contains("«\(shared.key)» è l'inizio di \(shared.value.count) registrazioni"), "\(ambiguous.errors)")
        #expect(try voids() == 0)

        // The shortest beginning of the first op that no other op shares names it, in capitals too.
        let first = ids[0]
        let unique = try #require((1...first.count).map { String(first.prefix($0)) }.first { p in ids.filter { $0.hasPrefix(p) }.count == 1 })
        #expect(try door.spunta(["void", "--op", unique.uppercased(), "--reason", "errore"]).status == 0)
        let target: String? = try door.scalar("SELECT target_op_id FROM outbox WHERE type = 'void'")
        #expect(target == first)
        #expect(try voids() == 1)
    }

    @Test("recent names each absence period by its days and a void says which one it cancelled: two periods of one child recorded the same day are told apart")
    func periodsToldApart() throws {
        let teacher = try FieldDevice(.teacher)
        let child = try #require(try teacher.strings("SELECT id FROM beneficiary WHERE class_id = 'S01-1A' ORDER BY id").first)
        for (from, to) in [("2026-10-12", "2026-10-14"), ("2026-10-19", "2026-10-20")] {
            let recorded = try teacher.spunta(["absence", "--child", child, "--from", from, "--to", to, "--reason", "viaggio"])
            #expect(recorded.status == 0, "\(recorded.errors)")
        }
        let listed = try teacher.spunta(["recent", "--json"])
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(listed.output.joined().utf8)) as? [[String: Any]])
        #expect(entries.map { $0["what"] as? String } == [
            "periodo di assenza (dal 19/10/2026 al 20/10/2026)", "periodo di assenza (dal 12/10/2026 al 14/10/2026)",
        ], "\(entries)")
        #expect(try teacher.spunta(["recent"]).output.allSatisfy { $0.count <= 40 })
        let void = try teacher.spunta(["void", "2", "--reason", "errore"])
        #expect(void.status == 0, "\(void.errors)")
        let said = void.output.joined(separator: " ").split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(said.contains("periodo di assenza (dal 12/10/2026 al 14/10/2026)"), "\(said)")
    }

    @Test("void without a reason is refused and records nothing", arguments: [[], ["--reason", "   "]])
    func voidNeedsReason(_ options: [String]) throws {
        let door = try FieldDevice(.canteenS01)
        let card = try #require(try door.canteenCards().first)
        _ = try door.scan(Self.canteen, input: card.payload + "\n")
        #expect(try door.spunta(["recent"]).status == 0)
        let result = try door.spunta(["void", "1"] + options)
        #expect(result.status == (options.isEmpty ? 2 : 1))
        #expect(result.errors.contains(options.isEmpty ? "--reason" : "Indicare il motivo con --reason."), "\(result.errors)")
        #expect(try door.recordedOps == 1)
    }

    // MARK: Status

    @Test("status --json of an offline device with scans waiting: the fields, healthy while the wait is short")
    func statusWaiting() throws {
        let door = try FieldDevice(.canteenS01)
        let cards = try door.canteenCards()
        _ = try door.json(Self.canteen, input: cards.prefix(3).map { $0.payload + "\n" }.joined())
        let result = try door.spunta(["status", "--json"])
        #expect(result.status == 0)
        let status = JSON.object(result.output.joined())
        #expect(status["enrolled"] as? Bool == true)
        #expect((status["device_id"] as? String)?.hasPrefix("D-") == true)
        #expect(status["name"] as? String == "canteenS01")
        #expect(status["role"] as? String == "canteen")
        #expect(status["scope"] as? [String] == ["site:S01"])
        #expect(status["server"] as? String == FieldDevice.nowhere)
        #expect(status["municipality"] as? String == "Comune di Valmarina")
        #expect(status["last_successful_sync"] as? String != nil)
        #expect(status["pending_ops"] as? Int == 3)
        #expect((status["oldest_pending_age_seconds"] as? Int).map { $0 >= 0 && $0 < 120 } == true)
        #expect(status["rejected_ops"] as? Int == 0)
        let replica = status["replica"] as? [String: Int] ?? [:]
        #expect(replica["beneficiaries"] == (try door.scalar("SELECT COUNT(*) FROM beneficiary") as Int?))
        #expect((replica["cards"] ?? 0) > 0)
        #expect(status["revoked"] as? Bool == false)
        #expect(status["blocked"] as? Bool == false)
        #expect(status["healthy"] as? Bool == true)
        #expect(status["problems"] as? [String] == [])
    }

    @Test("status is unhealthy (exit 3) with ops waiting over two hours or no sync for a day", arguments: [
        (3.0 * 3600, "registrazioni in attesa da più di due ore"), (25.0 * 3600, "nessuna sincronizzazione riuscita nelle ultime 24 ore"),
    ])
    func statusUnhealthyLater(_ later: Double, _ problem: String) throws {
        let door = try FieldDevice(.canteenS01)
        let card = try #require(try door.canteenCards().first)
        _ = try door.json(Self.canteen, input: card.payload + "\n")
        let status = try door.queue().read { try DeviceReports.status($0, now: Date().addingTimeInterval(later)) }
        #expect(!status.healthy)
        #expect(status.problems.contains(problem))
        // The program says the same through its exit status when the clock has moved on: a past sync stamp.
        try door.queue().write { db in
            try db.run("UPDATE sync_state SET last_success_at = ?", [UTCTime.string(Date().addingTimeInterval(-later), fractional: false)])
            try db.run("UPDATE outbox SET created_at = ?", [UTCTime.string(Date().addingTimeInterval(-later), fractional: false)])
        }
        let result = try door.spunta(["status"])
        #expect(result.status == 3)
        let human = RollCallTests.paragraphs(result.output)
        #expect(human.contains("Stato: DA CONTROLLARE"), "\(human)")
        #expect(human.contains("- \(problem)"), "\(human)")
        #expect(result.output.allSatisfy { $0.count <= 40 }, "\(result.output)")
    }

    @Test("status on the handheld: times on Rome's clock as Italians write them, durations in hours and minutes, every line within 40 columns — long scope lists and server addresses wrapped, never cut; --json keeps UTC")
    func statusFormatting() throws {
        let teacher = try FieldDevice(.teacher)
        let url = "http://spunta-sincronizzazione.comune-di-valmarina.example.it:8443/dispositivi"
        let classes = ["S01-1A", "S01-2A", "S01-3A", "S01-4A", "S01-5A", "S01-1B", "S01-2B"]
        let synced = Date().addingTimeInterval(-(5 * 3600 + 10 * 60 + 20))
        try teacher.queue().write { db in
            try db.run("UPDATE device SET server_url = ?, scope = ? WHERE id = 1",
                       [url, "[" + classes.map { "\"class:\($0)\"" }.joined(separator: ",") + "]"])
            try db.run("UPDATE sync_state SET last_success_at = ?, last_attempt_at = ?",
                       [UTCTime.string(synced, fractional: false), UTCTime.string(synced, fractional: false)])
        }
        #expect(try teacher.spunta(RollCallTests.rollCall() + ["--absent", "coppola"]).status == 0)
        try teacher.queue().write { db in
            try db.run("UPDATE outbox SET created_at = ?", [UTCTime.string(Date().addingTimeInterval(-(3 * 60 + 10)), fractional: false)])
        }
        let result = try teacher.spunta(["status"])
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.output.allSatisfy { TextWidth.of($0) <= 40 }, "\(result.output)")
        #expect(!result.output.joined().contains("…"))
        let human = RollCallTests.paragraphs(result.output)
        #expect(human.contains("Ultima sincronizzazione: \(ItalianTime.dateTime(synced)), 5 h 10 min fa"), "\(human)")
        #expect(human.contains("In attesa di invio: 1, la più vecchia da 3 min"), "\(human)")
        #expect(human.contains("Ambito: " + classes.map { "class:\($0)" }.joined(separator: ", ")), "\(human)")
        // The address is broken where the line ends: joined back without the breaks, it is whole.
        #expect(result.output.map { $0.trimmingCharacters(in: .whitespaces) }.joined().contains("Server:" + url), "\(result.output)")
        #expect(human.last == "Stato: in ordine.")

        let json = JSON.object(try teacher.spunta(["status", "--json"]).output.joined())
        #expect(json["last_successful_sync"] as? String == UTCTime.string(synced, fractional: false))
        #expect((json["last_successful_sync"] as? String)?.hasSuffix("Z") == true)
    }

    @Test("the status lines of a known moment: the date and time in Rome (winter and summer), how long ago, the oldest wait", arguments: [
        ("2026-12-01T07:15:00Z", "2026-12-01T12:25:00Z", "01/12/2026 08:15, 5 h 10 min fa"),
        ("2026-10-05T06:31:00Z", "2026-10-05T06:40:30Z", "05/10/2026 08:31, 9 min fa"),
        ("2026-11-28T23:30:00Z", "2026-12-01T04:30:00Z", "29/11/2026 00:30, 2 giorni e 5 h fa"),
        ("2026-12-01T08:00:00Z", "2026-12-01T08:00:20Z", "01/12/2026 09:00, meno di 1 min fa"),
    ])
    func statusLines(_ synced: String, _ now: String, _ expected: String) throws {
        let status = DeviceReports.Status(
            enrolled: true, deviceId: "D-0007", name: "Maestra 1A", role: "teacher", scope: ["class:S01-1A"], server: "http://127.0.0.1:8080",
            municipality: "Comune di Valmarina", lastSuccessfulSync: synced, lastAttempt: synced, lastError: nil, pendingOps: 2,
            oldestPendingAgeSeconds: 3 * 3600 + 5 * 60, rejectedOps: 0, replica: ["beneficiaries": 24, "cards": 0], cursor: nil,
            revoked: false, blocked: false, clockOffsetMs: -350, unknownToServer: false, healthy: false,
            problemHints: ["registrazioni in attesa da più di due ore"], problems: ["registrazioni in attesa da più di due ore"]
        )
        let lines = status.italianLines(now: try #require(UTCTime.date(now)))
        #expect(lines == [
            "Maestra 1A (D-0007)", "Ruolo: insegnante", "Ente: Comune di Valmarina", "Ambito: class:S01-1A", "Server: http://127.0.0.1:8080",
            "Ultima sincronizzazione: \(expected)", "In attesa di invio: 2, la più vecchia da 3 h 5 min", "Dati: 24 bambini, 0 tessere",
            "Orologio: in ordine", "Stato: DA CONTROLLARE", "- registrazioni in attesa da più di due ore",
        ])
    }

    @Test("status of a folder never enrolled: exit 3, not enrolled")
    func statusNotEnrolled() throws {
        let folder = try TemporaryFolder("spunta-empty")
        let process = try ChildProcess("spunta", ["status", "--json", "--home", folder.path("home")])
        process.closeInput()
        #expect(process.wait() == 3)
        let status = JSON.object(process.output.joined())
        #expect(status["enrolled"] as? Bool == false)
        #expect(status["problems"] as? [String] == ["dispositivo non registrato in questa cartella: registrarlo con spunta enroll --server URL --code CODICE"])
        // On the screen the command names the folder given, on a line of its own.
        let screen = try ChildProcess("spunta", ["status", "--home", folder.path("home")])
        screen.closeInput()
        #expect(screen.wait() == 3)
        let command = try #require(CopiedCommand.all("spunta", in: screen.output.joined(separator: "\n")).first, "\(screen.output)")
        #expect(try CopiedCommand.words(command, program: "spunta")
                == ["spunta", "enroll", "--home", folder.path("home"), "--server", "URL", "--code", "CODICE"], "\(screen.output)")
        #expect(screen.output.allSatisfy { $0.count <= 40 }, "\(screen.output)")
    }
}
