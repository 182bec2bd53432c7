import Foundation
import Testing
@testable import SpuntaDomain
@testable import SpuntaExchange
@testable import SpuntaServerStore
@testable import SpuntaStore

/// `routes.csv` says a line's schools in its `schools` column, as `<school>` elements do in the XML: the column
/// given replaces them, left out keeps the stored ones, and the same file imported again changes nothing.
@Suite("Route schools in routes.csv")
struct RouteSchoolsCSVTests {
    static let sample = SampleComuneGenerator.generate()

    static func t(_ text: String) -> LocalTime { LocalTime(text)! }

    /// The sample's database, and a way to import files into it.
    struct World {
        let dir: TemporaryDirectory
        let queue: DatabaseQueue

        init() throws {
            dir = try TemporaryDirectory()
            queue = try ServerDatabase.open(path: dir.path("db.sqlite"))
            _ = try MasterDataImporter.run(queue, paths: [try dir.write("comune.xml", ExchangeXMLWriter.write(RouteSchoolsCSVTests.sample))])
        }

        func importing(_ name: String, _ text: String) throws -> ImportSummary {
            try MasterDataImporter.run(queue, paths: [try dir.write(name, text)])
        }

        func routes() throws -> [String: Route] {
            Dictionary(uniqueKeysWithValues: try queue.read { try MasterDataStore.load($0) }.routes.map { ($0.id, $0) })
        }
    }

    /// `routes.csv` of the sample's lines, with `schools` cells by route id when given.
    static func routesCSV(schools: [String: String]?) -> String {
        let header = schools == nil ? "id;service;name" : "id;service;name;schools"
        let rows = sample.routes.map { route in
            [route.id, route.serviceId, "\"\(route.name)\""].joined(separator: ";") + (schools.map { ";\"\($0[route.id] ?? "")\"" } ?? "")
        }
        return ([header] + rows).joined(separator: "\n") + "\n"
    }

    /// The sample's own schools of a route, written as the column writes them.
    static func cell(_ route: Route) -> String {
        route.schools.map { s in
            ([s.siteId, s.stopId, s.arrival.description, s.returnTime.description]
                + (s.shortReturn.map { [$0.description, s.shortDays.map(String.init).joined(separator: ",")] } ?? [])).joined(separator: " ")
        }.joined(separator: ";")
    }

    @Test("the schools column replaces a line's schools, left out keeps them, empty clears them, and a re-import changes nothing")
    func replaceKeepClear() throws {
        let world = try World()
        let l1 = try #require(Self.sample.routes.first { $0.id == "L1" })
        let l2 = try #require(Self.sample.routes.first { $0.id == "L2" })
        let stop = try #require(l1.stops.last).id
        let edited = ["L1": "S02 \(stop) 08:10 16:40 12:30 3,5", "L2": Self.cell(l2)]

        let summary = try world.importing("routes.csv", Self.routesCSV(schools: edited))
        #expect(summary.changed == 1 && summary.updated["routes"] == 1)
        var routes = try world.routes()
        #expect(routes["L1"]?.schools == [RouteSchool(siteId: "S02", stopId: stop, arrival: Self.t("08:10"), returnTime: Self.t("16:40"),
                                                       shortReturn: Self.t("12:30"), shortDays: [3, 5])])
        #expect(routes["L2"]?.schools == l2.schools)
        #expect(routes["L1"]?.stops == l1.stops, "routes.csv never touches the stops")

        #expect(try world.importing("routes.csv", Self.routesCSV(schools: edited)).changed == 0)
        #expect(try world.importing("routes.csv", Self.routesCSV(schools: nil)).changed == 0)
        routes = try world.routes()
        #expect(routes["L1"]?.schools.map(\.siteId) == ["S02"], "a routes.csv without the column keeps the stored schools")

        let cleared = try world.importing("routes.csv", Self.routesCSV(schools: ["L1": Self.cell(l1), "L2": ""]))
        #expect(cleared.updated["routes"] == 2)
        routes = try world.routes()
        #expect(routes["L1"]?.schools == l1.schools)
        #expect(routes["L2"]?.schools == [])
    }

    @Test("a bad schools cell is refused with the file, the line and what to write, and nothing changes", arguments: [
        ("S01 L1-02 07:55", "non valida"),
        ("S01 L1-02 07:55 16:20 12:35", "non valida"),
        ("S01 L1-02 16:20 07:55", "non segue l'arrivo"),
        ("S01 L1-02 07:55 16:20 12:35 9", "giorni della settimana"),
        ("S01 L1-02 7.55 16:20", "nel campo «arrival» non valido"),
        ("S99 L1-02 07:55 16:20", "non è un plesso esistente"),
        ("S01 L2-01 07:55 16:20", "non è sulla linea"),
        ("S01 L1-02 07:55 16:20;S01 L1-03 07:58 16:22", "indicato due volte"),
    ])
    func badCell(_ cell: String, _ message: String) throws {
        let world = try World()
        let before = try world.routes()
        let l2 = try #require(before["L2"])
        do {
            _ = try world.importing("routes.csv", Self.routesCSV(schools: ["L1": cell, "L2": Self.cell(l2)]))
            Issue.record("the import should have been refused")
        } catch let error as ImportError {
            #expect(error.problems.contains { $0.location.file.hasSuffix("routes.csv") && $0.location.line == 2 && $0.message.contains(message) },
                    "\(error.problems)")
        }
        #expect(try world.routes() == before)
    }
}
