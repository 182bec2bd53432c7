import Foundation
import SpuntaDomain
import SpuntaProtocol
import SpuntaStore

/// Reports the device prints from what it knows: who is on the bus, meals for the kitchen, the device status.
public enum DeviceReports {
    // MARK: On board

    /// A child on the bus (or who never got off).
    public struct Rider: Encodable, Sendable, Equatable {
        public let beneficiaryId: String
        public let name: String
        public let direction: String
        public let boardedAt: String
        public let expectedStop: String?

        enum CodingKeys: String, CodingKey {
            case beneficiaryId = "beneficiary_id", name, direction, boardedAt = "boarded_at", expectedStop = "expected_stop"
        }
    }

    /// Children boarded on `route` on `date` and not yet scanned off, per direction.
    public static func onBoard(_ db: Database, device: EnrolledDevice, route: String, date: LocalDate) throws -> [Rider] {
        guard device.routeIDs.contains(route) else { throw ClientError.notInScope("La linea \(route)") }
        let replica = ReplicaStore(db)
        let stops = try replica.record(.routes, route, as: Route.self)?.stops ?? []
        let stopName = { (id: String?) -> String? in
            guard let id else { return nil }
            return id == Ride.school ? "scuola" : stops.first { $0.id == id }?.name ?? id
        }
        let facts = LocalFacts(db: db, deviceId: device.deviceId)
        var riders: [Rider] = []
        let children = Set(try db.fetchAll("""
            SELECT beneficiary_id FROM outbox WHERE route_id = ? AND business_date = ?
            UNION SELECT beneficiary_id FROM peer_op WHERE route_id = ? AND business_date = ?
            """, [route, date.description, route, date.description]).map { try $0[0] as String })
        for child in children.sorted() {
            let rides = try facts.facts(beneficiary: child, date: date).filter { $0.routeId == route }
            for direction in Direction.allCases {
                let inDirection = rides.filter { $0.direction == direction }
                guard let boarding = inDirection.first(where: { $0.type == .boarding }),
                      !inDirection.contains(where: { $0.type == .alighting }) else { continue }
                let b = try replica.beneficiary(child)
                let enrollment = try replica.enrollments(of: child).first { $0.routeId == route }
                riders.append(Rider(
                    beneficiaryId: child, name: b?.fullName ?? child, direction: direction.italian,
                    boardedAt: stopName(boarding.stopId) ?? "",
                    expectedStop: direction == .outbound ? "scuola" : stopName(enrollment?.returnStopId)
                ))
            }
        }
        return riders.sorted { ($0.direction, $0.name) < ($1.direction, $1.name) }
    }

    // MARK: Meals for the kitchen

    /// Meals of a site, class and diet: expected from enrollments and the register, and served so far.
    public struct MealLine: Encodable, Sendable, Equatable {
        public let site: String
        public let schoolClass: String
        public let diet: String
        public let expected: Int
        public let served: Int

        enum CodingKeys: String, CodingKey {
            case site, schoolClass = "class", diet, expected, served
        }
    }

    /// The kitchen's count on a canteen device: children enrolled at its sites and not marked absent (or out
    /// before the cut-off), by class and diet, with the meals already served.
    public static func meals(_ db: Database, device: EnrolledDevice, date: LocalDate) throws -> [MealLine] {
        guard device.role == .canteen else { throw ClientError.wrongRole(expected: "mensa", actual: device.role.italian) }
        let replica = ReplicaStore(db)
        let facts = LocalFacts(db: db, deviceId: device.deviceId)
        var services: [String: Service] = [:]
        for s in try replica.records(.services, as: Service.self) { services[s.id] = s }
        var diets: [String: String] = [:]
        for d in try replica.records(.diets, as: Diet.self) { diets[d.id] = d.name }
        var classes: [String: String] = [:]
        for c in try replica.records(.classes, as: SchoolClass.self) { classes[c.id] = c.name }
        var lines: [String: (expected: Int, served: Int)] = [:]
        for e in try replica.allEnrollments() where e.isActive(on: date) {
            guard let site = e.siteId, device.siteIDs.contains(site), let service = services[e.serviceId],
                  service.kind.servesMeals, service.weekdays.contains(date.weekday) else { continue }
            let child = try replica.beneficiary(e.beneficiaryId)
            let all = try facts.facts(beneficiary: e.beneficiaryId, date: date)
            let served = LocalFacts.served(all, service: e.serviceId)
            let expected = LocalFacts.expectsMeal(all, service: service)
            let key = [site, child?.classId.flatMap { classes[$0] } ?? "-", e.dietId.flatMap { diets[$0] } ?? "normale"].joined(separator: "|")
            var line = lines[key] ?? (0, 0)
            if expected || served { line.expected += 1 }
            if served { line.served += 1 }
            lines[key] = line
        }
        return lines.keys.sorted().map { key in
            let parts = key.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            return MealLine(site: parts[0], schoolClass: parts[1], diet: parts[2], expected: lines[key]?.expected ?? 0,
                            served: lines[key]?.served ?? 0)
        }
    }

    // MARK: Status

    /// `spunta status`: what a person or a monitoring script needs to know about the device.
    public struct Status: Encodable, Sendable {
        public let enrolled: Bool
        public let deviceId: String?
        public let name: String?
        public let role: String?
        public let scope: [String]
        public let server: String?
        public let municipality: String?
        public let lastSuccessfulSync: String?
        public let lastAttempt: String?
        public let lastError: String?
        public let pendingOps: Int
        public let oldestPendingAgeSeconds: Int?
        public let rejectedOps: Int
        public let replica: [String: Int]
        public let cursor: String?
        public let revoked: Bool
        public let blocked: Bool
        /// This device's clock minus the server's, as the server measured it at the last sync (nil: never measured).
        public let clockOffsetMs: Int64?
        /// The last sync was refused because the server does not know the device (restored from an older backup).
        public let unknownToServer: Bool
        public let healthy: Bool
        public let problems: [String]

        enum CodingKeys: String, CodingKey {
            case enrolled, deviceId = "device_id", name, role, scope, server, municipality
            case lastSuccessfulSync = "last_successful_sync", lastAttempt = "last_attempt", lastError = "last_error"
            case pendingOps = "pending_ops", oldestPendingAgeSeconds = "oldest_pending_age_seconds", rejectedOps = "rejected_ops"
            case replica, cursor, revoked, blocked, clockOffsetMs = "clock_offset_ms", unknownToServer = "unknown_to_server", healthy
            case problems
        }
    }

    /// Pending ops older than this make the device unhealthy (the network has been gone too long).
    public static let maxPendingAge: TimeInterval = 2 * 3600
    /// No successful sync for this long makes the device unhealthy.
    public static let maxSyncAge: TimeInterval = 24 * 3600

    public static func status(_ db: Database, now: Date) throws -> Status {
        let device = try EnrolledDevice.load(db)
        let state = try db.fetchOne("""
            SELECT last_success_at, last_attempt_at, last_error, revoked, blocked, clock_offset_ms, unknown_to_server
            FROM sync_state WHERE id = 1
            """)
        let backlog = try LocalBacklog.read(db, now: now)
        let pending = backlog.pendingOps
        let oldestAge = backlog.oldestPendingAgeSeconds
        let rejected: Int = try db.scalar("SELECT COUNT(*) FROM outbox WHERE state = 'rejected'") ?? 0
        let lastSuccess: String? = try state?[0]
        let revoked: Bool = try state?[3] ?? false
        let blocked: Bool = try state?[4] ?? false
        let unknown: Bool = try state?[6] ?? false
        var problems: [String] = []
        if device == nil { problems.append("dispositivo non registrato") }
        if revoked { problems.append("dispositivo revocato") }
        if blocked { problems.append("dispositivo bloccato dal server: registrarlo di nuovo con un nuovo codice") }
        if unknown {
            problems.append(
                "il server non riconosce più il dispositivo: chiedere un nuovo codice e registrarlo di nuovo (spunta enroll --code CODICE)"
            )
        }
        if let oldestAge, Double(oldestAge) > maxPendingAge { problems.append("registrazioni in attesa da più di due ore") }
        if device != nil {
            if let lastSuccess, let at = UTCTime.date(lastSuccess) {
                if now.timeIntervalSince(at) > maxSyncAge { problems.append("nessuna sincronizzazione riuscita nelle ultime 24 ore") }
            } else {
                problems.append("mai sincronizzato")
            }
        }
        return Status(
            enrolled: device != nil, deviceId: device?.deviceId, name: device?.name, role: device?.role.rawValue,
            scope: device?.scope.map(\.description) ?? [], server: device?.serverURL, municipality: device?.municipality,
            lastSuccessfulSync: lastSuccess, lastAttempt: try state?[1], lastError: try state?[2], pendingOps: pending,
            oldestPendingAgeSeconds: oldestAge, rejectedOps: rejected, replica: try ReplicaStore(db).counts,
            cursor: device?.cursor, revoked: revoked, blocked: blocked, clockOffsetMs: try state?[5], unknownToServer: unknown,
            healthy: problems.isEmpty,
            problems: problems
        )
    }

    // MARK: Void

    /// Voids one of the device's ops, named by its id (or the start of it), with a reason; returns the void op
    /// and its target. There is no "the last one" here: a void cancels only what the person named.
    public static func void(_ db: Database, device: EnrolledDevice, opID: String, reason: String, now: Date) throws -> (void: Op, target: Op) {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw ClientError.missingReason }
        guard let row = try db.fetchOne("SELECT json FROM outbox WHERE id = ? OR id LIKE ? ORDER BY seq DESC LIMIT 1", [opID, opID + "%"]) else {
            throw ClientError.unknownOp(opID)
        }
        let target = try WireCoding.decode(Op.self, from: Data((try row[0] as String).utf8))
        guard target.type != .void else { throw ClientError.unknownOp(target.id) }
        let voided: Int? = try db.scalar("SELECT 1 FROM outbox WHERE type = 'void' AND target_op_id = ? AND state != 'rejected'", [target.id])
        guard voided == nil else { throw ClientError.alreadyVoided(String(target.id.prefix(8))) }
        let void = try OpRecorder.record(db, device: device, body: .void(VoidOp(targetOpId: target.id, reason: reason)),
                                         businessDate: target.businessDate, now: now)
        return (void, target)
    }
}
