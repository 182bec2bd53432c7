import Foundation
import SpuntaDomain
import SpuntaExchange
import SpuntaProtocol
import SpuntaServerStore
import SpuntaStore

/// Turns master records into what one device may hold (proiezione per ambito): only the records of its scope,
/// and of those only the fields its role needs. A record outside the scope projects to nil, which the pull
/// sends as a tombstone — so a child moved to another class disappears from the old teacher's device.
public struct ReplicaProjector {
    public let scope: DeviceScope
    let db: Database

    public init(scope: DeviceScope, db: Database) {
        self.scope = scope
        self.db = db
    }

    /// `IN (?, ?, …)` for a list, with its arguments; `IN (NULL)` matches nothing for an empty list.
    static func inList(_ values: [String]) -> (sql: String, args: StatementArguments) {
        let list = sqlInList(values)
        return (list.sql, list.arguments)
    }

    // MARK: Membership

    func beneficiaryInScope(_ id: String) throws -> Bool {
        switch scope.role {
        case .teacher:
            let (list, args) = Self.inList(scope.classIDs)
            return try db.scalar("SELECT 1 FROM beneficiary WHERE id = ? AND deleted = 0 AND class_id IN \(list)", [id] + args) ?? false
        case .canteen:
            // The children of the site: in a class of the site, or enrolled in a service there. The door names a
            // child who is not enrolled in the canteen instead of calling the card unknown.
            let (list, args) = Self.inList(scope.siteIDs)
            return try db.scalar("""
                SELECT 1 FROM beneficiary b WHERE b.id = ? AND b.deleted = 0 AND (
                    EXISTS (SELECT 1 FROM school_class c WHERE c.id = b.class_id AND c.deleted = 0 AND c.site_id IN \(list))
                    OR EXISTS (SELECT 1 FROM enrollment e WHERE e.beneficiary_id = b.id AND e.deleted = 0 AND e.site_id IN \(list)))
                """, [id] + args + args) ?? false
        case .bus:
            let (list, args) = Self.inList(scope.routeIDs)
            return try db.scalar("""
                SELECT 1 FROM enrollment e JOIN beneficiary b ON b.id = e.beneficiary_id
                WHERE e.beneficiary_id = ? AND e.deleted = 0 AND b.deleted = 0 AND e.route_id IN \(list) LIMIT 1
                """, [id] + args) ?? false
        }
    }

    // MARK: Projection

    /// The record as this device may see it, or nil when it is outside the scope (or removed).
    public func project(_ entity: ReplicaEntity, _ id: String) throws -> ReplicaRecord? {
        switch entity {
        case .municipality:
            guard let name: String = try db.scalar("SELECT name FROM municipality WHERE id = 1") else { return nil }
            return .municipality(ReplicaMunicipality(name: name))
        case .schoolYears:
            guard let row = try db.fetchOne("SELECT start_date, end_date FROM school_year WHERE id = ? AND deleted = 0", [id]),
                  let start = LocalDate(try row[0] as String), let end = LocalDate(try row[1] as String) else { return nil }
            let closures = try db.fetchAll("SELECT from_date, to_date, reason FROM closure WHERE year_id = ? ORDER BY position", [id])
                .compactMap { r -> SchoolYear.Closure? in
                    guard let f = LocalDate(try r[0] as String), let t = LocalDate(try r[1] as String) else { return nil }
                    return SchoolYear.Closure(from: f, to: t, reason: try r[2])
                }
            return .schoolYear(SchoolYear(id: id, startDate: start, endDate: end, closures: closures))
        case .sites:
            guard let row = try db.fetchOne("SELECT name, address FROM site WHERE id = ? AND deleted = 0", [id]) else { return nil }
            return .site(Site(id: id, name: try row[0], address: try row[1]))
        case .services:
            guard let row = try db.fetchOne("""
                SELECT kind, name, billing_mode, charge_basis, year_id, start_date, end_date, weekdays, cutoff
                FROM service WHERE id = ? AND deleted = 0
                """, [id]),
                let kind = Service.Kind(rawValue: try row[0]), let billing = Service.BillingMode(rawValue: try row[2]),
                let basis = Service.ChargeBasis(rawValue: try row[3]), let start = LocalDate(try row[5] as String),
                let end = LocalDate(try row[6] as String) else { return nil }
            let sites = try db.fetchAll("SELECT site_id FROM service_site WHERE service_id = ? ORDER BY position", [id]).map { try $0[0] as String }
            return .service(Service(
                id: id, kind: kind, name: try row[1], billingMode: billing, chargeBasis: basis, yearId: try row[4],
                startDate: start, endDate: end, weekdays: (try row[7] as String).split(separator: ",").compactMap { Int($0) },
                siteIds: sites, cutoff: (try row[8] as String?).flatMap { LocalTime($0) }
            ))
        case .classes:
            guard let row = try db.fetchOne("SELECT site_id, year_id, name, teachers FROM school_class WHERE id = ? AND deleted = 0", [id])
            else { return nil }
            let site: String = try row[0]
            switch scope.role {
            case .teacher: guard scope.classIDs.contains(id) else { return nil }
            case .canteen: guard scope.siteIDs.contains(site) else { return nil }
            case .bus: return nil
            }
            let teachers = (try? JSONDecoderList.decode(try row[3] as String)) ?? []
            return .schoolClass(SchoolClass(id: id, siteId: site, yearId: try row[1], name: try row[2], teachers: teachers))
        case .diets:
            guard scope.role == .canteen,
                  let row = try db.fetchOne("SELECT name, allergens, notes FROM diet WHERE id = ? AND deleted = 0", [id]) else { return nil }
            let allergens = (try row[1] as String).split(separator: ",").compactMap { Allergen(rawValue: String($0)) }
            return .diet(Diet(id: id, name: try row[0], allergens: allergens, notes: try row[2]))
        case .routes:
            guard scope.role == .bus, scope.routeIDs.contains(id),
                  let row = try db.fetchOne("SELECT service_id, name FROM route WHERE id = ? AND deleted = 0", [id]) else { return nil }
            let stops = try db.fetchAll("""
                SELECT id, name, outbound_time, return_time FROM stop WHERE route_id = ? AND deleted = 0 ORDER BY position
                """, [id]).compactMap { r -> Stop? in
                guard let o = LocalTime(try r[2] as String), let b = LocalTime(try r[3] as String) else { return nil }
                return Stop(id: try r[0], name: try r[1], outboundTime: o, returnTime: b)
            }
            return .route(Route(id: id, serviceId: try row[0], name: try row[1], stops: stops))
        case .beneficiaries:
            guard try beneficiaryInScope(id),
                  let row = try db.fetchOne("SELECT surname, given_name, class_id FROM beneficiary WHERE id = ?", [id]) else { return nil }
            return .beneficiary(ReplicaBeneficiary(id: id, surname: try row[0], givenName: try row[1], classId: try row[2]))
        case .enrollments:
            guard let row = try db.fetchOne("""
                SELECT beneficiary_id, service_id, site_id, diet_id, route_id, outbound_stop_id, return_stop_id, start_date, end_date
                FROM enrollment WHERE id = ? AND deleted = 0
                """, [id]), let start = LocalDate(try row[7] as String) else { return nil }
            let beneficiary: String = try row[0]
            let site: String? = try row[2], route: String? = try row[4]
            switch scope.role {
            case .teacher: guard try beneficiaryInScope(beneficiary) else { return nil }
            case .canteen: guard let site, scope.siteIDs.contains(site) else { return nil }
            case .bus: guard let route, scope.routeIDs.contains(route) else { return nil }
            }
            guard try beneficiaryInScope(beneficiary) else { return nil }
            let service: String = try row[1]
            // A diet is health data: only where the child eats, on the doors that serve the meal.
            let diet: String? = try scope.role == .canteen && servesMeals(service) ? row[3] : nil
            return .enrollment(ReplicaEnrollment(
                id: id, beneficiaryId: beneficiary, serviceId: service, siteId: site,
                dietId: diet, routeId: route,
                outboundStopId: try row[5], returnStopId: try row[6], startDate: start,
                endDate: (try row[8] as String?).flatMap { LocalDate($0) }
            ))
        case .cards:
            guard scope.role != .teacher,
                  let row = try db.fetchOne("SELECT beneficiary_id, issued_on, revoked_on FROM card WHERE id = ? AND deleted = 0", [id]),
                  let issued = LocalDate(try row[1] as String) else { return nil }
            let beneficiary: String = try row[0]
            guard try beneficiaryInScope(beneficiary) else { return nil }
            return .card(Card(id: id, beneficiaryId: beneficiary, issuedOn: issued, revokedOn: (try row[2] as String?).flatMap { LocalDate($0) }))
        case .balances:
            // Only at the doors of the sites where the child eats in that prepaid service.
            guard scope.role == .canteen, let parsed = BalanceLog.parse(id),
                  try !BalanceLog.keys(db, beneficiary: parsed.beneficiary, service: parsed.service)
                      .isDisjoint(with: scope.siteIDs.map(ScopeKey.site)),
                  try beneficiaryInScope(parsed.beneficiary) else { return nil }
            let (beneficiary, service) = parsed
            let balance: Int64 = try db.scalar(
                "SELECT COALESCE(SUM(balance_cents), 0) FROM prepaid_position WHERE beneficiary_id = ? AND service_id = ?",
                [beneficiary, service]) ?? 0
            // The threshold of the payer the meals are charged to (the primary one), as the low-balance alert uses.
            let threshold: Int64? = try db.scalar("""
                SELECT y.low_balance_threshold FROM beneficiary_payer l JOIN payer y ON y.id = l.payer_id
                WHERE l.beneficiary_id = ? ORDER BY l.is_primary DESC, l.position LIMIT 1
                """, [beneficiary])
            return .balance(ReplicaBalance(beneficiaryId: beneficiary, serviceId: service, balanceCents: balance, thresholdCents: threshold))
        }
    }

    /// Whether the service serves meals (canteen, nursery): only those carry a diet to the door.
    private func servesMeals(_ service: String) throws -> Bool {
        guard let kind: String = try db.scalar("SELECT kind FROM service WHERE id = ?", [service]) else { return false }
        return Service.Kind(rawValue: kind)?.servesMeals ?? false
    }

    // MARK: Snapshot candidates

    /// Ids of `entity` that may be in scope, after `after`, in id order (the snapshot's pages).
    public func candidates(_ entity: ReplicaEntity, after: String, limit: Int) throws -> [String] {
        let sql: String
        var args: StatementArguments = [after]
        switch entity {
        case .municipality:
            return after.isEmpty ? ((try db.scalar("SELECT 1 FROM municipality") as Int?) != nil ? ["1"] : []) : []
        case .schoolYears: sql = "SELECT id FROM school_year WHERE deleted = 0 AND id > ?"
        case .sites: sql = "SELECT id FROM site WHERE deleted = 0 AND id > ?"
        case .services: sql = "SELECT id FROM service WHERE deleted = 0 AND id > ?"
        case .classes:
            switch scope.role {
            case .teacher:
                let (list, a) = Self.inList(scope.classIDs)
                sql = "SELECT id FROM school_class WHERE deleted = 0 AND id > ? AND id IN \(list)"
                args += a
            case .canteen:
                let (list, a) = Self.inList(scope.siteIDs)
                sql = "SELECT id FROM school_class WHERE deleted = 0 AND id > ? AND site_id IN \(list)"
                args += a
            case .bus: return []
            }
        case .diets:
            guard scope.role == .canteen else { return [] }
            sql = "SELECT id FROM diet WHERE deleted = 0 AND id > ?"
        case .routes:
            guard scope.role == .bus else { return [] }
            let (list, a) = Self.inList(scope.routeIDs)
            sql = "SELECT id FROM route WHERE deleted = 0 AND id > ? AND id IN \(list)"
            args += a
        case .beneficiaries, .enrollments, .cards:
            let table = entity == .beneficiaries ? "beneficiary" : (entity == .enrollments ? "enrollment" : "card")
            if entity == .cards && scope.role == .teacher { return [] }
            let owner = entity == .beneficiaries ? "x.id" : "x.beneficiary_id"
            switch scope.role {
            case .teacher:
                let (list, a) = Self.inList(scope.classIDs)
                sql = """
                    SELECT x.id FROM \(table) x JOIN beneficiary b ON b.id = \(owner)
                    WHERE x.deleted = 0 AND b.deleted = 0 AND x.id > ? AND b.class_id IN \(list)
                    """
                args += a
            case .canteen where entity != .enrollments:
                let (list, a) = Self.inList(scope.siteIDs)
                sql = """
                    SELECT x.id FROM \(table) x JOIN beneficiary b ON b.id = \(owner)
                    WHERE x.deleted = 0 AND b.deleted = 0 AND x.id > ? AND (
                        EXISTS (SELECT 1 FROM school_class c WHERE c.id = b.class_id AND c.deleted = 0 AND c.site_id IN \(list))
                        OR EXISTS (SELECT 1 FROM enrollment e WHERE e.beneficiary_id = b.id AND e.deleted = 0 AND e.site_id IN \(list)))
                    """
                args += a + a
            case .canteen, .bus:
                let column = scope.role == .canteen ? "site_id" : "route_id"
                let (list, a) = Self.inList(scope.role == .canteen ? scope.siteIDs : scope.routeIDs)
                if entity == .enrollments {
                    sql = "SELECT x.id FROM enrollment x WHERE x.deleted = 0 AND x.id > ? AND x.\(column) IN \(list)"
                } else {
                    sql = """
                        SELECT x.id FROM \(table) x WHERE x.deleted = 0 AND x.id > ? AND EXISTS (
                            SELECT 1 FROM enrollment e WHERE e.beneficiary_id = \(owner) AND e.deleted = 0 AND e.\(column) IN \(list))
                        """
                }
                args += a
            }
        case .balances:
            guard scope.role == .canteen else { return [] }
            let (list, a) = Self.inList(scope.siteIDs)
            let kinds = Self.inList(BalanceLog.mealKinds)
            sql = """
                SELECT DISTINCT e.beneficiary_id || ':' || e.service_id FROM enrollment e JOIN service s ON s.id = e.service_id
                    JOIN beneficiary b ON b.id = e.beneficiary_id
                WHERE e.deleted = 0 AND b.deleted = 0 AND s.deleted = 0 AND s.billing_mode = 'prepaid' AND s.kind IN \(kinds.sql)
                    AND e.beneficiary_id || ':' || e.service_id > ? AND e.site_id IN \(list)
                """
            args = kinds.args + args + a
        }
        return try db.fetchAll(sql + " ORDER BY 1 LIMIT \(limit)", args).map { try $0[0] as String }
    }
}

/// Reads the JSON string lists the master tables store (teachers).
enum JSONDecoderList {
    static func decode(_ text: String) throws -> [String] {
        try WireCoding.decode([String].self, from: Data(text.utf8))
    }
}
