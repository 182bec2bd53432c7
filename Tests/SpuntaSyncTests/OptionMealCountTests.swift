import Foundation
import Testing
import SpuntaDomain
import SpuntaStore
@testable import SpuntaSync

/// The caterer's count expects the meals billing books: a pupil on the canteen's three-day option (Monday,
/// Wednesday, Friday in the sample Comune) is counted on those days only.
@Suite("The caterer's count and tariff options")
struct OptionMealCountTests {
    /// (day, whether the three-day pupils are expected): the week of 5 October 2026, Monday to Friday.
    static let week: [(String, Bool)] = [("2026-10-05", true), ("2026-10-06", false), ("2026-10-07", true), ("2026-10-08", false), ("2026-10-09", true)]

    @Test("a pupil on the three-day option is counted on its days only, the others every day", arguments: week)
    func threeDays(_ c: (String, Bool)) throws {
        let (text, expected) = c
        let f = try SyncFixture()
        let day = try #require(LocalDate(text))
        for site in f.sample.sites where f.sample.services.contains(where: { $0.id == "MENSA" && $0.siteIds.contains(site.id) }) {
            let mensa = f.sample.enrollments.filter { $0.serviceId == "MENSA" && $0.siteId == site.id }
            let three = Set(mensa.filter { $0.optionId == "3-giorni" }.map(\.beneficiaryId))
            let others = Set(mensa.filter { $0.optionId != "3-giorni" }.map(\.beneficiaryId))
            let count = try #require(try f.queue.read { db in try MealCount.compose(db, data: f.sample, site: site, date: day) })
            let counted = Set(count.children.map(\.beneficiaryId))
            #expect(counted.isSuperset(of: others), "\(site.id) \(text)")
            #expect(counted.isDisjoint(with: three) == !expected && counted.isSuperset(of: three) == expected, "\(site.id) \(text)")
            #expect(count.classes.reduce(0) { $0 + $1.enrolled } == others.count + (expected ? three.count : 0))
        }
    }
}
