import Foundation
import SpuntaDomain
import SpuntaStore

/// Where the prepaid credit of a child (credito prepagato) enters the change log: one record per child and meal
/// service, logged in the transaction that changes the balance (a top-up, the meals a billing run debits) or what
/// is shown with it (the payer's threshold, the enrollments that say at which canteen the child eats). Only the
/// canteen devices of those sites read it: the keys are `site:` keys, which no teacher or bus device holds.
public enum BalanceLog {
    /// The change-log entity (the replica's `balances`).
    public static let entity = "balances"

    /// `B0002:MENSA-RODARI`: exchange ids never contain a colon.
    public static func id(beneficiary: String, service: String) -> String { "\(beneficiary):\(service)" }

    /// The child and service of a balance id, nil for anything else.
    public static func parse(_ id: String) -> (beneficiary: String, service: String)? {
        let parts = id.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        return (parts[0], parts[1])
    }

    /// The kinds of service whose credit a canteen door shows.
    public static var mealKinds: [String] { Service.Kind.allCases.filter(\.servesMeals).map(\.rawValue) }

    /// The canteen sites where the child eats in `service` (live enrollments), as scope keys; none when the
    /// service is not a prepaid meal service.
    public static func keys(_ db: Database, beneficiary: String, service: String) throws -> Set<String> {
        let kinds = sqlInList(mealKinds)
        var keys: Set<String> = []
        try db.forEach("""
            SELECT e.site_id FROM enrollment e JOIN service s ON s.id = e.service_id
            WHERE e.beneficiary_id = ? AND e.service_id = ? AND e.deleted = 0 AND e.site_id IS NOT NULL
                AND s.deleted = 0 AND s.billing_mode = 'prepaid' AND s.kind IN \(kinds.sql)
            """, [beneficiary, service] + kinds.arguments) { row in
            keys.insert(ScopeKey.site(try row[0]))
        }
        return keys
    }

    /// The prepaid meal services a child has, or had, anything to do with: enrollments (also removed ones, so that
    /// the device that held the credit gets its tombstone) and positions.
    public static func services(_ db: Database, beneficiary: String) throws -> Set<String> {
        let kinds = sqlInList(mealKinds)
        var services: Set<String> = []
        try db.forEach("""
            SELECT e.service_id FROM enrollment e JOIN service s ON s.id = e.service_id
            WHERE e.beneficiary_id = ? AND s.billing_mode = 'prepaid' AND s.kind IN \(kinds.sql)
            UNION SELECT service_id FROM prepaid_position WHERE beneficiary_id = ?
            """, [beneficiary] + kinds.arguments + [beneficiary]) { row in
            services.insert(try row[0])
        }
        return services
    }

    /// The balance keys of each prepaid meal service of a child, as the database is now.
    public static func keysByService(_ db: Database, beneficiary: String) throws -> [String: Set<String>] {
        var result: [String: Set<String>] = [:]
        for service in try services(db, beneficiary: beneficiary) {
            result[service] = try keys(db, beneficiary: beneficiary, service: service)
        }
        return result
    }

    /// Logs the child's credit for `service` under the keys of the sites where the child eats now, plus
    /// `formerKeys` (sites that held it before a change, which then receive a tombstone).
    @discardableResult
    public static func record(
        _ db: Database, beneficiary: String, service: String, formerKeys: Set<String> = [], at date: Date
    ) throws -> Int64? {
        let keys = try keys(db, beneficiary: beneficiary, service: service).union(formerKeys)
        guard !keys.isEmpty else { return nil }
        return try ChangeLog.record(db, entity: entity, id: id(beneficiary: beneficiary, service: service), action: .upsert,
                                    keys: keys, at: date)
    }
}
