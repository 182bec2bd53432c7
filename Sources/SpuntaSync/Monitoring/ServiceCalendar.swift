import Foundation
import SpuntaDomain
import SpuntaProtocol
import SpuntaServerStore
import SpuntaStore

/// Which days a device is expected at work: the days one of the services of its scope runs (`Service.runs`) —
/// a bus the transport service of its routes at the schools its lines serve, a canteen door the services
/// delivered at its sites, a teacher the services of her classes' sites. Read once per listing.
public struct ServiceCalendar: Sendable {
    let services: [String: Service]
    let years: [String: SchoolYear]
    let routeServices: [String: String]
    /// The schools each line serves (`route_school`): a line whose schools are all closed has no run that day.
    let routeSites: [String: [String]]
    let classSites: [String: String]

    public init(_ db: Database) throws {
        services = Dictionary(uniqueKeysWithValues: try MasterDataStore.services(db).map { ($0.id, $0) })
        years = Dictionary(uniqueKeysWithValues: try MasterDataStore.schoolYears(db).map { ($0.id, $0) })
        var routes: [String: String] = [:]
        for row in try db.fetchAll("SELECT id, service_id FROM route WHERE deleted = 0") { routes[try row[0] as String] = try row[1] as String }
        routeServices = routes
        var schools: [String: [String]] = [:]
        for row in try db.fetchAll("SELECT route_id, site_id FROM route_school ORDER BY route_id, position") {
            schools[try row[0] as String, default: []].append(try row[1] as String)
        }
        routeSites = schools
        var classes: [String: String] = [:]
        for row in try db.fetchAll("SELECT id, site_id FROM school_class WHERE deleted = 0") { classes[try row[0] as String] = try row[1] as String }
        classSites = classes
    }

    /// The services a scope takes part in, each with the sites of the scope where it is delivered (nil: the
    /// service as a whole, for a bus on a line that lists no school).
    func services(of scope: [ScopeItem]) -> [(service: Service, sites: [String]?)] {
        var sites: Set<String> = []
        var lineSchools: [String: Set<String>] = [:]
        var whole: Set<String> = []
        for item in scope {
            switch item.kind {
            case .route:
                guard let service = routeServices[item.id] else { continue }
                if let schools = routeSites[item.id], !schools.isEmpty {
                    lineSchools[service, default: []].formUnion(schools)
                } else {
                    whole.insert(service)
                }
            case .site: sites.insert(item.id)
            case .class: if let site = classSites[item.id] { sites.insert(site) }
            }
        }
        return services.values.sorted { $0.id < $1.id }.compactMap { service in
            if whole.contains(service.id) { return (service, nil) }
            if let schools = lineSchools[service.id] { return (service, schools.sorted()) }
            let here = service.siteIds.filter(sites.contains)
            return here.isEmpty ? nil : (service, here)
        }
    }

    /// Whether a device with this scope is expected at work on `day`: one of its services runs at one of its
    /// sites (a snow day that closes its school leaves it off, though the nursery is open). A scope with no
    /// service (a class whose site has none) follows the school week: Monday to Friday, national holidays excepted.
    public func isServiceDay(_ day: LocalDate, scope: [ScopeItem]) -> Bool {
        let own = services(of: scope)
        guard !own.isEmpty else { return day.weekday <= 5 && !ItalianHolidays.isHoliday(day) }
        return own.contains { service, sites in
            let year = years[service.yearId]
            guard let sites else { return service.runs(on: day, year: year) }
            return sites.contains { service.runs(on: day, year: year, at: $0) }
        }
    }
}
