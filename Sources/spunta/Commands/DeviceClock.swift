import Foundation
import SpuntaCLI
import SpuntaDomain
import SpuntaProtocol

extension CommandContext {
    /// The clock of what the device records and shows: the instant `SPUNTA_NOW` fixes (the demo's story, tests of
    /// the day rules that must give the same answer on any date), else the system clock (`WallClock`). The program
    /// already refused a `SPUNTA_NOW` that is not an instant before any command ran, so a value here that does not
    /// read as one can only come from a context built without it, and the system clock is the right answer then.
    /// `spunta sync` and `spunta enroll` keep the system clock: the server measures it to warn of a wrong one.
    var deviceClock: @Sendable () -> Date {
        guard let fixed = try? Self.fixedInstant(in: environment) else { return WallClock.now }
        return { fixed }
    }

    /// Today in Europe/Rome by `deviceClock`.
    var today: LocalDate { BusinessCalendar.date(of: deviceClock()) }
}
