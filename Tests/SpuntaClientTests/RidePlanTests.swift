import Foundation
import SpuntaClient
import SpuntaDomain
import SpuntaProtocol
import Testing

/// The ride's rules without a device: direction by the hour, the stops in order with the schools, who is expected
/// where, and the whole sentence when a child gets on or off elsewhere.
@Suite("Ride plan")
struct RidePlanTests {
    static func time(_ h: Int, _ m: Int) -> LocalTime { LocalTime(hour: h, minute: m)! }

    static let route = Route(id: "L9", serviceId: "TR", name: "Linea 9", stops: [
        Stop(id: "L9-01", name: "Piazza Garibaldi", outboundTime: time(7, 10), returnTime: time(16, 40)),
        Stop(id: "L9-02", name: "Località Ca' Rossa", outboundTime: time(7, 15), returnTime: time(16, 35)),
        Stop(id: "L9-03", name: "Via Roma (farmacia)", outboundTime: time(7, 20), returnTime: time(16, 30)),
        Stop(id: "L9-04", name: "Via Piave", outboundTime: time(7, 25), returnTime: time(16, 25)),
    ])
    static let schools = [RidePlan.School(site: "S02", name: "Scuola Montessori"), RidePlan.School(site: "S01", name: "Scuola Rodari")]
    static let children = [
        RidePlan.Child(beneficiaryId: "B1", name: "Rossi Mario", className: "2A", schoolSite: "S01", outboundStop: "L9-01", returnStop: "L9-03"),
        RidePlan.Child(beneficiaryId: "B2", name: "Bianchi Anna", className: "3B", schoolSite: "S02", outboundStop: "L9-01", returnStop: "L9-01"),
        RidePlan.Child(beneficiaryId: "B3", name: "Verdi Luca", className: "1A", schoolSite: "S01", outboundStop: "L9-02", returnStop: nil),
    ]

    static func plan(_ direction: Direction) -> RidePlan {
        RidePlan(route: route, direction: direction, schools: schools, children: children)
    }

    @Test("the direction follows the hour in Rome: andata before noon, ritorno from noon (UTC instants across DST)", arguments: [
        ("2026-10-05T05:30:00Z", Direction.outbound), ("2026-10-05T09:59:00Z", .outbound), ("2026-10-05T10:00:00Z", .return),
        ("2026-12-01T10:59:00Z", .outbound), ("2026-12-01T11:00:00Z", .return), ("2026-12-01T15:30:00Z", .return),
    ])
    func directionByTime(_ instant: String, _ expected: Direction) throws {
        let date = try #require(ISO8601DateFormatter().date(from: instant))
        #expect(RidePlan.direction(at: date) == expected)
    }

    @Test("the line is said once at the top of the ride: a name that starts with «Linea» is not preceded by «Linea L1»", arguments: [
        ("Linea 1 – Nord (Borgo)", "Linea 1 – Nord (Borgo) (L1)"), ("linea nord", "linea nord (L1)"), ("Nord (Borgo)", "Linea L1 Nord (Borgo)"),
        ("", "Linea L1"), ("L1", "Linea L1"), ("  Linea 1 ", "Linea 1 (L1)"),
    ])
    func title(_ name: String, _ expected: String) {
        let route = Route(id: "L1", serviceId: "TR", name: name, stops: Self.route.stops)
        #expect(RidePlan(route: route, direction: .outbound, schools: [], children: []).title == expected)
    }

    @Test("andata: the route's stops in order, then one stop per school; ritorno: the schools first, then the stops backwards")
    func stopsInOrder() {
        let out = Self.plan(.outbound)
        #expect(out.stops.map(\.id) == ["L9-01", "L9-02", "L9-03", "L9-04", "school:S01", "school:S02"])
        #expect(out.stops.map(\.number) == [1, 2, 3, 4, 5, 6])
        #expect(out.stops[4].name == "Scuola Rodari")
        #expect(out.stops[0].time == Self.time(7, 10))
        let back = Self.plan(.return)
        #expect(back.stops.map(\.id) == ["school:S01", "school:S02", "L9-04", "L9-03", "L9-02", "L9-01"])
        #expect(back.stops[2].time == Self.time(16, 25))
        // A line whose school the device cannot tell still has its school stop.
        let unknown = RidePlan(route: Self.route, direction: .outbound, schools: [], children: [])
        #expect(unknown.stops.last?.id == Ride.school)
    }

    @Test("schools the line's data times come in that order with their times, before a school it does not describe")
    func describedSchoolsInOrder() {
        let schools = [
            RidePlan.School(site: "S02", name: "Scuola Montessori", time: Self.time(7, 50)),
            RidePlan.School(site: "S01", name: "Scuola Rodari", time: Self.time(7, 58)),
            RidePlan.School(site: "S00", name: "Scuola dell'infanzia"),
        ]
        let out = RidePlan(route: Self.route, direction: .outbound, schools: schools, children: Self.children)
        #expect(out.stops.suffix(3).map(\.id) == ["school:S02", "school:S01", "school:S00"])
        #expect(out.stops.suffix(3).map(\.time) == [Self.time(7, 50), Self.time(7, 58), nil])
        // Bianchi goes to S02, now the first school: she gets off there, not at the last school stop.
        let bianchi = out.riders.first { $0.beneficiaryId == "B2" }
        #expect(bianchi?.alightStop == "school:S02")
    }

    @Test("a stop is chosen by number, id or the beginning of its name, accents, case and apostrophes ignored", arguments: [
        ("1", RidePlan.StopChoice.stop(0)), ("6", .stop(5)), ("7", .none), ("0", .none), ("l9-03", .stop(2)),
        ("ca ross", .stop(1)), ("CA' ROSSA", .stop(1)), ("via", .ambiguous([2, 3])), ("via p", .stop(3)),
        ("scuola", .ambiguous([4, 5])), ("scuola m", .stop(5)), ("stazione", .none), ("", .none),
    ])
    func choosingStops(_ typed: String, _ expected: RidePlan.StopChoice) {
        #expect(Self.plan(.outbound).stop(matching: typed) == expected)
    }

    @Test("who is expected where: on at the outbound stop and off at one's own school in the morning, the reverse in the afternoon")
    func expected() {
        let out = Self.plan(.outbound)
        #expect(out.boarding(at: 0).map(\.beneficiaryId) == ["B2", "B1"])
        #expect(out.boarding(at: 1).map(\.beneficiaryId) == ["B3"])
        #expect(out.alighting(at: 4).map(\.beneficiaryId) == ["B1", "B3"])
        #expect(out.alighting(at: 5).map(\.beneficiaryId) == ["B2"])
        let back = Self.plan(.return)
        // Verdi Luca has no return stop: he does not ride home.
        #expect(back.boarding(at: 0).map(\.beneficiaryId) == ["B1"])
        #expect(back.boarding(at: 1).map(\.beneficiaryId) == ["B2"])
        #expect(back.alighting(at: 3).map(\.beneficiaryId) == ["B1"])
        #expect(back.alighting(at: 5).map(\.beneficiaryId) == ["B2"])
    }

    @Test("getting on at another stop names the child's own stop and its number, whole")
    func wrongStop() throws {
        let out = Self.plan(.outbound)
        #expect(out.problem("B1", boarding: true, at: "L9-01") == nil)
        let problem = try #require(out.problem("B1", boarding: true, at: "L9-03"))
        #expect(problem.message == "ATTENZIONE: sale a Via Roma (farmacia), ma la sua fermata di salita è Piazza Garibaldi (n. 1). Registrato comunque.")
        let off = try #require(Self.plan(.return).problem("B1", boarding: false, at: "L9-01"))
        #expect(off.message == "ATTENZIONE: scende a Piazza Garibaldi, ma la sua fermata di discesa è Via Roma (farmacia) (n. 4). Registrato comunque.")
        #expect(out.problem("B9", boarding: true, at: "L9-01") == .notEnrolled)
        #expect(Self.plan(.return).problem("B3", boarding: true, at: "school:S01") == .noStopThisWay(boarding: true, direction: .return))
    }

    @Test("a line serving two schools: each child gets off at their own school; the other school is a warning naming both")
    func twoSchools() throws {
        let out = Self.plan(.outbound)
        #expect(out.problem("B1", boarding: false, at: "school:S01") == nil)
        #expect(out.problem("B2", boarding: false, at: "school:S02") == nil)
        let wrong = try #require(out.problem("B2", boarding: false, at: "school:S01"))
        #expect(wrong == .wrongSchool(boarding: false, here: "Scuola Rodari", school: "Scuola Montessori", className: "3B"))
        #expect(wrong.message == "ATTENZIONE: scende a Scuola Rodari, ma la sua scuola (classe 3B) è Scuola Montessori. "
            + "Registrato comunque: se non è la sua scuola, farlo risalire.")
        // Plain `school` (spunta scan --stop school) does not say which school: not checked.
        #expect(out.problem("B2", boarding: false, at: Ride.school) == nil)
        // Afternoon: getting on at the other school's stop.
        let back = try #require(Self.plan(.return).problem("B1", boarding: true, at: "school:S02"))
        #expect(back == .wrongSchool(boarding: true, here: "Scuola Montessori", school: "Scuola Rodari", className: "2A"))
    }
}
