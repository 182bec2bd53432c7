import Foundation
import SpuntaClient
import SpuntaDomain
import SpuntaProtocol
import SpuntaStore
import SpuntaTestSupport
import Testing

/// A door or a bus left running past midnight moves to the new day (`new_day`); the new day is checked by the rule the
/// start applies (`ServiceDay`) before any scan of it is recorded. A canteen door left open on Friday evening once
/// recorded Saturday's meals at 00:05 without a word.
@Suite("Midnight at an open door")
struct ScanMidnightTests {
    static let friday = LocalDate("2026-10-02")!
    static let saturday = LocalDate("2026-10-03")!

    static func at(_ day: LocalDate, _ hour: Int, _ minute: Int) -> Date {
        BusinessCalendar.instant(date: day, time: LocalTime(hour: hour, minute: minute)!)
    }

    @Test("a canteen door left open on Friday evening refuses Saturday's scans after midnight, records nothing, and says what to do")
    func fridayIntoSaturday() throws {
        let door = try FieldDevice(.canteenS01)
        let cards = try door.canteenCards()
        try #require(cards.count >= 2)
        let clock = CanteenDoorTests.Clock(Self.at(Self.friday, 19, 30))
        let session = try ScanSession(queue: try door.queue(), device: try door.device(), place: .canteen, date: nil, clock: { clock.now })
        #expect(CanteenDoorTests.results(session.handle(cards[0].payload)) == [.ok])

        clock.set(Self.at(Self.saturday, 0, 5))
        let after = CanteenDoorTests.outcomes(session.handle(cards[1].payload))
        #expect(after.map(\.result) == [.newDay, .notServiceDay])
        #expect(after.first?.reason == "not_service_day", "the day's line already says the new day is refused")
        let refused = try #require(after.last)
        #expect(refused.recorded == false)
        #expect(refused.date == Self.saturday)
        #expect(refused.reason == "not_service_day")
        #expect(refused.message.contains("Sabato 03/10/2026 la mensa «"), "\(refused.message)")
        #expect(refused.message.contains("(q)") && refused.message.contains("--force") && refused.message.contains("davvero oggi"),
                "\(refused.message)")
        // A child without card is refused the same way; a search and the count still answer.
        #expect(CanteenDoorTests.results(session.handle("=" + cards[1].beneficiary)) == [.notServiceDay])
        #expect(CanteenDoorTests.results(session.handle("?ro")) == [.candidates])
        #expect(try door.strings("SELECT business_date FROM outbox ORDER BY seq") == ["2026-10-02"])
    }

    @Test("a ride left open past midnight keeps its day: who is still aboard stays on screen and q closes that ride naming them")
    func rideKeepsItsDay() throws {
        let bus = try FieldDevice(.bus)
        let riders = try BusTests.riders(bus, route: "L1")
        try #require(riders.count >= 2)
        let clock = CanteenDoorTests.Clock(Self.at(Self.friday, 23, 50))
        let ride = try RideSession(queue: try bus.queue(), device: try bus.device(), route: "L1", direction: .return, date: nil,
                                   clock: { clock.now })
        #expect(Self.scans(ride.handle(riders[0].payload)).first?.recorded == true)
        #expect(Self.scans(ride.handle(riders[1].payload)).first?.recorded == true)

        let stop = try #require(try ride.plan.stops.first { $0.id == riders[1].back }?.number)

        clock.set(Self.at(Self.saturday, 0, 5))
        // The first line after midnight (to the second child's stop) is preceded by the notice, once.
        let moved = Self.events(ride.handle(String(stop)))
        let told = try #require(moved.first)
        #expect(told.result == .stop)
        #expect(told.message.contains("Passata la mezzanotte: questa corsa resta del 02/10/2026"), "\(told.message)")
        #expect(Set(told.aboard.map(\.beneficiaryId)) == [riders[0].child, riders[1].child], "the evening's children still in view")
        #expect(moved.last?.stop?.number == stop)
        #expect(moved.filter { $0.message.contains("mezzanotte") }.count == 1)
        let after = ride.handle(riders[1].payload)
        #expect(!Self.events(after).contains { $0.message.contains("mezzanotte") })
        let off = try #require(Self.scans(after).first)
        #expect(off.result == .ok && off.recorded && off.date == Self.friday, "\(off)")
        #expect(ride.date == Self.friday)
        // Said once.
        let asked = Self.events(ride.handle("q"))
        #expect(asked.map(\.result) == [.confirmClose], "\(asked.map(\.message))")
        #expect(asked.first?.aboard.map(\.beneficiaryId) == [riders[0].child])
        let closed = Self.events(ride.handle("s"))
        #expect(closed.map(\.result) == [.rideClosed])
        #expect(closed.first?.date == Self.friday)
        #expect(closed.first?.aboard.map(\.beneficiaryId) == [riders[0].child])
        #expect(try bus.strings("SELECT type || ' ' || business_date FROM outbox ORDER BY seq")
            == ["boarding 2026-10-02", "boarding 2026-10-02", "alighting 2026-10-02", "ride_closed 2026-10-02"])
        #expect(try bus.strings("SELECT json_extract(json, '$.aboard[0]') FROM outbox WHERE type = 'ride_closed'") == [riders[0].child])
    }

    @Test("the real spunta ride across midnight: the night's ops keep the ride's day and the server takes them all, alerting for the child left aboard",
          .enabled(if: TestClock.honoured, "release builds ignore SPUNTA_TEST_CLOCK_SHIFT_MS: no fake clock"))
    func rideAcrossMidnightReachesTheServer() throws {
        let midnight = BusinessCalendar.instant(date: Self.saturday, time: LocalTime(hour: 0, minute: 0)!)
        // The town hall and the handheld agree on the time: a few seconds before Saturday, time to enroll and board two.
        let clock = TestClock(at: midnight.addingTimeInterval(-12))
        let d = try Deployment()
        try d.startServer(environment: clock.environment())
        let home = try d.device("Scuolabus L1", role: .bus, scope: "route:L1", environment: clock.environment())
        let riders: [(payload: String, child: String, back: String)] = try DeviceHome(path: home).open().read { db in
            try db.fetchAll("""
                SELECT c.id, e.beneficiary_id, e.return_stop_id FROM enrollment e
                JOIN card c ON c.beneficiary_id = e.beneficiary_id AND c.revoked_on IS NULL
                WHERE e.route_id = 'L1' ORDER BY e.beneficiary_id
                """).map { ("SPUNTA1:" + (try $0[0] as String), try $0[1] as String, try $0[2] as String) }
        }
        try #require(riders.count >= 2)
        let plan = try RideSession(queue: try DeviceHome(path: home).open(), device: try DeviceHome(path: home).open().read { try EnrolledDevice.require($0) },
                                   route: "L1", direction: .return, date: Self.friday, clock: { Self.at(Self.friday, 16, 0) }).plan
        let stop = try #require(plan.stops.first { $0.id == riders[1].back }?.number)
        let process = try ChildProcess("spunta", ["ride", "--route", "L1", "--json", "--home", home], environment: clock.environment())
        defer { process.signal(SIGKILL) }
        process.send(riders[0].payload + "\n" + riders[1].payload + "\n")
        let deadline = Date().addingTimeInterval(20)
        func recorded() -> [[String: Any]] { process.output.map(JSON.object).filter { $0["recorded"] as? Bool == true } }
        while recorded().count < 2 && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        try #require(recorded().map { $0["date"] as? String } == ["2026-10-02", "2026-10-02"],
                     "the machine was too slow to board before midnight: \(process.output)")
        let realMidnight = midnight.addingTimeInterval(-Double(clock.shiftMs) / 1000 + 0.3)
        while Date() < realMidnight { Thread.sleep(until: realMidnight) }
        process.send("\(stop)\n" + riders[1].payload + "\nq\ns\n")
        process.closeInput()
        #expect(process.wait(seconds: 30) == 0, "\(process.errors)")
        let answers = process.output.map(JSON.object)
        let told = answers.first { ($0["message"] as? String)?.contains("Passata la mezzanotte") == true }
        #expect(told?["result"] as? String == "stop", "\(process.output)")
        let closed = try #require(answers.last, "\(process.output)")
        #expect(closed["result"] as? String == "ride_closed")
        #expect(closed["date"] as? String == "2026-10-02")

        let synced = try d.spunta(home, ["sync"], environment: clock.environment())
        #expect(synced.status == 0, "\(synced.errors)")
        let midnightMs = Int64(midnight.timeIntervalSince1970 * 1000)
        #expect(try d.strings("""
            SELECT type || ' ' || business_date || ' ' || merge_status || ' ' || (wall_time_ms >= \(midnightMs)) FROM op
            WHERE type IN ('boarding', 'alighting', 'ride_closed') ORDER BY seq
            """) == ["boarding 2026-10-02 applied 0", "boarding 2026-10-02 applied 0", "alighting 2026-10-02 applied 1",
                     "ride_closed 2026-10-02 applied 1"])
        #expect(try d.strings("SELECT subject FROM office_alert WHERE kind = 'child_left_aboard'").count == 1)
        #expect(try d.strings("SELECT kind FROM conflict WHERE kind != 'boarded_not_alighted'") == [])
    }

    static func events(_ replies: [RideSession.Reply]) -> [RideEvent] {
        replies.compactMap { if case .ride(let event) = $0 { return event } else { return nil } }
    }

    static func scans(_ replies: [RideSession.Reply]) -> [ScanOutcome] {
        replies.compactMap { if case .scan(let outcome) = $0 { return outcome } else { return nil } }
    }

    @Test("--force given at the start opens that day only: the real spunta scan, forced on a Saturday night, refuses Sunday's scans",
          .enabled(if: TestClock.honoured, "release builds ignore SPUNTA_TEST_CLOCK_SHIFT_MS: no fake clock"))
    func forceIsForTheStartDay() throws {
        let door = try FieldDevice(.canteenS01)
        let cards = try door.canteenCards()
        try #require(cards.count >= 2)
        let sunday = try #require(LocalDate("2026-10-04"))
        let midnight = BusinessCalendar.instant(date: sunday, time: LocalTime(hour: 0, minute: 0)!)
        // Four seconds before midnight on the device's clock: time to start and answer the first card on Saturday.
        let clock = TestClock(at: midnight.addingTimeInterval(-4))
        let process = try ChildProcess("spunta", ["scan", "--service", "canteen", "--force", "--json", "--home", door.home],
                                       environment: clock.environment())
        defer { process.signal(SIGKILL) }
        process.send(cards[0].payload + "\n")
        let first = try #require(process.waitForLine(containing: "\"result\""))
        try #require(JSON.object(first)["date"] as? String == "2026-10-03", "the machine was too slow to scan before midnight: \(first)")
        #expect(JSON.object(first)["result"] as? String == "ok")
        // Wait for the device's midnight, which comes at a known instant of this machine's clock.
        let realMidnight = midnight.addingTimeInterval(-Double(clock.shiftMs) / 1000 + 0.3)
        while Date() < realMidnight { Thread.sleep(until: realMidnight) }
        process.send(cards[1].payload + "\n")
        process.send("q\n")
        process.closeInput()
        #expect(process.wait(seconds: 30) == 0, "\(process.errors)")
        let answers = process.output.map(JSON.object)
        #expect(answers.map { $0["result"] as? String } == ["ok", "new_day", "not_service_day", "summary"], "\(process.output)")
        let refused = answers.count > 2 ? answers[2] : [:]
        #expect(refused["date"] as? String == "2026-10-04")
        #expect(refused["recorded"] as? Bool == false)
        #expect((refused["message"] as? String)?.contains("Domenica 04/10/2026 la mensa «") == true, "\(refused)")
        #expect(try door.strings("SELECT business_date FROM outbox ORDER BY seq") == ["2026-10-03"])
        // The closing count is Saturday's, the night the door served, not empty Sunday's.
        let summary = answers.last ?? [:]
        #expect(summary["date"] as? String == "2026-10-03", "\(summary)")
        // A Saturday the canteen does not run, opened with --force: the child served is counted, served and expected.
        #expect(summary["served"] as? Int == 1, "\(summary)")
        #expect(summary["expected"] as? Int == 1, "\(summary)")
    }

    @Test("the closing count of a door open across midnight sums up the day it served, and the new day only if it recorded on it")
    func summaryOfTheDaysServed() throws {
        let thursday = try #require(LocalDate("2026-10-01"))
        let door = try FieldDevice(.canteenS01)
        let cards = try door.canteenCards()
        try #require(cards.count >= 2)
        let clock = CanteenDoorTests.Clock(Self.at(thursday, 13, 0))
        let session = try ScanSession(queue: try door.queue(), device: try door.device(), place: .canteen, date: nil, clock: { clock.now })
        #expect(CanteenDoorTests.results(session.handle(cards[0].payload)) == [.ok])
        clock.set(Self.at(Self.friday, 0, 5))
        #expect(CanteenDoorTests.results(session.handle("?ro")) == [.newDay, .candidates])
        let evening = session.summaries()
        #expect(evening.map(\.date) == [thursday], "nothing recorded on Friday yet")
        #expect(evening.map(\.served) == [1])
        #expect(evening.map(\.kind) == [.summary])
        #expect(CanteenDoorTests.results(session.handle(cards[1].payload)) == [.ok])
        let both = session.summaries()
        #expect(both.map(\.date) == [thursday, Self.friday])
        #expect(both.map(\.served) == [1, 1])
    }
}
