import Foundation
import SpuntaClient
import SpuntaDomain
import SpuntaExchange
import Testing

/// The sample Comune's bus lines as the attendant rides them (`RidePlan`: the stops, then the schools, in the
/// morning; the schools, then the stops backwards, in the afternoon): the times must go forward along the ride.
@Suite("The sample's bus timetable")
struct SampleTimetableTests {
    @Test("every line of the generated sample (and of a city's) runs forward in time in both directions, every weekday",
          arguments: [0, 5])
    func timesGoForward(_ additionalSchools: Int) throws {
        var options = SampleComuneGenerator.Options()
        options.additionalPrimarySites = additionalSchools
        let data = SampleComuneGenerator.generate(options: options)
        try #require(data.routes.count >= 2)
        let names = Dictionary(data.sites.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        // A school week: Wednesday is the day without afternoon school at Montessori.
        let week = (5...9).compactMap { LocalDate(year: 2026, month: 10, day: $0) }
        for route in data.routes {
            for direction in [Direction.outbound, .return] {
                for day in week {
                    let schools = RidePlan.schools(of: route, direction: direction, on: day, names: names)
                    let plan = RidePlan(route: route, direction: direction, schools: schools, children: [])
                    #expect(plan.stops.count == route.stops.count + route.schools.count)
                    #expect(plan.stops.allSatisfy { $0.time != nil }, "\(route.id) \(direction) \(day)")
                    let backwards = zip(plan.stops, plan.stops.dropFirst()).filter { pair in
                        guard let a = pair.0.time, let b = pair.1.time else { return false }
                        return b < a
                    }
                    #expect(backwards.isEmpty, """
                        \(route.id) \(direction.rawValue) \(day): \(backwards.map { "\($0.0.name) \($0.0.time?.description ?? "") → \($0.1.name) \($0.1.time?.description ?? "")" })
                        """)
                }
            }
        }
    }
}
