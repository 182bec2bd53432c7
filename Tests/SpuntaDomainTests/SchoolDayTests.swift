import Testing
import SpuntaDomain

@Suite("Giorni di scuola")
struct SchoolDayTests {
    static let year = SchoolYear(
        id: "2026-27", startDate: LocalDate(year: 2026, month: 9, day: 14)!, endDate: LocalDate(year: 2027, month: 6, day: 9)!,
        closures: [
            .init(from: LocalDate(year: 2026, month: 11, day: 11)!, to: LocalDate(year: 2026, month: 11, day: 11)!, reason: "Festa del patrono"),
            .init(from: LocalDate(year: 2026, month: 12, day: 8)!, to: LocalDate(year: 2026, month: 12, day: 8)!, reason: "Immacolata Concezione"),
            .init(from: LocalDate(year: 2026, month: 12, day: 23)!, to: LocalDate(year: 2027, month: 1, day: 6)!, reason: "Vacanze di Natale"),
        ]
    )

    @Test("why a day has no school, or nil on a school day", arguments: [
        ("2026-10-05", nil),
        ("2026-11-28", SchoolDay.Closure.weekend),
        ("2026-11-29", .weekend),
        ("2026-11-11", .closed("Festa del patrono")),
        // The calendar's own wording wins over the law's for the same day.
        ("2026-12-08", .closed("Immacolata Concezione")),
        ("2026-12-30", .closed("Vacanze di Natale")),
        ("2027-04-25", .holiday("Festa della Liberazione")),
        ("2026-10-04", .holiday("San Francesco d'Assisi, patrono d'Italia")),
        ("2026-09-11", .outsideSchoolYear),
        ("2027-06-10", .outsideSchoolYear),
        ("2027-06-09", nil),
    ] as [(String, SchoolDay.Closure?)])
    func closure(_ text: String, _ expected: SchoolDay.Closure?) throws {
        let date = try #require(LocalDate(text))
        #expect(SchoolDay.closure(on: date, years: [Self.year]) == expected)
    }

    @Test("with no school year known, only weekends and national holidays count")
    func noYear() throws {
        #expect(SchoolDay.closure(on: try #require(LocalDate("2026-09-10")), years: []) == nil)
        #expect(SchoolDay.closure(on: try #require(LocalDate("2027-10-04")), years: []) == .holiday("San Francesco d'Assisi, patrono d'Italia"))
        #expect(SchoolDay.closure(on: try #require(LocalDate("2026-11-28")), years: []) == .weekend)
    }

    @Test("the sentence names the day of the week and the date as Italians write them, and the reason")
    func sentence() throws {
        #expect(SchoolDay.sentence(try #require(LocalDate("2026-11-28")), .weekend)
            == "sabato 28/11/2026 non è un giorno di scuola (fine settimana)")
        #expect(SchoolDay.sentence(try #require(LocalDate("2027-04-25")), .holiday("Festa della Liberazione"))
            == "domenica 25/04/2027 non è un giorno di scuola (festa nazionale: Festa della Liberazione)")
    }

    /// A bus of Monday to Saturday, closed on a strike day of its own, over the school year's dates.
    static let bus = Service(
        id: "TRASPORTO", kind: .transport, name: "Scuolabus", billingMode: .postpaid, chargeBasis: .enrollment, yearId: "2026-27",
        startDate: LocalDate(year: 2026, month: 9, day: 14)!, endDate: LocalDate(year: 2027, month: 6, day: 9)!,
        weekdays: [1, 2, 3, 4, 5, 6], siteIds: ["S01"], cutoff: nil
    )
    static let busYear = SchoolYear(id: "2026-27", startDate: year.startDate, endDate: year.endDate, closures: year.closures + [
        .init(from: LocalDate(year: 2026, month: 10, day: 21)!, to: LocalDate(year: 2026, month: 10, day: 21)!, reason: "Sciopero degli autisti",
              serviceIds: ["TRASPORTO"]),
    ])

    @Test("why a service does not run on a day, in the school day's words; a Saturday it runs is no weekend", arguments: [
        ("2026-10-05", nil),
        ("2026-11-28", nil),
        ("2026-11-29", SchoolDay.Closure.weekend),
        ("2026-10-21", .closed("Sciopero degli autisti")),
        ("2026-12-08", .closed("Immacolata Concezione")),
        ("2027-04-25", .holiday("Festa della Liberazione")),
        ("2026-08-01", .outsideSchoolYear),
        ("2027-06-12", .outsideSchoolYear),
    ] as [(String, SchoolDay.Closure?)])
    func serviceClosure(_ text: String, _ expected: SchoolDay.Closure?) throws {
        let date = try #require(LocalDate(text))
        #expect(SchoolDay.closure(of: Self.bus, on: date, year: Self.busYear) == expected)
    }

    @Test("a weekday a service does not run on is named so; the reason is given exactly on the days Service.runs says no")
    func serviceClosureAgreesWithRuns() throws {
        var threeDays = Self.bus
        threeDays.weekdays = [1, 3, 5]
        #expect(SchoolDay.closure(of: threeDays, on: try #require(LocalDate("2026-10-06")), year: Self.busYear) == .notServiceDay)
        let first = try #require(LocalDate("2026-08-01"))
        for service in [Self.bus, threeDays] {
            for offset in 0..<400 {
                let day = first.adding(days: offset)
                #expect((SchoolDay.closure(of: service, on: day, year: Self.busYear) == nil) == service.runs(on: day, year: Self.busYear),
                        "\(service.weekdays) \(day)")
            }
        }
    }

    @Test("weekday names from Monday to Sunday")
    func weekdayNames() throws {
        let monday = try #require(LocalDate("2026-10-05"))
        #expect((0..<7).map { monday.adding(days: $0).weekdayName }
            == ["lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica"])
    }
}

@Suite("Names as typed on a handheld")
struct NameKeyTests {
    @Test("a name folded as it is typed: no accents, case, apostrophes, hyphens or double spaces", arguments: [
        ("Niccolò", "niccolo"), ("Nicolo\u{0300}", "nicolo"), ("D'Amico", "damico"), ("D’Amico  Luca", "damico luca"),
        ("DE LUCA-Rossi", "de lucarossi"), ("  Ölçer ", "olcer"),
    ])
    func nameKey(_ text: String, _ expected: String) {
        #expect(NameKey.fold(text) == expected)
    }
}
