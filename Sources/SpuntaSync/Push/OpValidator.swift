import Foundation
import SpuntaDomain
import SpuntaProtocol
import SpuntaServerStore
import SpuntaStore

/// Checks one op against the device that pushed it and the master data: not only the class, site or route the
/// op claims, but the child on the op's day — in that class, enrolled in a meal service at that site, enrolled on
/// that route. A problem is a reason to reject the op (acknowledged, stored, shown on the device), never to drop
/// it silently; a bus op for a child not on the route's list is kept with a flag instead (whoever is aboard must
/// be on the list).
final class OpValidator {
    let db: Database
    let scope: DeviceScope
    /// Answers already looked up in this batch (a batch names the same children, sites and classes again and again).
    private var known: [String: Bool] = [:]
    private var classSites: [String: String?] = [:]
    /// The scope keys of the classes, sites and routes the batch's ops name, each formatted once (`DeviceScope.key(of:)`).
    private var formattedKeys: [ScopeItem: String] = [:]
    private struct ServiceSite: Hashable {
        let service: String
        let site: String
    }
    private var servedAt: [ServiceSite: Bool] = [:]
    private var children = ChildRecords()
    /// The scope's classes, sites, routes and op types, worked out once: every op of the batch is checked against them.
    private let classIDs: Set<String>
    private let siteIDs: Set<String>
    private let routeIDs: Set<String>
    private let allowedOps: Set<OpType>

    init(db: Database, scope: DeviceScope) {
        self.db = db
        self.scope = scope
        classIDs = Set(scope.classIDs)
        siteIDs = Set(scope.siteIDs)
        routeIDs = Set(scope.routeIDs)
        allowedOps = scope.allowedOps
    }

    /// What the validator decided about one op.
    enum Verdict {
        /// Merge it, with the flag the checks left on it, if any.
        case accepted(OpFlag?)
        /// Store it as rejected and tell the device why.
        case rejected(Problem)
    }

    /// Reads at once the master data of every child `ops` name, so that checking each op needs no query of its own.
    /// Records read beforehand on another connection are taken only when the master data is still at the version they
    /// were read at, as this transaction sees it: a child moved to another class, an enrollment ended or a service
    /// removed since then moves the version, and the records are read again here.
    func prepare(_ ops: some Sequence<Op>, readBeforehand prepared: PushService.Prepared? = nil) throws {
        if let prepared, try prepared.version == MasterDataVersion.current(db) {
            children = prepared.records
        }
        try children.load(db, ChildRecords.children(of: ops))
    }

    /// Whether the service is delivered at the site, asked once per pair and batch (every meal of a batch names it).
    private func served(_ service: String, at site: String) throws -> Bool {
        let pair = ServiceSite(service: service, site: site)
        if let answer = servedAt[pair] { return answer }
        let answer = (try db.scalar("SELECT 1 FROM service_site WHERE service_id = ? AND site_id = ?", [service, site]) as Int?) != nil
        servedAt[pair] = answer
        return answer
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

    /// The change-log keys under which other devices will pull the op, in ascending order, each once (none for a
    /// void: the merge publishes a void under its target's keys once it has checked it against the target, so it
    /// reaches every device the target reached). Worked out here for every op the writer merges: each key is
    /// formatted once per batch, and an op's one or two keys are put in order without building a set.
    func keys(of op: Op) throws -> [String] {
        // The op's own scope, by the rule devices subscribe by; then the other scope that must see it, if any.
        guard let own = DeviceScope.item(of: op).map(key) else { return [] }
        switch op.body {
        case .attendanceMarked(let a):
            return Self.ordered(own, try siteKey(ofClass: a.classId))
        case .absencePeriodRecorded(let p):
            // The canteen door warns when a child away for a period is scanned, and leaves the child out of its count.
            return Self.ordered(own, try siteKey(ofClass: p.classId))
        case .mealScanned(let m), .mealRecorded(let m):
            return Self.ordered(own, classKey(ofChild: m.beneficiaryId, on: op.businessDate))
        case .absenceJustified, .boarding, .alighting, .rideClosed, .void:
            return [own]
        }
    }

    /// A key and, if any, a second one, in ascending order, each once.
    private static func ordered(_ first: String, _ second: String?) -> [String] {
        guard let second, second != first else { return [first] }
        return first < second ? [first, second] : [second, first]
    }

    private func key(_ item: ScopeItem) -> String {
        if let key = formattedKeys[item] { return key }
        let key = DeviceScope.key(of: item)
        formattedKeys[item] = key
        return key
    }

    /// The register also reaches the canteen of the class's site: the kitchen counts meals from it.
    private func siteKey(ofClass classID: String) throws -> String? {
        if classSites[classID] == nil {
            classSites[classID] = .some(try db.scalar("SELECT site_id FROM school_class WHERE id = ?", [classID]))
        }
        return (classSites[classID] ?? nil).map { key(ScopeItem(kind: .site, id: $0)) }
    }

    /// A meal also reaches the teacher of the child's class that day: her count of the class shows who has eaten.
    /// The batch's children are read beforehand (`prepare`), so this costs no query.
    private func classKey(ofChild child: String, on date: LocalDate) -> String? {
        children[child]?.classes.first { $0.covers(date) }.map { key(ScopeItem(kind: .class, id: $0.classId)) }
    }

    func check(_ op: Op) throws -> Verdict {
        guard op.deviceId == scope.deviceId else {
            return .rejected(Problem(code: "device_mismatch", message: "Operazione di un altro dispositivo (\(op.deviceId)): non accettata."))
        }
        guard allowedOps.contains(op.type) else {
            return .rejected(Problem(
                code: "op_not_allowed",
                message: "Un dispositivo \(scope.role.italian) non può registrare «\(op.type.italian)»."
            ))
        }
        switch op.body {
        case .attendanceMarked(let a):
            return verdict(classOp(beneficiary: a.beneficiaryId, classID: a.classId, date: op.businessDate))
        case .absenceJustified(let a):
            if a.reason.trimmingCharacters(in: .whitespaces).isEmpty {
                return .rejected(Problem(code: "missing_reason", message: "Giustificazione senza motivo."))
            }
            // The child must be in the class on the day of the absence, whenever the justification is written.
            return verdict(classOp(beneficiary: a.beneficiaryId, classID: a.classId, date: a.absenceDate))
        case .absencePeriodRecorded(let p):
            if let problem = Self.periodProblem(p) { return .rejected(problem) }
            // The child must be in the class on the first and the last day: the class's spell is one stretch of its
            // school year, so the whole period lies in it.
            return verdict(classOp(beneficiary: p.beneficiaryId, classID: p.classId, date: p.fromDate)
                ?? classOp(beneficiary: p.beneficiaryId, classID: p.classId, date: p.toDate))
        case .mealScanned(let m), .mealRecorded(let m):
            return verdict(try meal(m, date: op.businessDate))
        case .boarding(let r), .alighting(let r):
            return try ride(r, date: op.businessDate)
        case .rideClosed(let r):
            return try rideClosed(r, date: op.businessDate)
        case .void(let v):
            guard v.targetOpId != op.id else {
                return .rejected(Problem(code: "invalid_void", message: "Un annullamento non può annullare sé stesso."))
            }
            // A target not here yet may come later from another device: the merge holds the void and checks it then.
            guard let target = try MergeEngine.load(db, id: v.targetOpId) else { return .accepted(nil) }
            return verdict(VoidRule.problem(voider: scope.deviceId, scope: scope, target: target))
        }
    }

    /// What is wrong with a period whatever the device: no reason, or its days in the wrong order. The same rule
    /// for the office's periods (`OperatorOps.recordAbsencePeriod`).
    static func periodProblem(_ p: AbsencePeriod) -> Problem? {
        if p.reason.trimmingCharacters(in: .whitespaces).isEmpty {
            return Problem(code: "missing_reason", message: "Periodo di assenza senza motivo.")
        }
        if p.toDate < p.fromDate {
            return Problem(code: "invalid_period", message: "Periodo di assenza dal \(p.fromDate.italian) al \(p.toDate.italian): "
                + "l'ultimo giorno viene prima del primo. Correggere le date.")
        }
        return nil
    }

    private func verdict(_ problem: Problem?) -> Verdict {
        problem.map(Verdict.rejected) ?? .accepted(nil)
    }

    private func unknown(_ id: String) -> Problem {
        Problem(code: "unknown_beneficiary", message: "Fruitore \(id) sconosciuto al server: aggiornare l'anagrafica.")
    }

    /// A register op: the class is the device's, and the child is in that class on `date`.
    private func classOp(beneficiary: String, classID: String, date: LocalDate) -> Problem? {
        guard classIDs.contains(classID) else {
            return Problem(code: WireErrorCode.outOfScope, message: "La classe \(classID) non è tra quelle del dispositivo.")
        }
        guard let child = children[beneficiary] else { return unknown(beneficiary) }
        guard child.classes.contains(where: { $0.classId == classID && $0.covers(date) }) else {
            return Problem(
                code: WireErrorCode.outOfScope,
                message: "Il bambino \(beneficiary) non è nella classe \(classID) il \(date.italian): non accettato. "
                    + "Sincronizzare il dispositivo per avere l'elenco aggiornato della classe."
            )
        }
        return nil
    }

    /// A meal: the site is the device's, the service is served there, and the child is enrolled in that service
    /// at that site on `date` (a canteen or a nursery: the services that serve meals).
    private func meal(_ m: Meal, date: LocalDate) throws -> Problem? {
        guard siteIDs.contains(m.siteId) else {
            return Problem(code: WireErrorCode.outOfScope, message: "Il plesso \(m.siteId) non è tra quelli del dispositivo.")
        }
        guard let child = children[m.beneficiaryId] else { return unknown(m.beneficiaryId) }
        guard try served(m.serviceId, at: m.siteId) else {
            return Problem(code: "unknown_service", message: "Il servizio \(m.serviceId) non è erogato nel plesso \(m.siteId).")
        }
        // The common case, with nothing to explain: enrolled in that very service there on that day.
        if child.enrollments.contains(where: { $0.serviceId == m.serviceId && $0.servesMeals && $0.siteId == m.siteId && $0.covers(date) }) {
            return nil
        }
        let here = child.enrollments.filter { $0.servesMeals && $0.siteId == m.siteId && $0.covers(date) }
        guard !here.isEmpty else {
            return Problem(
                code: WireErrorCode.notEnrolled,
                message: "Il bambino \(m.beneficiaryId) non è iscritto alla mensa del plesso \(m.siteId) il \(date.italian): pasto non accettato. "
                    + "Se ha mangiato davvero, avvisare l'ufficio scuola."
            )
        }
        guard here.contains(where: { $0.serviceId == m.serviceId }) else {
            return Problem(
                code: WireErrorCode.notEnrolled,
                message: "Il bambino \(m.beneficiaryId) non è iscritto al servizio \(m.serviceId) il \(date.italian) "
                    + "(nel plesso \(m.siteId) è iscritto a \(here.map(\.serviceId).sorted().joined(separator: ", "))): pasto non accettato."
            )
        }
        return nil
    }

    /// A boarding or alighting: the route is the device's and the stop is on it. A child not enrolled on the route
    /// that day is kept, flagged: the merge opens a `ride_not_enrolled` conflict and billing leaves the ride to the office.
    private func ride(_ r: Ride, date: LocalDate) throws -> Verdict {
        guard routeIDs.contains(r.routeId) else {
            return .rejected(Problem(code: WireErrorCode.outOfScope, message: "La linea \(r.routeId) non è tra quelle del dispositivo."))
        }
        guard let child = children[r.beneficiaryId] else { return .rejected(unknown(r.beneficiaryId)) }
        if let site = Ride.schoolSite(r.stopId) {
            guard try exists("SELECT 1 FROM site WHERE id = ? AND deleted = 0", "site|\(site)", [site]) else {
                return .rejected(Problem(code: "unknown_stop", message: "La scuola del plesso \(site) non è una fermata conosciuta dal server."))
            }
            // A line that lists its schools stops only at those; a line of one school, not described, at any school.
            if try exists("SELECT 1 FROM route_school WHERE route_id = ? LIMIT 1", "rs|\(r.routeId)", [r.routeId]),
               try !exists("SELECT 1 FROM route_school WHERE route_id = ? AND site_id = ?", "rs|\(r.routeId)|\(site)", [r.routeId, site]) {
                return .rejected(Problem(
                    code: "unknown_stop",
                    message: "La linea \(r.routeId) non serve la scuola del plesso \(site) (fermata \(r.stopId)): non accettato. "
                        + "Sincronizzare il dispositivo per avere le fermate aggiornate della linea."
                ))
            }
        } else {
            guard try r.stopId == Ride.school
                    || exists("SELECT 1 FROM stop WHERE id = ? AND route_id = ?", "st|\(r.stopId)|\(r.routeId)", [r.stopId, r.routeId]) else {
                return .rejected(Problem(code: "unknown_stop", message: "La fermata \(r.stopId) non è sulla linea \(r.routeId)."))
            }
        }
        let enrolled = child.enrollments.contains { $0.routeId == r.routeId && $0.covers(date) }
        return .accepted(enrolled ? nil : .notEnrolled)
    }

    /// The end of a ride: the route is the device's and its service runs over that day. A child listed aboard whom
    /// the server does not know is no reason to refuse it — the alert for the children aboard must reach the office —
    /// so the op is kept, flagged `unknownAboard`, and the alert names that id as a child the server does not recognise
    /// (a child aboard who is not enrolled on the route is listed like any other: the office must know).
    private func rideClosed(_ r: RideClosed, date: LocalDate) throws -> Verdict {
        guard routeIDs.contains(r.routeId) else {
            return .rejected(Problem(code: WireErrorCode.outOfScope, message: "La linea \(r.routeId) non è tra quelle del dispositivo."))
        }
        guard let period = try db.fetchOne("""
            SELECT s.start_date, s.end_date FROM route r JOIN service s ON s.id = r.service_id WHERE r.id = ? AND r.deleted = 0
            """, [r.routeId]) else {
            return .rejected(Problem(code: WireErrorCode.outOfScope, message: "La linea \(r.routeId) non esiste più sul server."))
        }
        if let start = LocalDate(try period[0] as String), let end = LocalDate(try period[1] as String), date < start || date > end {
            return .rejected(Problem(
                code: WireErrorCode.outOfScope,
                message: "La linea \(r.routeId) non è in servizio il \(date.italian) (servizio dal \(start.italian) al \(end.italian)): fine corsa non accettata."
            ))
        }
        return .accepted(r.aboard.contains { children[$0] == nil } ? .unknownAboard : nil)
    }
}
