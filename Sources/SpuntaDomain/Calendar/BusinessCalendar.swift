import Foundation

/// Calendario di servizio: turns instants into the business date and time of Italian school services, which
/// are dates and times in Europe/Rome, never UTC. At 00:30 UTC on 25 October 2026 it is already 02:30 in
/// Rome: a meal scanned then belongs to the 25th, and to October's bill.
public enum BusinessCalendar {
    /// Europe/Rome, from the system's tz database.
    public static let timeZone: TimeZone = {
        guard let zone = TimeZone(identifier: "Europe/Rome") else {
            // A deployment fault, not bad input: every date in Spunta depends on it (Debian package tzdata).
            preconditionFailure("time zone Europe/Rome not found: install the tz database (tzdata)")
        }
        return zone
    }()

    /// Instants the arithmetic below can hold: years 1–9999 with a day to spare at each end.
    private static let earliestSecond = -62_135_596_800 + 86_400
    private static let latestSecond = 253_402_300_799 - 86_400

    /// The business date of `instant` in Europe/Rome. Instants outside the years 1–9999 are clamped to them,
    /// and a NaN instant (which no decoder produces) reads as 1970-01-01.
    public static func date(of instant: Date) -> LocalDate {
        LocalDate(dayNumber: floorDivision(localSecond(of: instant), 86_400))
    }

    /// The wall-clock time of `instant` in Europe/Rome, to the minute (seconds are dropped, not rounded:
    /// 09:29:59 is still before a 09:30 cut-off).
    public static func time(of instant: Date) -> LocalTime {
        let secondOfDay = localSecond(of: instant) - floorDivision(localSecond(of: instant), 86_400) * 86_400
        guard let time = LocalTime(hour: secondOfDay / 3_600, minute: secondOfDay % 3_600 / 60) else {
            preconditionFailure("a second of the day is within 0..<86400 by construction")
        }
        return time
    }

    /// The instant when the clocks of Rome show `time` on `date`.
    ///
    /// Twice a year the wall clock is not one-to-one, and the answer is deterministic:
    /// - **Gap** (last Sunday of March, 02:00–02:59 does not happen): the time is read with the offset in
    ///   force before the change, so it lands as far after the change as it was after 02:00 — 02:30 gives
    ///   01:30 UTC, which is 03:30 CEST.
    /// - **Overlap** (last Sunday of October, 02:00–02:59 happens twice): the earlier of the two instants,
    ///   still in summer time — 02:30 gives 00:30 UTC.
    /// These are the rules of `java.time.ZonedDateTime.of`, so other systems reading our times agree.
    public static func instant(date: LocalDate, time: LocalTime) -> Date {
        let local = date.dayNumber * 86_400 + time.minutes * 60
        // A day away from any change of offset: Rome changes twice a year, months apart.
        let offsetBefore = offset(atSecond: local - 86_400)
        let offsetAfter = offset(atSecond: local + 86_400)
        let consistent = [local - offsetBefore, local - offsetAfter].filter { utc in
            offset(atSecond: utc) == local - utc
        }
        return Date(timeIntervalSince1970: TimeInterval(consistent.min() ?? local - offsetBefore))
    }

    /// Seconds since 1970-01-01T00:00 on Rome's wall clock.
    private static func localSecond(of instant: Date) -> Int {
        let interval = instant.timeIntervalSince1970
        let second: Int
        if interval.isNaN {
            second = 0
        } else {
            second = Int(min(max(interval.rounded(.down), Double(earliestSecond)), Double(latestSecond)))
        }
        return second + offset(atSecond: second)
    }

    private static func offset(atSecond second: Int) -> Int {
        timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(second)))
    }

    private static func floorDivision(_ dividend: Int, _ divisor: Int) -> Int {
        let quotient = dividend / divisor
        return dividend % divisor < 0 ? quotient - 1 : quotient
    }
}
