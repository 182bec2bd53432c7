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

/// Computes the scope keys of a master record from the database as it is now.
public enum ScopeIndex {
    public static func keys(_ db: Database, _ kind: EntityKind, _ id: String) throws -> Set<String> {
        switch kind {
        case .municipality, .schoolYears, .services, .sites:
            return [ScopeKey.all]
        case .classes:
            var keys: Set<String> = [ScopeKey.forClass(id)]
            if let site: String = try db.scalar("SELECT site_id FROM school_class WHERE id = ?", [id]) {
                keys.insert(ScopeKey.site(site))
            }
            return keys
        case .diets:
            return [ScopeKey.diets]
        case .routes, .stops:
            return [ScopeKey.route(id)]
        case .tariffs, .payers:
            return []
        case .beneficiaries:
            return try beneficiaryKeys(db, id)
        case .enrollments:
            guard let row = try db.fetchOne("SELECT beneficiary_id, site_id, route_id FROM enrollment WHERE id = ?", [id]) else {
                return []
            }
            var keys = try beneficiaryKeys(db, try row[0])
            if let site: String = try row[1] { keys.insert(ScopeKey.site(site)) }
            if let route: String = try row[2] { keys.insert(ScopeKey.route(route)) }
            return keys
        case .cards:
            guard let beneficiary: String = try db.scalar("SELECT beneficiary_id FROM card WHERE id = ?", [id]) else { return [] }
            return try beneficiaryKeys(db, beneficiary)
        }
    }

    /// The keys of a child: the class and its site (the canteen door names a child of the school who is not
    /// enrolled, rather than calling the card unknown), the sites and routes of the live enrollments.
    public static func beneficiaryKeys(_ db: Database, _ id: String) throws -> Set<String> {
        var keys: Set<String> = []
        if let row = try db.fetchOne("""
            SELECT b.class_id, c.site_id FROM beneficiary b LEFT JOIN school_class c ON c.id = b.class_id AND c.deleted = 0
            WHERE b.id = ? AND b.deleted = 0
            """, [id]) {
            if let classID: String = try row[0] { keys.insert(ScopeKey.forClass(classID)) }
            if let site: String = try row[1] { keys.insert(ScopeKey.site(site)) }
        }
        try db.forEach("SELECT site_id, route_id FROM enrollment WHERE beneficiary_id = ? AND deleted = 0", [id]) { row in
            if let site: String = try row[0] { keys.insert(ScopeKey.site(site)) }
            if let route: String = try row[1] { keys.insert(ScopeKey.route(route)) }
        }
        return keys
    }
}
