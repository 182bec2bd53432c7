import Foundation
import SpuntaDomain
import SpuntaProtocol
import SpuntaServerStore
import SpuntaStore

/// Checks one op against the device that pushed it and the master data. A problem is a reason to reject the
/// op (acknowledged, stored, shown on the device), never to drop it silently.
final class OpValidator {
    let db: Database
    let scope: DeviceScope
    /// Answers already looked up in this batch (a batch names the same children, sites and classes again and again).
    private var known: [String: Bool] = [:]
    private var classSites: [String: String?] = [:]

    init(db: Database, scope: DeviceScope) {
        self.db = db
        self.scope = scope
    }

    private func exists(_ sql: String, _ key: String, _ arguments: StatementArguments) throws -> Bool {
        if let answer = known[key] { return answer }
        let answer = (try db.scalar(sql, arguments) as Int?) != nil
        known[key] = answer
        return answer
    }

    struct Problem {
        let code: String
        let message: String
    }

    /// The change-log keys under which other devices will pull the op.
    func keys(of op: Op) throws -> Set<String> {
        if case .void(let v) = op.body {
            if let target = try db.fetchOne("SELECT site_id, class_id, route_id FROM op WHERE id = ?", [v.targetOpId]) {
                var keys: Set<String> = []
                if let s: String = try target[0] { keys.insert(ScopeKey.site(s)) }
                if let c: String = try target[1] { keys.insert(ScopeKey.forClass(c)) }
                if let r: String = try target[2] { keys.insert(ScopeKey.route(r)) }
                return keys
            }
            return scope.subscription.subtracting([ScopeKey.all, ScopeKey.diets])
        }
        var keys = DeviceScope.keys(of: op)
        // The register also reaches the canteen of the class's site: the kitchen counts meals from it.
        switch op.body {
        case .attendanceMarked(let a):
            if classSites[a.classId] == nil {
                classSites[a.classId] = .some(try db.scalar("SELECT site_id FROM school_class WHERE id = ?", [a.classId]))
            }
            if let site = classSites[a.classId] ?? nil {
                keys.insert(ScopeKey.site(site))
            }
        case .absenceJustified, .mealScanned, .mealRecorded, .boarding, .alighting, .void:
            break
        }
        return keys
    }

    func problem(with op: Op) throws -> Problem? {
        guard op.deviceId == scope.deviceId else {
            return Problem(code: "device_mismatch", message: "Operazione di un altro dispositivo (\(op.deviceId)): non accettata.")
        }
        guard scope.allowedOps.contains(op.type) else {
            return Problem(
                code: "op_not_allowed",
                message: "Un dispositivo \(scope.role.italian) non può registrare «\(op.type.italian)»."
            )
        }
        switch op.body {
        case .attendanceMarked(let a):
            return try classOp(beneficiary: a.beneficiaryId, classID: a.classId)
        case .absenceJustified(let a):
            if a.reason.trimmingCharacters(in: .whitespaces).isEmpty {
                return Problem(code: "missing_reason", message: "Giustificazione senza motivo.")
            }
            return try classOp(beneficiary: a.beneficiaryId, classID: a.classId)
        case .mealScanned(let m), .mealRecorded(let m):
            guard scope.siteIDs.contains(m.siteId) else {
                return Problem(code: WireErrorCode.outOfScope, message: "Il plesso \(m.siteId) non è tra quelli del dispositivo.")
            }
            if let p = try beneficiaryExists(m.beneficiaryId) { return p }
            guard try exists("SELECT 1 FROM service_site WHERE service_id = ? AND site_id = ?", "ss|\(m.serviceId)|\(m.siteId)",
                             [m.serviceId, m.siteId]) else {
                return Problem(code: "unknown_service", message: "Il servizio \(m.serviceId) non è erogato nel plesso \(m.siteId).")
            }
            return nil
        case .boarding(let r), .alighting(let r):
            guard scope.routeIDs.contains(r.routeId) else {
                return Problem(code: WireErrorCode.outOfScope, message: "La linea \(r.routeId) non è tra quelle del dispositivo.")
            }
            if let p = try beneficiaryExists(r.beneficiaryId) { return p }
            guard try r.stopId == Ride.school
                    || exists("SELECT 1 FROM stop WHERE id = ? AND route_id = ?", "st|\(r.stopId)|\(r.routeId)", [r.stopId, r.routeId]) else {
                return Problem(code: "unknown_stop", message: "La fermata \(r.stopId) non è sulla linea \(r.routeId).")
            }
            return nil
        case .void(let v):
            guard v.targetOpId != op.id else {
                return Problem(code: "invalid_void", message: "Un annullamento non può annullare sé stesso.")
            }
            guard let target = try db.fetchOne("SELECT device_id, type, site_id, class_id, route_id FROM op WHERE id = ?", [v.targetOpId]) else {
                // The target may come later from another device: the void waits for it.
                return nil
            }
            let type: String = try target[1]
            if type == OpType.void.rawValue {
                return Problem(code: "invalid_void", message: "Non si annulla un annullamento: registrare di nuovo il fatto.")
            }
            let owner: String = try target[0]
            if owner == scope.deviceId { return nil }
            let site: String? = try target[2], cls: String? = try target[3], route: String? = try target[4]
            let inScope = site.map(scope.siteIDs.contains) ?? false || cls.map(scope.classIDs.contains) ?? false
                || route.map(scope.routeIDs.contains) ?? false
            return inScope ? nil : Problem(code: WireErrorCode.outOfScope, message: "L'operazione da annullare non è nell'ambito del dispositivo.")
        }
    }

    private func beneficiaryExists(_ id: String) throws -> Problem? {
        if try !exists("SELECT 1 FROM beneficiary WHERE id = ?", "b|\(id)", [id]) {
            return Problem(code: "unknown_beneficiary", message: "Fruitore \(id) sconosciuto al server: aggiornare l'anagrafica.")
        }
        return nil
    }

    private func classOp(beneficiary: String, classID: String) throws -> Problem? {
        guard scope.classIDs.contains(classID) else {
            return Problem(code: WireErrorCode.outOfScope, message: "La classe \(classID) non è tra quelle del dispositivo.")
        }
        return try beneficiaryExists(beneficiary)
    }
}
