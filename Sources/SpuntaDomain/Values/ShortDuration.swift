/// A span of time as a 40-column screen shows it (durata): "5 h 10 min", "3 min", "2 giorni e 4 h", "3 anni",
/// "meno di 1 min" (a year is 365 days: a clock three years off needs no more precision). Two units at most: on a
/// handheld "2 giorni e 4 h" says enough, and the seconds never matter to the person reading.
public enum ShortDuration {
    /// `seconds` (its magnitude: the caller says whether ahead or behind, ago or to come) in words.
    public static func italian(seconds: Int) -> String {
        let total = seconds.magnitude / 60
        let days = total / 1440, hours = total / 60 % 24, minutes = total % 60
        if days >= 365 {
            let years = days / 365, rest = days % 365
            return (years == 1 ? "1 anno" : "\(years) anni") + (rest > 0 ? " e \(Self.days(rest))" : "")
        }
        if days > 0 { return Self.days(days) + (hours > 0 ? " e \(hours) h" : "") }
        if hours > 0 { return minutes > 0 ? "\(hours) h \(minutes) min" : "\(hours) h" }
        return minutes > 0 ? "\(minutes) min" : "meno di 1 min"
    }

    private static func days(_ count: UInt) -> String {
        count == 1 ? "1 giorno" : "\(count) giorni"
    }
}
