import Foundation
import Synchronization
import SpuntaDomain
import SpuntaProtocol
import SpuntaTestSupport
import SpuntaStore
import Testing
@testable import SpuntaClient

/// The canteen door beyond the single scan: the prepaid credit, the register's warnings, the running count, undo
/// with `-`, and the day that moves on at midnight.
@Suite("Canteen door: credit, register, count, undo, the day")
struct CanteenDoorTests {
    static let canteen = ScanTests.canteen
    static var day: LocalDate { LocalDate(schoolDay) ?? LocalDate(dayNumber: 0) }

    /// A prepaid child of the Rodari door, with its class.
    static func prepaidChild(_ door: FieldDevice, _ filter: String = "1") throws -> (card: String, child: String, classID: String) {
        let card = try #require(try door.canteenCards("""
            c.beneficiary_id IN (SELECT beneficiary_id FROM enrollment WHERE service_id = 'MENSA-RODARI' AND diet_id IS NULL) AND \(filter)
            """).first)
        let classID: String = try #require(try door.scalar("SELECT class_id FROM beneficiary WHERE id = ?", [card.beneficiary]))
        return (card.payload, card.beneficiary, classID)
    }

    /// Sets the credit the replica holds for a child, as a pull would bring it.
    static func setCredit(_ door: FieldDevice, _ child: String, cents: Int64, threshold: Int64?) throws {
        let balance = ReplicaBalance(beneficiaryId: child, serviceId: "MENSA-RODARI", balanceCents: cents, thresholdCents: threshold)
        try door.queue().write { db in try ReplicaStore(db).apply(.upsert(.balance(balance))) }
    }

    // MARK: Credit

    @Test("a prepaid door shows the credit as of the last sync at every scan and warns, still serving, when it is low or negative", arguments: [
        (Int64(2350), nil as String?), (999, "low_credit"), (0, "low_credit"), (-450, "negative_credit"),
    ])
    func credit(_ cents: Int64, _ warning: String?) throws {
        let door = try FieldDevice(.canteenS01)
        let child = try Self.prepaidChild(door)
        try Self.setCredit(door, child.child, cents: cents, threshold: 1000)
        let screen = try FieldDeviceCopy.of(door)
        let answer = try #require(try door.scan(Self.canteen, input: child.card + "\n").answers.first)
        #expect(answer["result"] as? String == "ok")
        #expect(answer["recorded"] as? Bool == true)
        let credit = try #require(answer["credit"] as? [String: Any])
        #expect(credit["balance_cents"] as? Int == Int(cents))
        #expect(credit["threshold_cents"] as? Int == 1000)
        #expect(credit["low"] as? Bool == (warning != nil))
        #expect(credit["as_of"] as? String != nil, "the template device has synced")
        let warnings = answer["warnings"] as? [[String: Any]] ?? []
        #expect(warnings.map { $0["code"] as? String } == (warning.map { [$0] } ?? []))
        // On screen: the amount, whole, under the child's name.
        let human = ScanTests.unwrapped(try screen.spunta(Self.canteen, input: child.card + "\n").output)
        let amount = Money(cents: cents).italian
        if warning == nil {
            #expect(human.contains { $0.hasPrefix("  €  Credito \(amount) al ") }, "\(human)")
        } else {
            #expect(human.contains { $0.hasPrefix("ATT. Credito ") && $0.contains(amount) && $0.contains("Servire comunque") }, "\(human)")
        }
    }

    @Test("a postpaid door shows no credit")
    func postpaidNoCredit() throws {
        let door = try FieldDevice(.canteenS02)
        let card = try #require(try door.canteenCards().first)
        let answer = try #require(try door.scan(Self.canteen, input: card.payload + "\n").answers.first)
        #expect(answer["result"] as? String == "ok")
        #expect(answer["credit"] == nil)
        #expect((answer["warnings"] as? [[String: Any]])?.isEmpty == true)
    }

    // MARK: The register

    @Test("a child the register says is absent or gone home is served, recorded and flagged; present or late is not flagged", arguments: [
        (AttendanceStatus.absent, nil as String?, "absent_today" as String?), (.earlyExit, "11:30", "left_early"), (.earlyExit, nil, "left_early"),
        (.present, nil, nil), (.lateEntry, "10:00", nil),
    ])
    func registerWarning(_ status: AttendanceStatus, _ time: String?, _ code: String?) throws {
        let door = try FieldDevice(.canteenS02)
        let card = try #require(try door.canteenCards().first)
        let classID: String = try #require(try door.scalar("SELECT class_id FROM beneficiary WHERE id = ?", [card.beneficiary]))
        try door.queue().write { db in
            try ReplicaStore(db).insertPeer(try ReportsTests.peerMark(card.beneficiary, classID, status, time, hlc: 1_791_000_000_000))
        }
        let screen = try FieldDeviceCopy.of(door)
        let answer = try #require(try door.scan(Self.canteen, input: card.payload + "\n").answers.first)
        #expect(answer["result"] as? String == "ok")
        #expect(answer["recorded"] as? Bool == true)
        let warnings = answer["warnings"] as? [[String: Any]] ?? []
        #expect(warnings.map { $0["code"] as? String } == (code.map { [$0] } ?? []))
        if let time, code != nil { #expect((warnings.first?["message"] as? String)?.contains(time) == true) }
        #expect(try door.recordedOps == 1)
        if code != nil {
            let human = ScanTests.unwrapped(try screen.spunta(Self.canteen, input: card.payload + "\n").output)
            #expect(human.contains { $0.hasPrefix("ATT. ") && $0.contains("avvisare l'insegnante") }, "\(human)")
        }
    }

    @Test("an exit the register plans for later today is no warning: the child is still at school", arguments: [("11:00", true), ("14:00", false)])
    func plannedExit(_ exit: String, _ warned: Bool) throws {
        let door = try FieldDevice(.canteenS02)
        let card = try #require(try door.canteenCards().first)
        let classID: String = try #require(try door.scalar("SELECT class_id FROM beneficiary WHERE id = ?", [card.beneficiary]))
        try door.queue().write { db in
            try ReplicaStore(db).insertPeer(try ReportsTests.peerMark(card.beneficiary, classID, .earlyExit, exit, hlc: 1_791_000_000_000))
        }
        let lunch = BusinessCalendar.instant(date: Self.day, time: try #require(LocalTime(hour: 12, minute: 30)))
        let station = try ScanStation(queue: try door.queue(), device: try door.device(), setup: ScanSetup(place: .canteen, date: Self.day),
                                      clock: { lunch })
        let outcome = station.handle(card.payload)
        #expect(outcome.result == .ok)
        #expect(outcome.warnings.map(\.code) == (warned ? [.leftEarly] : []))
    }

    // MARK: The count

    @Test("# gives served and expected per class, the register's absences left out; the summary closes the session, also in JSON")
    func runningCount() throws {
        let door = try FieldDevice(.canteenS02)
        let classID = try #require(try door.strings("""
            SELECT b.class_id FROM beneficiary b JOIN enrollment e ON e.beneficiary_id = b.id WHERE e.service_id = 'MENSA'
            GROUP BY b.class_id HAVING COUNT(*) >= 5 ORDER BY b.class_id
            """).first)
        let children = try door.canteenCards("c.beneficiary_id IN (SELECT id FROM beneficiary WHERE class_id = ?)", [classID])
        let enrolled = Set(children.map(\.beneficiary)).count
        // One child absent in the register, three served.
        let absent = try #require(children.last)
        try door.queue().write { db in
            try ReplicaStore(db).insertPeer(try ReportsTests.peerMark(absent.beneficiary, classID, .absent, nil, hlc: 1_791_000_000_000))
        }
        let input = children.prefix(3).map { $0.payload + "\n" }.joined() + "#\n"
        let run = try door.scan(Self.canteen, input: input)
        #expect(run.answers.prefix(3).map { $0["result"] as? String } == ["ok", "ok", "ok"])
        let count = try #require(run.answers.last)
        #expect(count["result"] as? String == "count")
        #expect(count["date"] as? String == schoolDay)
        let line = try #require((count["classes"] as? [[String: Any]])?.first { $0["class_id"] as? String == classID })
        #expect(line["served"] as? Int == 3)
        #expect(line["expected"] as? Int == enrolled - 1)
        #expect(count["served"] as? Int == 3)
        let summary = try #require(run.summary)
        #expect(summary["served"] as? Int == 3)
        #expect(summary["expected"] as? Int == count["expected"] as? Int)
        // The same as the kitchen's count.
        let kitchen = try ReportsTests.meals(door).values.reduce(0) { $0 + $1.expected }
        #expect(summary["expected"] as? Int == kitchen)
        // q ends the session before the end of the input; the summary still closes it.
        let quit = try door.scan(Self.canteen, input: "q\n" + children[3].payload + "\n")
        #expect(quit.answers.isEmpty)
        #expect(quit.summary?["served"] as? Int == 3)
    }

    @Test("on a closing day that falls on a weekday (Wednesday 11 November, the patron saint), opened with --force, the door expects nobody, as the kitchen's count")
    func holidayCount() throws {
        let door = try FieldDevice(.canteenS02)
        let holiday = "2026-11-11"
        let kitchen = try ReportsTests.meals(door, holiday).values.reduce(0) { $0 + $1.expected }
        #expect(kitchen == 0)
        let run = try door.scan(["scan", "--service", "canteen", "--date", holiday, "--force"], input: "#\n")
        let count = try #require(run.answers.last)
        #expect(count["result"] as? String == "count")
        #expect(count["expected"] as? Int == kitchen)
        #expect(run.summary?["expected"] as? Int == kitchen)
    }

    // MARK: Undo

    @Test("- asks about the last line shown, naming the child; s cancels exactly that op, and a second - never reaches back further")
    func undoLast() throws {
        let door = try FieldDevice(.canteenS02)
        let cards = try door.canteenCards()
        let run = try door.scan(Self.canteen, input: "\(cards[0].payload)\n\(cards[1].payload)\n-\ns\n-\n")
        #expect(run.answers.map { $0["result"] as? String } == ["ok", "ok", "confirm", "voided", "not_voided"])
        let second = try ReportsTests.name(door, cards[1].beneficiary)
        let question = run.answers[2]
        #expect((question["message"] as? String)?.hasPrefix("Annullare il pasto di \(second) (") == true, "\(question)")
        #expect((question["message"] as? String)?.hasSuffix("? s/n") == true)
        #expect(question["target_op_id"] as? String == run.answers[1]["op_id"] as? String)
        #expect(run.answers[3]["target_op_id"] as? String == run.answers[1]["op_id"] as? String)
        #expect((run.answers[3]["message"] as? String)?.contains(second) == true)
        let targets = try door.strings("SELECT target_op_id FROM outbox WHERE type = 'void'")
        #expect(targets == [try #require(run.answers[1]["op_id"] as? String)])
        #expect((run.answers[4]["message"] as? String)?.contains("già annullata") == true)
    }

    @Test("- after a refused line cancels nothing (never an earlier child); n, or a new scan instead of an answer, cancels nothing either")
    func undoNothing() throws {
        let door = try FieldDevice(.canteenS02)
        let cards = try door.canteenCards()
        let run = try door.scan(Self.canteen, input: """
            \(cards[0].payload)
            8001234567890
            -
            \(cards[1].payload)
            -
            n
            -
            \(cards[2].payload)

            """)
        #expect(run.answers.map { $0["result"] as? String } == [
            "ok", "invalid_payload", "not_voided", "ok", "confirm", "not_voided", "confirm", "not_voided", "ok",
        ])
        #expect((run.answers[2]["message"] as? String)?.contains("non ha registrato nulla") == true)
        #expect(try door.strings("SELECT target_op_id FROM outbox WHERE type = 'void'").isEmpty)
        #expect(try door.recordedOps == 3)
    }

    // MARK: The day

    /// A clock a test moves by hand.
    final class Clock: Sendable {
        private let current: Mutex<Date>
        init(_ date: Date) { current = Mutex(date) }
        var now: Date { current.withLock { $0 } }
        func set(_ date: Date) { current.withLock { $0 = date } }
    }

    static let minute: UInt64 = 60_000
    static let hour: UInt64 = 60 * minute

    @Test("how far off a clock is reads as a person says it", arguments: [
        (3 * minute, "3 min"), (5 * hour + 10 * minute, "5 h 10 min"), (2 * hour, "2 h"),
        (72 * hour, "3 giorni"), (51 * hour + 59_000, "2 giorni e 3 h"),
    ] as [(UInt64, String)])
    func clockDuration(_ milliseconds: UInt64, _ said: String) {
        #expect(ItalianTime.span(seconds: Int(milliseconds / 1000)) == said)
    }

    @Test("a door left open past midnight records for the new day and says so; with a given date it stays on that day")
    func midnight() throws {
        let door = try FieldDevice(.canteenS02)
        let card = try #require(try door.canteenCards().first)
        let monday = try #require(LocalDate("2026-11-30")), tuesday = try #require(LocalDate("2026-12-01"))
        let clock = Clock(BusinessCalendar.instant(date: monday, time: try #require(LocalTime(hour: 23, minute: 58))))
        let session = try ScanSession(queue: try door.queue(), device: try door.device(), place: .canteen, date: nil, clock: { clock.now })
        #expect(Self.results(session.handle(card.payload)) == [.ok])
        clock.set(BusinessCalendar.instant(date: tuesday, time: try #require(LocalTime(hour: 0, minute: 1))))
        let after = Self.outcomes(session.handle(card.payload))
        #expect(after.map(\.result) == [.newDay, .ok], "the child is not 'already served yesterday'")
        #expect(after.first?.message.contains("01/12/2026") == true)
        #expect(after.last?.date == tuesday)
        #expect(session.date == tuesday)
        let dates = try door.strings("SELECT business_date FROM outbox ORDER BY seq")
        #expect(dates == ["2026-11-30", "2026-12-01"])

        let fixed = try FieldDevice(.canteenS02)
        let pinned = try ScanSession(queue: try fixed.queue(), device: try fixed.device(), place: .canteen, date: monday, clock: { clock.now })
        #expect(Self.results(pinned.handle(card.payload)) == [.ok])
        #expect(Self.results(pinned.handle(card.payload)) == [.duplicate])
        #expect(try fixed.strings("SELECT business_date FROM outbox") == ["2026-11-30"])
    }

    @Test("a door whose clock the last sync found three hours ahead says so when the scan starts; a right clock says nothing",
          .enabled(if: TestClock.honoured, "release builds ignore SPUNTA_TEST_CLOCK_SHIFT_MS: no fake clock"))
    func clockWarning() throws {
        let clock = try #require(TestClock(schoolDay, "12:00"))
        let d = try Deployment()
        try d.startServer(environment: clock.environment())
        let ahead = clock.environment(errorMs: 3 * TestClock.hour + 10 * 60_000)
        let wrong = try d.device("avanti", role: .canteen, scope: "site:S02", environment: ahead)
        let right = try d.device("giusta", role: .canteen, scope: "site:S02", environment: clock.environment())
        let card = try #require(try d.canteenCards(site: "S02").first)

        let json = try d.spunta(wrong, Self.canteen + ["--json"], input: card.payload + "\n", environment: ahead).output.map(JSON.object)
        #expect(json.map { $0["result"] as? String } == ["clock_wrong", "ok", "summary"])
        let offset = try #require(json.first?["clock_offset_ms"] as? Int)
        #expect(abs(offset - Int(3 * TestClock.hour + 10 * 60_000)) < Int(DeviceClock.toleranceMs))
        let human = ScanTests.unwrapped(try d.spunta(wrong, Self.canteen, input: "", environment: ahead).output)
        #expect(human.first?.hasPrefix("ATT. L'orologio di questo dispositivo è avanti di 3 h ") == true, "\(human)")
        #expect(human.first?.contains("Correggerlo o avvisare l'ufficio.") == true, "\(human)")

        let fine = try d.spunta(right, Self.canteen + ["--json"], input: card.payload + "\n", environment: clock.environment()).output.map(JSON.object)
        #expect(fine.map { $0["result"] as? String } == ["ok", "summary"], "no warning on a door whose clock is right")
    }

    static func outcomes(_ replies: [ScanSession.Reply]) -> [ScanOutcome] {
        replies.compactMap { if case .outcome(let o) = $0 { return o } else { return nil } }
    }

    static func results(_ replies: [ScanSession.Reply]) -> [ScanOutcome.Result] {
        outcomes(replies).map(\.result)
    }
}

/// A second device folder with the same database as `door` at this moment: to run the program again on the same
/// state and read its human answers, without disturbing the first.
enum FieldDeviceCopy {
    static func of(_ door: FieldDevice) throws -> FieldDevice {
        let copy = try FieldDevice(.canteenS01)
        try Database(path: DeviceHome(path: door.home).databasePath).backup(to: DeviceHome(path: copy.home).databasePath)
        return copy
    }
}
