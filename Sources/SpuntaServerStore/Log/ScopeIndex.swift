import SpuntaExchange
import SpuntaStore

/// Scope keys: which devices a change concerns. A device reads the log entries of its keys only.
///
/// `class:ID` (teachers of the class), `site:ID` (canteen devices of the site), `route:ID` (bus devices),
/// `diets` (every canteen device), `all` (every device: the Comune's name, calendar, services, sites).
public enum ScopeKey {
    public static let all = "all"
    public static let diets = "diets"
    public static func forClass(_ id: String) -> String { "class:\(id)" }
    public static func site(_ id: String) -> String { "site:\(id)" }
    public static func route(_ id: String) -> String { "route:\(id)" }
}

/// The schools a bus line serves (scuole servite): the sites of the classes of the children enrolled on it. A bus
/// device knows the children of those schools, so that a child who boards without being on the line's list is
/// named and recorded, never refused as unknown. Read from the enrollments and classes as they are now; one
/// value is meant for one state of the database (before or after an import's writes) and remembers its answers —
/// and, for that same state, the scope keys of the children already asked about (an import asks for a child's keys
/// again for each of its enrollments and cards).
public final class RouteSchools {
    private var routesBySite: [String: Set<String>] = [:]
    fileprivate var childKeys: [String: Set<String>] = [:]

    public init() {}

    /// `SELECT site_id …` of the schools served by the routes of `routes` (an SQL list with its arguments).
    public static func sitesSQL(_ routes: String) -> String {
        """
        SELECT c_.site_id FROM enrollment e_ JOIN beneficiary b_ ON b_.id = e_.beneficiary_id AND b_.deleted = 0
            JOIN school_class c_ ON c_.id = b_.class_id AND c_.deleted = 0
        WHERE e_.deleted = 0 AND e_.route_id IN \(routes)
        """
    }

    /// The routes that serve the school `site`.
    public func routes(_ db: Database, site: String) throws -> Set<String> {
        if let known = routesBySite[site] { return known }
        let routes = Set(try db.fetchAll("""
            SELECT DISTINCT e.route_id FROM enrollment e JOIN beneficiary b ON b.id = e.beneficiary_id AND b.deleted = 0
                JOIN school_class c ON c.id = b.class_id AND c.deleted = 0
            WHERE e.deleted = 0 AND e.route_id IS NOT NULL AND c.site_id = ?
            """, [site]).map { try $0[0] as String })
        routesBySite[site] = routes
        return routes
    }

    /// Every route with the schools it serves.
    public static func all(_ db: Database) throws -> [String: Set<String>] {
        var result: [String: Set<String>] = [:]
        for row in try db.fetchAll("""
            SELECT DISTINCT e.route_id, c.site_id FROM enrollment e JOIN beneficiary b ON b.id = e.beneficiary_id AND b.deleted = 0
                JOIN school_class c ON c.id = b.class_id AND c.deleted = 0
            WHERE e.deleted = 0 AND e.route_id IS NOT NULL
            """) {
            result[try row[0] as String, default: []].insert(try row[1] as String)
        }
        return result
    }
}

/// Computes the scope keys of a master record from the database as it is now.
public enum ScopeIndex {
    /// `schools`: the lines' schools for this state of the database (shared across calls to spare queries).
    public static func keys(_ db: Database, _ kind: EntityKind, _ id: String, schools: RouteSchools = RouteSchools()) throws -> Set<String> {
        switch kind {
        case .municipality, .schoolYears, .services, .sites:
            return [ScopeKey.all]
        case .classes:
            var keys: Set<String> = [ScopeKey.forClass(id)]
            if let site: String = try db.scalar("SELECT site_id FROM school_class WHERE id = ?", [id]) {
                keys.insert(ScopeKey.site(site))
                // The bus devices of the lines serving the school: they show each child's class and school.
                for route in try schools.routes(db, site: site) { keys.insert(ScopeKey.route(route)) }
            }
            return keys
        case .diets:
            return [ScopeKey.diets]
        case .routes, .stops:
            return [ScopeKey.route(id)]
        case .tariffs, .payers:
            return []
        case .beneficiaries:
            return try beneficiaryKeys(db, id, schools: schools)
        case .enrollments:
            guard let row = try db.fetchOne("SELECT beneficiary_id, site_id, route_id FROM enrollment WHERE id = ?", [id]) else {
                return []
            }
            var keys = try beneficiaryKeys(db, try row[0], schools: schools)
            if let site: String = try row[1] { keys.insert(ScopeKey.site(site)) }
            if let route: String = try row[2] { keys.insert(ScopeKey.route(route)) }
            return keys
        case .cards:
            guard let beneficiary: String = try db.scalar("SELECT beneficiary_id FROM card WHERE id = ?", [id]) else { return [] }
            return try beneficiaryKeys(db, beneficiary, schools: schools)
        }
    }

    /// The keys of a child: the class and its site (the canteen door names a child of the school who is not
    /// enrolled, rather than calling the card unknown), the routes serving that school (the bus names a child who
    /// boards without being on its list), the sites and routes of the live enrollments.
    public static func beneficiaryKeys(_ db: Database, _ id: String, schools: RouteSchools = RouteSchools()) throws -> Set<String> {
        if let known = schools.childKeys[id] { return known }
        var keys: Set<String> = []
        if let row = try db.fetchOne("""
            SELECT b.class_id, c.site_id FROM beneficiary b LEFT JOIN school_class c ON c.id = b.class_id AND c.deleted = 0
            WHERE b.id = ? AND b.deleted = 0
            """, [id]) {
            if let classID: String = try row[0] { keys.insert(ScopeKey.forClass(classID)) }
            if let site: String = try row[1] {
                keys.insert(ScopeKey.site(site))
                for route in try schools.routes(db, site: site) { keys.insert(ScopeKey.route(route)) }
            }
        }
        try db.forEach("SELECT site_id, route_id FROM enrollment WHERE beneficiary_id = ? AND deleted = 0", [id]) { row in
            if let site: String = try row[0] { keys.insert(ScopeKey.site(site)) }
            if let route: String = try row[1] { keys.insert(ScopeKey.route(route)) }
        }
        schools.childKeys[id] = keys
        return keys
    }
}
