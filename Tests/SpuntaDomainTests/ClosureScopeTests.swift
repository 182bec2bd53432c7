import Foundation
import Testing
@testable import SpuntaDomain

/// A closure of the whole Comune, of some services or of some sites: one rule (`SchoolYear.Closure.closes`) behind
/// `Service.runs` and `SchoolDay.closure`, so the door, the kitchen count, the roll call, billing and monitoring
/// agree on who is closed.
@Suite("Closures per service and site")
struct ClosureScopeTests {
    static func d(_ text: String) -> LocalDate { LocalDate(text)! }
    /// Tuesday 19 January 2027.
    static let snowDay = d("2027-01-19")

    static func year(_ closure: SchoolYear.Closure?) -> SchoolYear {
        SchoolYear(id: "Y", startDate: d("2026-09-14"), endDate: d("2027-06-09"), closures: closure.map { [$0] } ?? [])
    }

    static func service(_ id: String, _ kind: Service.Kind, sites: [String]) -> Service {
        Service(id: id, kind: kind, name: id, billingMode: .postpaid, chargeBasis: .enrollment, yearId: "Y",
                startDate: d("2026-09-01"), endDate: d("2027-07-30"), weekdays: [1, 2, 3, 4, 5], siteIds: sites, cutoff: nil)
    }

    static let canteen = service("MENSA", .canteen, sites: ["S01", "S02"])
    static let nursery = service("NIDO", .nursery, sites: ["S04"])
    static let bus = service("BUS", .transport, sites: [])

    /// (services closed, sites closed) → whether the canteen runs at S01, at S02, as a whole; the nursery; the bus;
    /// whether the register of a class at S01 is open.
    static let cases: [([String], [String], Bool, Bool, Bool, Bool, Bool, Bool)] = [
        // The whole Comune (today's closures).
        ([], [], false, false, false, false, false, false),
        // A snow day for the schools only: the school sites and their bus close, the nursery stays open.
        (["BUS"], ["S01", "S02"], false, false, false, true, false, false),
        // One school's patron day (a neighbouring Comune's school): the other site still eats.
        ([], ["S01"], false, true, true, true, true, false),
        // The nursery alone.
        (["NIDO"], [], true, true, true, false, true, true),
        // The canteen service everywhere, while classes go on.
        (["MENSA"], [], false, false, false, true, true, true),
    ]

    @Test("each closure closes exactly the services and sites it names", arguments: cases)
    func closes(_ c: ([String], [String], Bool, Bool, Bool, Bool, Bool, Bool)) {
        let (services, sites, atS01, atS02, canteenWhole, nurseryRuns, busRuns, schoolOpen) = c
        let year = Self.year(.init(from: Self.snowDay, to: Self.snowDay, reason: "Neve", serviceIds: services, siteIds: sites))
        #expect(Self.canteen.runs(on: Self.snowDay, year: year, at: "S01") == atS01)
        #expect(Self.canteen.runs(on: Self.snowDay, year: year, at: "S02") == atS02)
        #expect(Self.canteen.runs(on: Self.snowDay, year: year) == canteenWhole)
        #expect(Self.nursery.runs(on: Self.snowDay, year: year) == nurseryRuns)
        #expect(Self.bus.runs(on: Self.snowDay, year: year) == busRuns)
        #expect((SchoolDay.closure(on: Self.snowDay, years: [year], site: "S01") == nil) == schoolOpen)
        // The day after, everything runs again.
        let next = Self.snowDay.adding(days: 1)
        #expect(Self.canteen.runs(on: next, year: year, at: "S01") && Self.nursery.runs(on: next, year: year) && Self.bus.runs(on: next, year: year))
    }

    @Test("a closure's scope travels on the wire only when it has one, and an old replica reads as the whole Comune")
    func wire() throws {
        let wide = SchoolYear.Closure(from: Self.snowDay, to: Self.snowDay, reason: "Neve")
        let wideJSON = String(decoding: try JSONEncoder().encode(wide), as: UTF8.self)
        #expect(!wideJSON.contains("service_ids") && !wideJSON.contains("site_ids"))
        let scoped = SchoolYear.Closure(from: Self.snowDay, to: Self.snowDay, reason: "Neve", serviceIds: ["BUS"], siteIds: ["S01"])
        let decoded = try JSONDecoder().decode(SchoolYear.Closure.self, from: try JSONEncoder().encode(scoped))
        #expect(decoded == scoped)
        let old = #"{"from":"2027-01-19","to":"2027-01-19","reason":"Neve"}"#
        #expect(try JSONDecoder().decode(SchoolYear.Closure.self, from: Data(old.utf8)).isComuneWide)
    }
}
