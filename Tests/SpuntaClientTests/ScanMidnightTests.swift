import Foundation
import SpuntaClient
import SpuntaDomain
import SpuntaProtocol
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

    @Test("a ride left open past midnight into a Saturday refuses the boardings of the new day")
    func rideIntoSaturday() throws {
        let bus = try FieldDevice(.bus)
        let riders = try BusTests.riders(bus, route: "L1")
        try #require(riders.count >= 2)
        let clock = CanteenDoorTests.Clock(Self.at(Self.friday, 16, 30))
        let ride = try RideSession(queue: try bus.queue(), device: try bus.device(), route: "L1", direction: .return, date: nil,
                                   clock: { clock.now })
        #expect(Self.scans(ride.handle(riders[0].payload)).first?.recorded == true)

        clock.set(Self.at(Self.saturday, 0, 5))
        let after = Self.scans(ride.handle(riders[1].payload))
        #expect(after.map(\.result) == [.newDay, .notServiceDay])
        #expect(after.last?.message.contains("Sabato 03/10/2026 Linea 1") == true, "\(after.last?.message ?? "")")
        #expect(after.last?.recorded == false)
        #expect(try bus.strings("SELECT business_date FROM outbox ORDER BY seq") == ["2026-10-02"])
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
