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
        public let className: String?
        /// The child's school, only where the class name alone is ambiguous on the line (a "3A" of two schools).
        public let schoolName: String?
        /// "andata" or "ritorno".
        public let direction: String
        public let boardedAt: String
        /// Where the child gets off, the stop's whole name (the school's name for the morning).
        public let expectedStop: String?
        /// Still aboard after the ride is over: past the arrival at school (andata) or the last stop (ritorno), a
        /// ride closed on this device, or a day gone by.
        public let overdue: Bool
        /// The drop-off stop's number in the ride (orders the list); nil when the list gives none.
        let stopNumber: Int?

        enum CodingKeys: String, CodingKey {
            case beneficiaryId = "beneficiary_id", name, className = "class_name", schoolName = "school_name", direction, boardedAt = "boarded_at"
            case expectedStop = "expected_stop", overdue
        }

        /// The child as the ride names it (`RidePlan.who`).
        public var who: String { RidePlan.who(name, className: className, schoolName: schoolName) }
    }

    /// Children boarded on `route` on `date` and not yet scanned off, per direction (andata first), each direction
    /// sorted by the stop where the children get off, in the order the bus reaches them.
    public static func onBoard(_ db: Database, device: EnrolledDevice, route: String, date: LocalDate, now: Date) throws -> [Rider] {
        guard device.routeIDs.contains(route) else { throw ClientError.notInScope("La linea \(route)") }
        let replica = ReplicaStore(db)
        let facts = LocalFacts(db: db, deviceId: device.deviceId)
        let today = BusinessCalendar.date(of: now)
        var riders: [Rider] = []
        let children = Set(try db.fetchAll("""
            SELECT beneficiary_id FROM outbox WHERE route_id = ? AND business_date = ? AND beneficiary_id IS NOT NULL
            UNION SELECT beneficiary_id FROM peer_op WHERE route_id = ? AND business_date = ? AND beneficiary_id IS NOT NULL
            """, [route, date.description, route, date.description]).map { try $0[0] as String })
        for direction in Direction.allCases {
            guard let plan = try RidePlan.load(db, route: route, direction: direction, date: date) else { continue }
            let closed: Int? = try db.scalar("""
                SELECT 1 FROM outbox WHERE type = 'ride_closed' AND route_id = ? AND direction = ? AND business_date = ? LIMIT 1
                """, [route, direction.rawValue, date.description])
            let end = plan.stops.compactMap(\.time).max()
            let over = closed != nil || date < today
                || (date == today && end.map { BusinessCalendar.time(of: now) > $0 } ?? false)
            for child in children.sorted() {
                let rides = try facts.facts(beneficiary: child, date: date).filter { $0.routeId == route }
                // Aboard: the ride the merge keeps has a boarding and no alighting.
                let ride = MergeRules.ride(rides.map(\.op), route: route, direction: direction)
                guard let boarding = ride.boarding.kept, ride.alighting.kept == nil else { continue }
                let named = try plan.named(child, replica)
                let off = plan.rider(child)?.alightStop
                riders.append(Rider(
                    beneficiaryId: child, name: named.name, className: named.className, schoolName: named.schoolName,
                    direction: direction.italian, boardedAt: plan.name(of: boarding.stopId ?? ""),
                    expectedStop: off.map { plan.name(of: $0) }, overdue: over, stopNumber: off.flatMap { plan.index(ofStop: $0) }
                ))
            }
        }
        return riders.sorted {
            ($0.direction == Direction.outbound.italian ? 0 : 1, $0.stopNumber ?? Int.max, $0.name, $0.beneficiaryId)
                < ($1.direction == Direction.outbound.italian ? 0 : 1, $1.stopNumber ?? Int.max, $1.name, $1.beneficiaryId)
        }
    }

    // MARK: Meals for the kitchen

    /// Meals of one class and diet at a site: enrolled, booked (expected) from the register at the cut-off, out
    /// (absent, or gone before the cut-off, and not served) and served so far.
    public struct MealLine: Encodable, Sendable, Equatable {
        public let site: String
        public let schoolClass: String
        /// The diet's full name, "normale" for none; nil on a teacher's device, which never holds diets.
        public let diet: String?
        public var enrolled = 0
        public var expected = 0
        public var absent = 0
        public var served = 0
        /// Booked because nobody has marked the child yet: the register may still change the count.
        public var unmarked = 0
        /// The children of a special diet, for the kitchen (canteen devices only; empty for "normale").
        public var children: [MealChild] = []

        enum CodingKeys: String, CodingKey {
            case site, schoolClass = "class", diet, enrolled, expected, absent, served, unmarked, children
        }

        public init(site: String, schoolClass: String, diet: String?) {
            self.site = site
            self.schoolClass = schoolClass
            self.diet = diet
        }

        /// Every key always present: `diet` is null on a teacher's device rather than missing.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(site, forKey: .site)
            try c.encode(schoolClass, forKey: .schoolClass)
            try c.encode(diet, forKey: .diet)
            try c.encode(enrolled, forKey: .enrolled)
            try c.encode(expected, forKey: .expected)
            try c.encode(absent, forKey: .absent)
            try c.encode(served, forKey: .served)
            try c.encode(unmarked, forKey: .unmarked)
            try c.encode(children, forKey: .children)
        }

        /// Whether the line is of a special diet (dieta speciale).
        public var isSpecialDiet: Bool { diet.map { $0 != MealLine.normal } ?? false }

        /// The name of "no special diet".
        public static let normal = "normale"
    }

    /// A child on a special diet, as the kitchen needs to know it.
    public struct MealChild: Encodable, Sendable, Equatable {
        public let beneficiaryId: String
        public let name: String
        public let schoolClass: String
        /// `expected`, `absent` or `served`.
        public let status: String
        /// Allergia grave: the emergency plan, which the kitchen's sheet lists first by name.
        public var emergencyPlan: String? = nil

        enum CodingKeys: String, CodingKey {
            case beneficiaryId = "beneficiary_id", name, schoolClass = "class", status, emergencyPlan = "emergency_plan"
        }
    }

    /// The kitchen's count: on a canteen device the children enrolled at its sites, by site, class and diet, with
    /// the names of those on a special diet (diets reach canteen devices only); on a teacher's device her classes'
    /// own count, without diets. A child is booked unless the register sends them out (absent, gone by the cut-off;
    /// a late entry counts in, as in the caterer's count: `MergeRules.mealBooking`); a child served is counted
    /// whatever the register says. Days the service does not run (closing days, holidays) count nothing, and a pupil
    /// whose option has no meal that day (a three-day canteen on a Tuesday) is not counted unless served, as the
    /// caterer's count leaves them out (`Service.isOptionDay`).
    public static func meals(_ db: Database, device: EnrolledDevice, date: LocalDate) throws -> [MealLine] {
        guard device.role != .bus else { throw ClientError.wrongRole(expected: "mensa o insegnante", actual: device.role.italian) }
        let replica = ReplicaStore(db)
        let facts = LocalFacts(db: db, deviceId: device.deviceId)
        let withDiets = device.role == .canteen
        var services: [String: Service] = [:]
        for s in try replica.records(.services, as: Service.self) { services[s.id] = s }
        var years: [String: SchoolYear] = [:]
        for y in try replica.records(.schoolYears, as: SchoolYear.self) { years[y.id] = y }
        var diets: [String: String] = [:]
        for d in try replica.records(.diets, as: Diet.self) { diets[d.id] = d.name }
        var classes: [String: String] = [:]
        for c in try replica.records(.classes, as: SchoolClass.self) { classes[c.id] = c.name }
        var lines: [String: MealLine] = [:]
        for e in try replica.allEnrollments() where e.isActive(on: date) {
            guard let site = e.siteId, let service = services[e.serviceId], service.kind.servesMeals,
                  service.runs(on: date, year: years[service.yearId], at: site),
                  let child = try replica.beneficiary(e.beneficiaryId) else { continue }
            if withDiets {
                guard device.siteIDs.contains(site) else { continue }
            } else {
                guard let classID = child.classId, device.classIDs.contains(classID) else { continue }
            }
            let all = try facts.facts(beneficiary: e.beneficiaryId, date: date)
            let served = LocalFacts.served(all, service: e.serviceId)
            // A pupil not yet (or no longer) in their class that day is not at school, and one whose option has no meal
            // that day does not eat here: not counted at all.
            guard served || (ClassMembership.isAtSchool(child.membership, on: date)
                             && service.isOptionDay(date, option: e.option(on: date))) else { continue }
            let out = !LocalFacts.expectsMeal(all, service: service, enrollment: e, on: date)
            let mark = LocalFacts.mark(all)
            let className = child.classId.flatMap { classes[$0] } ?? "-"
            let diet = withDiets ? (e.dietId.flatMap { diets[$0] } ?? MealLine.normal) : nil
            let key = [site, className, diet ?? ""].joined(separator: "|")
            var line = lines[key] ?? MealLine(site: site, schoolClass: className, diet: diet)
            line.enrolled += 1
            if served {
                line.served += 1
                line.expected += 1
            } else if out {
                line.absent += 1
            } else {
                line.expected += 1
                if mark == nil { line.unmarked += 1 }
            }
            if line.isSpecialDiet {
                line.children.append(MealChild(
                    beneficiaryId: child.id, name: child.fullName, schoolClass: className,
                    status: served ? "served" : (out ? "absent" : "expected"), emergencyPlan: child.emergencyPlan
                ))
            }
            lines[key] = line
        }
        return lines.keys.sorted().compactMap { key in
            guard var line = lines[key] else { return nil }
            line.children.sort { ($0.name, $0.beneficiaryId) < ($1.name, $1.beneficiaryId) }
            return line
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
        /// What is wrong, each with the command that puts it right where there is one (`italianLines`).
        public let problemHints: [HintedText]
        /// `problemHints` as plain text: the `--json` answer.
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
        var problems: [HintedText] = []
        let enrollAgain = CommandHint.client("enroll", arguments: ["--code", "CODICE"])
        if device == nil {
            let enroll = CommandHint.client("enroll", arguments: ["--server", "URL", "--code", "CODICE"])
            problems.append("dispositivo non registrato in questa cartella: registrarlo con \(enroll)")
        }
        if revoked { problems.append("dispositivo revocato") }
        if blocked { problems.append("dispositivo bloccato dal server: chiedere un nuovo codice e registrarlo di nuovo con \(enrollAgain)") }
        if unknown {
            problems.append("il server non riconosce più il dispositivo: chiedere un nuovo codice e registrarlo di nuovo con \(enrollAgain)")
        }
        if let oldestAge, Double(oldestAge) > maxPendingAge { problems.append("registrazioni in attesa da più di due ore") }
        let clockOffset: Int64? = try state?[5]
        if let error = ClockCheck.error(offsetMs: clockOffset) {
            problems.append("orologio del dispositivo \(error) rispetto al server: correggere data e ora, poi sincronizzare")
        }
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
            cursor: device?.cursor, revoked: revoked, blocked: blocked, clockOffsetMs: clockOffset, unknownToServer: unknown,
            healthy: problems.isEmpty,
            problemHints: problems,
            problems: problems.map(\.description)
        )
    }

    // MARK: Void

    /// Voids one of the device's ops, named by its id (or the start of it), with a reason; returns the void op
    /// and its target. There is no "the last one" here: a void cancels only what the person named.
    /// The op of this device named by its id or by the beginning of it (as `spunta recent --json` shows it). A beginning
    /// shared by several ops names none of them, and an empty one names nothing: a void cancels only what was named.
    static func op(_ db: Database, named text: String) throws -> Op {
        let id = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard !id.isEmpty else { throw ClientError.unknownOp(text) }
        // Compared as text, not with LIKE: `%` and `_` in what was typed are characters, not wildcards.
        let rows = try db.fetchAll("""
            SELECT json FROM outbox WHERE id = ?1 OR substr(id, 1, length(?1)) = ?1 ORDER BY id = ?1 DESC, seq DESC LIMIT 2
            """, [id])
        guard let row = rows.first else { throw ClientError.unknownOp(text) }
        let op = try WireCoding.decode(Op.self, from: Data((try row[0] as String).utf8))
        if op.id != id, rows.count > 1 {
            let count: Int = try db.scalar("SELECT COUNT(*) FROM outbox WHERE substr(id, 1, length(?1)) = ?1", [id]) ?? rows.count
            throw ClientError.ambiguousOp(text, count: count)
        }
        return op
    }

    public static func void(_ db: Database, device: EnrolledDevice, opID: String, reason: String, now: Date) throws -> (void: Op, target: Op) {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw ClientError.missingReason }
        let target = try Self.op(db, named: opID)
        guard target.type != .void else { throw ClientError.unknownOp(target.id) }
        // The office is alerted of a closed ride: the server would refuse the void too.
        if target.type == .rideClosed {
            let state: String? = try db.scalar("SELECT state FROM outbox WHERE id = ?", [target.id])
            throw ClientError.rideClosedFinal(sent: state == "acked")
        }
        let voided: Int? = try db.scalar("SELECT 1 FROM outbox WHERE type = 'void' AND target_op_id = ? AND state != 'rejected'", [target.id])
        guard voided == nil else { throw ClientError.alreadyVoided(described: try RecentOps.describe(db, target), number: nil) }
        let void = try OpRecorder.record(db, device: device, body: .void(VoidOp(targetOpId: target.id, reason: reason)),
                                         businessDate: target.businessDate, now: now)
        return (void, target)
    }
}

extension DeviceReports.Status {
    /// The status in Italian, one paragraph per fact, times on Rome's clock as Italians write them.
    public func italianLines(now: Date) -> [String] {
        hintedLines(now: now).map(\.description)
    }

    /// `italianLines` with the commands of the problems kept as `CommandHint`s, for the command line to write with
    /// the device folder the user named.
    public func hintedLines(now: Date) -> [HintedText] {
        facts(now: now).map { "\($0)" } + (healthy ? ["Stato: in ordine."] : ["Stato: DA CONTROLLARE"] + problemHints.map { "- \($0)" })
    }

    private func facts(now: Date) -> [String] {
        var lines: [String] = []
        if enrolled {
            lines.append("\(name ?? "") (\(deviceId ?? ""))")
            lines.append("Ruolo: \(DeviceRole(rawValue: role ?? "")?.italian ?? "")")
            if let municipality { lines.append("Ente: \(municipality)") }
            lines.append("Ambito: \(scope.joined(separator: ", "))")
            lines.append("Server: \(server ?? "")")
            lines.append("Ultima sincronizzazione: " + (lastSuccessfulSync.map { Self.when($0, now: now) } ?? "mai"))
            if let attempt = lastAttempt, attempt != lastSuccessfulSync {
                lines.append("Ultimo tentativo: " + Self.when(attempt, now: now))
            }
            let age = oldestPendingAgeSeconds.map { ", la più vecchia da \(ItalianTime.span(seconds: $0))" } ?? ""
            lines.append("In attesa di invio: \(pendingOps)\(age)")
            if rejectedOps > 0 { lines.append("Rifiutate dal server: \(rejectedOps)") }
            lines.append("Dati: \(replica["beneficiaries"] ?? 0) bambini, \(replica["cards"] ?? 0) tessere")
            if let error = lastError { lines.append("Ultimo errore: \(error)") }
            if let offset = clockOffsetMs {
                lines.append("Orologio: " + (ClockCheck.error(offsetMs: offset).map { "SBAGLIATO, \($0) rispetto al server" } ?? "in ordine"))
            }
        }
        return lines
    }

    /// A stored UTC stamp as "01/12/2026 08:15, 5 h 10 min fa" (Rome's clock); the stamp itself if unreadable.
    static func when(_ stamp: String, now: Date) -> String {
        guard let date = UTCTime.date(stamp) else { return stamp }
        let seconds = Int(now.timeIntervalSince(date))
        let ago = seconds >= 0 ? "\(ItalianTime.span(seconds: seconds)) fa" : "tra \(ItalianTime.span(seconds: seconds))"
        return "\(ItalianTime.dateTime(date)), \(ago)"
    }
}
