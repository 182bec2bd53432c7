import Foundation
import SpuntaCLI
import SpuntaDomain
import SpuntaProtocol
import SpuntaStore
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

    /// Children enrolled in the canteen, by "class|diet", from the replica.
    static func enrolled(_ door: FieldDevice) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        let rows = try door.queue().read { db in
            try db.fetchAll("""
                SELECT json_extract(r.body, '$.name'), COALESCE(json_extract(d.body, '$.name'), 'normale') FROM enrollment e
                JOIN beneficiary b ON b.id = e.beneficiary_id
                JOIN record r ON r.entity = 'classes' AND r.id = b.class_id
                LEFT JOIN record d ON d.entity = 'diets' AND d.id = e.diet_id
                WHERE e.service_id IN ('MENSA', 'MENSA-RODARI')
                """).map { "\(try $0[0] as String)|\(try $0[1] as String)" }
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
        let human = try door.spunta(["meals", "--date", schoolDay]).output
        #expect(human.first == "Pasti del \(try #require(LocalDate(schoolDay)).italian)")
        #expect(human.contains("Plesso S01"))
        let total = enrolled.values.reduce(0, +)
        let special = enrolled.filter { !$0.key.hasSuffix("|normale") }.values.reduce(0, +)
        #expect(human.last == "Totale: \(total) prenotati (\(special) diete), 3 serviti.")
    }

    /// An attendance mark of another device, as a pull brings it.
    static func peerMark(_ child: String, _ classID: String, _ status: AttendanceStatus, _ time: String?, hlc: Int64) throws -> Op {
        Op(id: UUID().uuidString.lowercased(), deviceId: "D-9999", instance: "peer", seq: hlc, hlc: HLCTimestamp(rawValue: hlc << 16) ?? .zero,
           wallTimeMs: hlc, businessDate: try #require(LocalDate(schoolDay)),
           body: .attendanceMarked(AttendanceMarked(beneficiaryId: child, classId: classID, status: status, time: time.flatMap { LocalTime($0) })))
    }

    @Test("the kitchen's count follows the register and the 9:30 cut-off", arguments: [
        (AttendanceStatus.absent, nil as String?, false), (.present, nil, true),
        (.lateEntry, "09:00", true), (.lateEntry, "10:15", false),
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
        #expect(unlisted.errors.contains("prima spunta recent"), "\(unlisted.errors)")
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
        // The verdict closes the report, wrapped at the handheld's 40 columns.
        let verdict = try #require(result.output.lastIndex { $0.hasPrefix("Stato: DA CONTROLLARE") }, "\(result.output)")
        #expect(result.output[verdict...].joined(separator: " ").contains(problem), "\(result.output)")
        #expect(result.output.allSatisfy { $0.count <= 40 }, "\(result.output)")
    }

    @Test("status of a folder never enrolled: exit 3, not enrolled")
    func statusNotEnrolled() throws {
        let folder = try TemporaryFolder("spunta-empty")
        let process = try ChildProcess("spunta", ["status", "--json", "--home", folder.path("home")])
        process.closeInput()
        #expect(process.wait() == 3)
        let status = JSON.object(process.output.joined())
        #expect(status["enrolled"] as? Bool == false)
        #expect(status["problems"] as? [String] == ["dispositivo non registrato"])
    }
}
