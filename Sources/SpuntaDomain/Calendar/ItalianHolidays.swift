/// Festività nazionali: the days the law makes public holidays everywhere in Italy, when schools, and with
/// them canteens and school buses, are closed. The feast of the Comune's patron saint and the school
/// calendar's holidays are local and live in `SchoolYear.closures`.
///
/// Sources: legge 27 maggio 1949 n. 260, art. 2, as amended — the list has stood since 2001, when legge
/// 20 novembre 2000 n. 336 restored 2 June — and legge 8 ottobre 2025 n. 151 (Gazzetta Ufficiale n. 236 of
/// 10 October 2025, in force from 1 January 2026), which inserted 4 October, "festa nazionale di San Francesco
/// d'Assisi, patrono d'Italia", into that article. Years before 2001 are given today's list (without
/// 4 October); they are not reconstructed.
public enum ItalianHolidays {
    /// The first year with 4 October as a national holiday (legge 151/2025).
    public static let saintFrancisFirstYear = 2026

    /// The national holidays of `year` in date order, with their Italian names; empty outside 1583–9999
    /// (the Gregorian computus and `LocalDate`'s range). Easter Sunday is listed, as the law lists it,
    /// although it always falls on a Sunday.
    public static func holidays(year: Int) -> [(date: LocalDate, name: String)] {
        guard (1583...9999).contains(year), let easter = easterSunday(year: year) else { return [] }
        var fixed: [(month: Int, day: Int, name: String)] = [
            (1, 1, "Capodanno"),
            (1, 6, "Epifania"),
            (4, 25, "Festa della Liberazione"),
            (5, 1, "Festa del Lavoro"),
            (6, 2, "Festa della Repubblica"),
            (8, 15, "Assunzione (Ferragosto)"),
            (11, 1, "Ognissanti"),
            (12, 8, "Immacolata Concezione"),
            (12, 25, "Natale"),
            (12, 26, "Santo Stefano"),
        ]
        if year >= saintFrancisFirstYear {
            fixed.append((10, 4, "San Francesco d'Assisi, patrono d'Italia"))
        }
        var days: [(date: LocalDate, name: String)] = fixed.compactMap { entry in
            LocalDate(year: year, month: entry.month, day: entry.day).map { (date: $0, name: entry.name) }
        }
        days.append((date: easter, name: "Pasqua"))
        days.append((date: easter.adding(days: 1), name: "Lunedì dell'Angelo (Pasquetta)"))
        // Stable for the years when Easter Monday falls on 25 April (2011) or Easter on it (2038): both kept.
        return days.enumerated()
            .sorted { ($0.element.date, $0.offset) < ($1.element.date, $1.offset) }
            .map(\.element)
    }

    /// Whether `date` is a national holiday.
    public static func isHoliday(_ date: LocalDate) -> Bool {
        holidays(year: date.year).contains { $0.date == date }
    }

    /// The first day from `date` on that is neither a Sunday nor a national holiday: a term that ends on a
    /// holiday runs to the next day that is not one (codice civile, art. 2963, second paragraph). A payment
    /// notice that falls due on 1 January would otherwise be late for everyone who pays at a counter.
    /// Saturday is a working day for this rule.
    public static func firstWorkingDay(onOrAfter date: LocalDate) -> LocalDate {
        var day = date
        while day.weekday == 7 || isHoliday(day) { day = day.adding(days: 1) }
        return day
    }

    /// Easter Sunday by the Gregorian computus (the anonymous algorithm published in Nature in 1876, in the
    /// arithmetic of Meeus, "Astronomical Algorithms", ch. 8). `nil` before 1583.
    public static func easterSunday(year: Int) -> LocalDate? {
        guard year >= 1583 else { return nil }
        let a = year % 19
        let b = year / 100
        let c = year % 100
        let d = b / 4
        let e = b % 4
        let f = (b + 8) / 25
        let g = (b - f + 1) / 3
        let h = (19 * a + b - d - g + 15) % 30
        let i = c / 4
        let k = c % 4
        let l = (32 + 2 * e + 2 * i - h - k) % 7
        let m = (a + 11 * h + 22 * l) / 451
        let month = (h + l - 7 * m + 114) / 31
        let day = (h + l - 7 * m + 114) % 31 + 1
        return LocalDate(year: year, month: month, day: day)
    }
}
