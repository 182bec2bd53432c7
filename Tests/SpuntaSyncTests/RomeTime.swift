import Foundation
import SpuntaDomain

/// Instants in milliseconds, as ops and clock measurements carry them, written as days and times in Rome.
enum RomeTime {
    static let hour: Int64 = 3_600_000
    static let day: Int64 = 24 * hour

    /// The instant `time` of `date` in Rome (both written as in the protocol); 0 for a text that is not one.
    static func ms(_ date: String, _ time: String) -> Int64 {
        guard let day = LocalDate(date), let clock = LocalTime(time) else { return 0 }
        return Int64(BusinessCalendar.instant(date: day, time: clock).timeIntervalSince1970 * 1000)
    }

    /// The business date of an instant.
    static func date(_ ms: Int64) -> LocalDate {
        BusinessCalendar.date(of: Date(timeIntervalSince1970: Double(ms) / 1000))
    }
}
