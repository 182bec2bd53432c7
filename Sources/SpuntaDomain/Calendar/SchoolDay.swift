/// Giorno di scuola: whether children are in class on a date — not on a weekend, a national holiday, a closing
/// day of the school year (the patron saint, the holidays the school calendar sets) or outside the school year.
/// A register mark on such a day is almost always a wrong date, so the roll call asks for confirmation first.
public enum SchoolDay {
    /// Why there is no school on a day.
    public enum Closure: Hashable, Sendable {
        /// Saturday or Sunday.
        case weekend
        /// A national holiday, with its name (`ItalianHolidays`).
        case holiday(String)
        /// A closing day of the school year, with the reason the calendar gives.
        case closed(String)
        /// Before the first or after the last day of every school year known (of a service: outside its dates).
        case outsideSchoolYear
        /// A weekday the service does not run on (a bus of Monday to Friday on a Saturday is a weekend).
        case notServiceDay

        /// The reason in words, to follow "non è un giorno di scuola".
        public var italian: String {
            switch self {
            case .weekend: return "fine settimana"
            case .holiday(let name): return "festa nazionale: \(name)"
            case .closed(let reason): return reason
            case .outsideSchoolYear: return "fuori dall'anno scolastico"
            case .notServiceDay: return "giorno senza servizio"
            }
        }
    }

    /// Why `date` is not a school day at `site` (the class's plesso; nil: the Comune as a whole), or nil when it
    /// is one. `years` are the school years the device knows; with none known, only weekends and national
    /// holidays count. A closing day of the calendar wins over a national holiday on the same day, as the
    /// calendar's wording is the one the school uses. A closure of some services only (the nursery) leaves the
    /// school open; one of the site closes it (`SchoolYear.Closure.closes`).
    public static func closure(on date: LocalDate, years: [SchoolYear], site: String? = nil) -> Closure? {
        for year in years {
            if let closure = year.closure(on: date, at: site.map { [$0] } ?? []) { return .closed(closure.reason) }
        }
        if let holiday = holiday(on: date) { return holiday }
        if date.weekday >= 6 { return .weekend }
        if !years.isEmpty && !years.contains(where: { $0.startDate <= date && date <= $0.endDate }) {
            return .outsideSchoolYear
        }
        return nil
    }

    /// Why `service` does not run on `date` — the rule of `Service.runs(on:year:at:)` (nil exactly when it runs),
    /// told with the reasons of the school day's rule above: a day outside its dates (`outsideSchoolYear`), a
    /// closing day of its school year for it, a national holiday, a weekend or another weekday it does not run on.
    /// The bus's ride asks it as the roll call asks `closure(on:years:site:)`.
    public static func closure(of service: Service, on date: LocalDate, year: SchoolYear?) -> Closure? {
        guard !service.runs(on: date, year: year) else { return nil }
        // Outside its dates first: no confirmation makes such a day one of the service's.
        if date < service.startDate || date > service.endDate { return .outsideSchoolYear }
        if let closed = year?.closure(on: date, service: service.id, at: service.siteIds) { return .closed(closed.reason) }
        if let holiday = holiday(on: date) { return holiday }
        return date.weekday >= 6 ? .weekend : .notServiceDay
    }

    /// The national holiday on `date`, with its name.
    private static func holiday(on date: LocalDate) -> Closure? {
        ItalianHolidays.holidays(year: date.year).first { $0.date == date }.map { .holiday($0.name) }
    }

    /// "sabato 28/11/2026 non è un giorno di scuola (fine settimana)".
    public static func sentence(_ date: LocalDate, _ closure: Closure) -> String {
        "\(date.weekdayName) \(date.italian) non è un giorno di scuola (\(closure.italian))"
    }
}
