import Foundation
import Synchronization
import Testing
import SpuntaCLI
import SpuntaDomain
import SpuntaProtocol
@testable import SpuntaClient

/// The roll call screen's day: the screen itself, driven key by key in the test process with a clock the test
/// moves, on a copy of an enrolled teacher's device.
@Suite("Roll call screen and the day")
struct RollCallScreenTests {
    /// A wall clock the test sets.
    final class TestClock: Sendable {
        private let now: Mutex<Date>
        init(_ date: Date) { now = Mutex(date) }
        func set(_ date: Date) { now.withLock { $0 = date } }
        func read() -> Date { now.withLock { $0 } }
    }

    static func at(_ date: String, _ time: String) throws -> Date {
        BusinessCalendar.instant(date: try #require(LocalDate(date)), time: try #require(LocalTime(time)))
    }

    static func screen(_ teacher: FieldDevice, clock: TestClock, date: String, followsToday: Bool, force: Bool = false) throws -> RollCallScreen {
        let rollCall = try RollCall(queue: try teacher.queue(), device: try teacher.device(), classID: "S01-1A",
                                    date: try #require(LocalDate(date)), allowsClosedDay: force, clock: { clock.read() })
        return RollCallScreen(rollCall: rollCall, output: .memory(), input: .bytes([]), width: 40, height: 20, followsToday: followsToday)
    }

    @Test("left open past midnight, the screen moves to the new day, says so, puts the cursor on the first child to mark, and marks on the new day")
    func pastMidnight() throws {
        let teacher = try FieldDevice(.teacher)
        let clock = TestClock(try Self.at("2026-10-05", "23:58"))
        let screen = try Self.screen(teacher, clock: clock, date: "2026-10-05", followsToday: true)
        try screen.open()
        #expect(try screen.handle(.character("a")))
        #expect(try screen.handle(.character("p")))
        #expect(screen.selected == 2)
        #expect(try !screen.followToday(), "still the same day")

        clock.set(try Self.at("2026-10-06", "00:01"))
        #expect(try screen.followToday())
        #expect(screen.rollCall.date.description == "2026-10-06")
        #expect(screen.message == "È passata la mezzanotte: ora l'appello è di martedì 06/10/2026.")
        #expect(screen.selected == 0, "nobody is marked on the new day")
        #expect(screen.entries.allSatisfy { $0.status == nil })
        screen.draw()
        #expect(screen.output.text.contains("Appello 1A — martedì 06/10/2026"))
        #expect(try screen.handle(.character("a")))
        let days = try teacher.strings("SELECT business_date FROM outbox ORDER BY seq")
        #expect(days == ["2026-10-05", "2026-10-05", "2026-10-06"])
    }

    @Test("opened for a given date (--date), the screen stays on it after midnight")
    func givenDateStays() throws {
        let teacher = try FieldDevice(.teacher)
        let clock = TestClock(try Self.at("2026-10-05", "23:58"))
        let screen = try Self.screen(teacher, clock: clock, date: "2026-10-05", followsToday: false)
        try screen.open()
        clock.set(try Self.at("2026-10-06", "00:01"))
        #expect(try !screen.followToday())
        #expect(screen.rollCall.date.description == "2026-10-05")
    }

    @Test("moving into a Saturday: the screen says there is no school, and a key that marks is refused with nothing saved")
    func intoWeekend() throws {
        let teacher = try FieldDevice(.teacher)
        let clock = TestClock(try Self.at("2026-10-09", "23:59"))
        let screen = try Self.screen(teacher, clock: clock, date: "2026-10-09", followsToday: true)
        try screen.open()
        clock.set(try Self.at("2026-10-10", "00:00"))
        #expect(try screen.followToday())
        #expect(screen.message.contains("Attenzione: sabato 10/10/2026 non è un giorno di scuola (fine settimana): non si può segnare"), "\(screen.message)")
        for key in ["p", "a", "t"] {
            #expect(try screen.handle(.character(Character(key))))
            #expect(screen.message.hasPrefix("Sabato 10/10/2026 non è un giorno di scuola (fine settimana): nulla è stato salvato."), "\(screen.message)")
        }
        #expect(try teacher.recordedOps == 0)
        // The whole message is on screen, wrapped, never cut.
        screen.draw()
        let rows = screen.output.text.components(separatedBy: "\n")
        #expect(rows.allSatisfy { TextWidth.of($0) <= 40 }, "\(rows)")
        #expect(!screen.output.text.contains("…"))
        #expect(rows.count == 20, "\(rows)")
    }

    @Test("--force given at the start confirms that day only: moved into a Saturday, the screen refuses the marking keys")
    func forceStaysOnItsDay() throws {
        let teacher = try FieldDevice(.teacher)
        let clock = TestClock(try Self.at("2026-10-09", "23:59"))
        let screen = try Self.screen(teacher, clock: clock, date: "2026-10-09", followsToday: true, force: true)
        try screen.open()
        clock.set(try Self.at("2026-10-10", "00:00"))
        #expect(try screen.followToday())
        #expect(!screen.rollCall.allowsClosedDay)
        #expect(screen.message.contains("sabato 10/10/2026 non è un giorno di scuola (fine settimana): non si può segnare"), "\(screen.message)")
        // The screen is already open: --force means closing it and opening it again.
        #expect(screen.message.contains("(per farlo: chiudere l'appello (q) e riaprirlo con --force)"), "\(screen.message)")
        #expect(try screen.handle(.character("p")))
        #expect(screen.message.hasPrefix("Sabato 10/10/2026 non è un giorno di scuola (fine settimana): nulla è stato salvato."), "\(screen.message)")
        #expect(try teacher.recordedOps == 0)
    }

    @Test("«t» says how many it marked present, the noun agreeing with the count, and says so when nobody was left")
    func everyoneElseCounted() throws {
        let teacher = try FieldDevice(.teacher)
        let clock = TestClock(try Self.at("2026-10-05", "08:10"))
        let screen = try Self.screen(teacher, clock: clock, date: "2026-10-05", followsToday: false)
        try screen.open()
        let children = screen.entries.count
        try #require(children >= 3)
        // All but the last marked absent one by one; «t» then marks the one left.
        for _ in 0..<(children - 1) { #expect(try screen.handle(.character("a"))) }
        #expect(try screen.handle(.character("t")))
        #expect(screen.message == "1 bambino segnato presente.")
        #expect(try screen.handle(.character("t")))
        #expect(screen.message == "Tutti hanno già un segno: nessuno segnato presente.")
    }
}

