import Foundation

/// Orari come li legge una persona: instants shown on Rome's wall clock with the date as Italians write it
/// (`30/10/2026 08:12`), ages (`3 h fa`) and clock offsets (`-1 h`). What machines read (JSON, the database)
/// stays UTC ISO 8601; only what a person reads passes through here.
public enum ItalianTime {
    /// `30/10/2026 08:12` in Europe/Rome.
    public static func dateTime(_ instant: Date) -> String {
        "\(BusinessCalendar.date(of: instant).italian) \(BusinessCalendar.time(of: instant))"
    }

    /// `08:12` in Europe/Rome.
    public static func time(_ instant: Date) -> String {
        BusinessCalendar.time(of: instant).description
    }

    /// A stored UTC timestamp as `dateTime`, or the text itself when it is not one (never hidden).
    public static func dateTime(stored text: String) -> String {
        UTCTime.date(text).map(dateTime) ?? text
    }

    /// `08:12` on `today`, else `30/10/2026 08:12`: a table of today's events need not repeat the date.
    public static func short(_ instant: Date, today: LocalDate) -> String {
        BusinessCalendar.date(of: instant) == today ? time(instant) : dateTime(instant)
    }

    /// How long ago, the largest whole unit: `adesso`, `40 s fa`, `12 min fa`, `3 h fa`, `2 g fa`. A moment in
    /// the future (a clock ahead of the server) reads `adesso`.
    public static func ago(seconds: Int) -> String {
        guard seconds >= 5 else { return "adesso" }
        return "\(duration(seconds: seconds)) fa"
    }

    /// A span in its largest whole unit: `40 s`, `12 min`, `3 h`, `2 g`.
    public static func duration(seconds: Int) -> String {
        let seconds = abs(seconds)
        if seconds < 60 { return "\(seconds) s" }
        if seconds < 3_600 { return "\(seconds / 60) min" }
        if seconds < 48 * 3_600 { return "\(seconds / 3_600) h" }
        return "\(seconds / 86_400) g"
    }

    /// A span in at most two units, for a line a person must act on (a wait, how far off a clock is): `5 h 10 min`,
    /// `3 min`, `2 giorni e 4 h`, `3 anni`, `meno di 1 min` (a year is 365 days). The sign is the caller's to say.
    public static func span(seconds: Int) -> String {
        let total = seconds.magnitude / 60
        let days = total / 1440, hours = total / 60 % 24, minutes = total % 60
        func dayCount(_ count: UInt) -> String { count == 1 ? "1 giorno" : "\(count) giorni" }
        if days >= 365 {
            let years = days / 365, rest = days % 365
            return (years == 1 ? "1 anno" : "\(years) anni") + (rest > 0 ? " e \(dayCount(rest))" : "")
        }
        if days > 0 { return dayCount(days) + (hours > 0 ? " e \(hours) h" : "") }
        if hours > 0 { return minutes > 0 ? "\(hours) h \(minutes) min" : "\(hours) h" }
        return minutes > 0 ? "\(minutes) min" : "meno di 1 min"
    }

    /// A device clock's offset from the server, signed, rounded to what matters: `+12 s`, `-4 min`, `-1 h`,
    /// `+1 h 30 min`, `-2 g`. Zero reads `0 s`.
    public static func offset(milliseconds: Int64) -> String {
        let sign = milliseconds < 0 ? "-" : "+"
        let seconds = Int((Double(abs(milliseconds)) / 1000).rounded())
        if seconds == 0 { return "0 s" }
        if seconds < 60 { return "\(sign)\(seconds) s" }
        let minutes = Int((Double(seconds) / 60).rounded())
        if minutes < 60 { return "\(sign)\(minutes) min" }
        if minutes < 24 * 60 {
            let rest = minutes % 60
            return "\(sign)\(minutes / 60) h" + (rest == 0 ? "" : " \(rest) min")
        }
        return "\(sign)\(minutes / (24 * 60)) g"
    }
}
