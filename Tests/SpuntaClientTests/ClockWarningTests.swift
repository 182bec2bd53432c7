import Foundation
import SpuntaCLI
import SpuntaProtocol
import SpuntaTestSupport
import Testing

/// A teacher's handheld whose clock is wrong, with the real server and real processes: the last sync's measure
/// is shown by `status` (exit 3) and by the roll call, until a sync finds the clock right again.
@Suite("Wrong clock on the handheld's screens", .serialized, .enabled(if: TestClock.honoured, "release builds ignore SPUNTA_TEST_CLOCK_SHIFT_MS: no fake clock"))
struct ClockWarningTests {
    static let minute: Int64 = 60_000

    @Test("a clock a day ahead or three years behind: status says so and exits 3, the roll call (list and screen) says so; after a sync with the clock set right, both are in order", arguments: [
        (TestClock.day + minute, "avanti di 1 giorno"), (-(3 * 365 * TestClock.day + minute), "indietro di 3 anni"),
    ])
    func wrongClock(_ errorMs: Int64, _ words: String) throws {
        let clock = try #require(TestClock("2026-11-30", "10:00"))
        let d = try Deployment()
        try d.startServer(environment: clock.environment())
        let teacher = try d.device("maestra", role: .teacher, scope: "class:S01-1A", environment: clock.environment())
        let wrong = clock.environment(errorMs: errorMs)
        #expect(try d.spunta(teacher, ["sync"], environment: wrong).status == 0)

        let status = try d.spunta(teacher, ["status"], environment: wrong)
        #expect(status.status == 3, "\(status.output)")
        #expect(status.output.allSatisfy { TextWidth.of($0) <= 40 }, "\(status.output)")
        let said = RollCallTests.paragraphs(status.output)
        #expect(said.contains("Orologio: SBAGLIATO, \(words) rispetto al server"), "\(said)")
        #expect(said.contains("- orologio del dispositivo \(words) rispetto al server: correggere data e ora, poi sincronizzare"), "\(said)")
        #expect(!said.contains("Stato: in ordine."))

        let listed = RollCallTests.paragraphs(try d.spunta(teacher, ["roll-call", "--date", "2026-11-30", "--list"], environment: wrong).output)
        #expect(listed.last == "OROLOGIO SBAGLIATO: all'ultima sincronizzazione questo dispositivo era \(words) rispetto al server. "
            + "Correggere data e ora del dispositivo, poi sincronizzare (spunta sync).", "\(listed)")

        if TmuxSession.isAvailable {
            let session = try TmuxSession(
                columns: 40, rows: 20,
                command: [ChildProcess.productsDirectory.appendingPathComponent("spunta").path,
                          "roll-call", "--date", "2026-11-30", "--home", teacher],
                environment: wrong
            )
            let (screen, matched) = try session.waitForScreen { $0.last?.hasSuffix("q fine") == true && $0.count == 20 }
            #expect(matched, "\(screen)")
            // Under the title, in view all the time (wrapped if need be); the whole warning below the list at first.
            #expect(screen.dropFirst().first?.hasPrefix("!! OROLOGIO SBAGLIATO:") == true, "\(screen)")
            #expect(InteractiveRollCallTests.text(Array(screen.prefix(3))).contains("!! OROLOGIO SBAGLIATO: \(words)"), "\(screen)")
            #expect(InteractiveRollCallTests.text(screen).contains("OROLOGIO SBAGLIATO: all'ultima sincronizzazione"), "\(screen)")
            #expect(screen.allSatisfy { TextWidth.of($0) <= 40 }, "\(screen)")
            try session.type("q")
            #expect(try session.waitForScreen { _ in (try? session.exitStatus()) != nil }.matched, "the program did not end")
        }

        // The clock is set right and the device syncs: the warnings are gone.
        #expect(try d.spunta(teacher, ["sync"], environment: clock.environment()).status == 0)
        let fixed = try d.spunta(teacher, ["status"], environment: clock.environment())
        #expect(fixed.status == 0, "\(fixed.output)")
        #expect(fixed.output.contains("Orologio: in ordine"), "\(fixed.output)")
        let relisted = try d.spunta(teacher, ["roll-call", "--date", "2026-11-30", "--list"], environment: clock.environment())
        #expect(!relisted.output.joined().contains("OROLOGIO"))
    }
}
