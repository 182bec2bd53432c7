import Foundation
import SpuntaDomain
import SpuntaProtocol
import SpuntaStore

/// Where scans happen (postazione di lettura): the canteen door of a site, or a bus at a stop in one direction.
public struct ScanSetup: Sendable, Equatable {
    public enum Place: Sendable, Equatable {
        case canteen
        /// `boarding` nil (the ride): a child not aboard gets on, a child aboard gets off.
        case bus(route: String, stop: String, direction: Direction, boarding: Bool?)
    }

    public var place: Place
    /// The business date the scans belong to (today in Europe/Rome unless given).
    public var date: LocalDate

    public init(place: Place, date: LocalDate) {
        self.place = place
        self.date = date
    }
}

/// Decides each scan and records it durably before answering (lettura delle tessere). One line in, one
/// outcome out; nothing is printed before the op is committed.
public final class ScanStation: Sendable {
    let queue: DatabaseQueue
    let device: EnrolledDevice
    let setup: ScanSetup
    let clock: @Sendable () -> Date
    /// On the bus: the ride's stops and the line's list, what each boarding and alighting is checked against.
    let plan: RidePlan?

    public init(queue: DatabaseQueue, device: EnrolledDevice, setup: ScanSetup, clock: @escaping @Sendable () -> Date = WallClock.now) throws {
        self.queue = queue
        self.device = device
        self.setup = setup
        self.clock = clock
        switch setup.place {
        case .canteen:
            guard device.role == .canteen else { throw ClientError.wrongRole(expected: "mensa", actual: device.role.italian) }
            plan = nil
        case .bus(let route, let stop, let direction, _):
            guard device.role == .bus else { throw ClientError.wrongRole(expected: "scuolabus", actual: device.role.italian) }
            guard device.routeIDs.contains(route) else { throw ClientError.notInScope("La linea \(route)") }
            let known = try queue.read { db in try RidePlan.load(db, route: route, direction: direction, date: setup.date) }
            guard let known else { throw ClientError.notInScope("La linea \(route)") }
            guard stop == Ride.school || known.index(ofStop: stop) != nil else {
                throw ClientError.notInScope("La fermata \(stop)")
            }
            plan = known
        }
    }

    /// The business day the station records for.
    public var date: LocalDate { setup.date }

    /// Handles one line typed by the scanner (or by a person: `?nome` searches, `=ID` records by name).
    public func handle(_ line: String) -> ScanOutcome {
        var outcome = decide(line)
        outcome.date = setup.date
        return outcome
    }

    /// The running count of the door for the station's day; nil on the bus.
    public func count() throws -> CanteenCount? {
        guard case .canteen = setup.place else { return nil }
        return try queue.read { db in try CanteenCount.compute(db, device: device, date: setup.date) }
    }

    private func decide(_ line: String) -> ScanOutcome {
        let text = line.trimmingCharacters(in: .whitespacesAndNewlines)
        do {
            if text.hasPrefix("?") {
                return try search(String(text.dropFirst()))
            }
            if text.hasPrefix("=") {
                return try recordByName(String(text.dropFirst()).trimmingCharacters(in: .whitespaces))
            }
            let card: CardID
            do {
                card = try CardPayload.decode(line)
            } catch {
                var outcome = ScanOutcome(.invalidPayload, error.userMessage)
                outcome.reason = error.code
                return outcome
            }
            return try queue.recording { db in try decide(db, cardID: card.text) }
        } catch let error as any UserFacingError {
            return ScanOutcome(.error, error.userMessage)
        } catch {
            return ScanOutcome(.error, "Errore dell'archivio del dispositivo: nulla registrato. Riprovare la lettura.")
        }
    }

    private func decide(_ db: Database, cardID: String) throws -> ScanOutcome {
        let replica = ReplicaStore(db)
        guard let card = try replica.card(cardID) else {
            return ScanOutcome(.unknownCard, "Tessera sconosciuta: non è di un bambino di questo servizio.")
        }
        if let revoked = card.revokedOn {
            var outcome = ScanOutcome(.revokedCard, "Tessera revocata il \(LocalDate(revoked)?.italian ?? revoked): usare quella nuova.")
            try describe(&outcome, db: db, beneficiary: card.beneficiaryId)
            return outcome
        }
        return try decide(db, beneficiary: card.beneficiaryId, cardID: cardID)
    }

    private func decide(_ db: Database, beneficiary: String, cardID: String?) throws -> ScanOutcome {
        switch setup.place {
        case .canteen: return try canteen(db, beneficiary: beneficiary, cardID: cardID)
        case .bus(let route, let stop, let direction, let boarding):
            return try bus(db, beneficiary: beneficiary, cardID: cardID, route: route, stop: stop, direction: direction, boarding: boarding)
        }
    }

    // MARK: Canteen

    private func canteen(_ db: Database, beneficiary: String, cardID: String?) throws -> ScanOutcome {
        guard let enrollment = try mealEnrollment(db, beneficiary: beneficiary) else {
            // The same rule as the server's: a meal only for a child enrolled in a meal service at this site that day.
            var outcome = ScanOutcome(.notEnrolled, "Non iscritto alla mensa di questo plesso oggi: chiamare l'ufficio.")
            try describe(&outcome, db: db, beneficiary: beneficiary)
            return outcome
        }
        let day = try LocalFacts(db: db, deviceId: device.deviceId).facts(beneficiary: beneficiary, date: setup.date)
        if let served = LocalFacts.meal(day, service: enrollment.serviceId) {
            let at = BusinessCalendar.time(of: Date(timeIntervalSince1970: Double(served.wallTimeMs) / 1000))
            let where_ = served.own ? "" : " all'altra postazione"
            var outcome = ScanOutcome(.duplicate, "Già servito oggi alle \(at)\(where_).")
            outcome.servedAt = at.description
            outcome.elsewhere = !served.own
            try describe(&outcome, db: db, beneficiary: beneficiary, enrollment: enrollment)
            // The meal served is still a meal more: the worker who scans again is told why, as at the first scan.
            if let warning = try optionWarning(db, enrollment: enrollment, served: true) { outcome.warnings.append(warning) }
            outcome.credit = try credit(db, beneficiary: beneficiary, service: enrollment.serviceId)
            return outcome
        }
        guard let site = enrollment.siteId else { return ScanOutcome(.notEnrolled, "Iscrizione senza plesso.") }
        let body: OpBody = cardID != nil
            ? .mealScanned(Meal(beneficiaryId: beneficiary, serviceId: enrollment.serviceId, siteId: site, cardId: cardID, reason: nil))
            : .mealRecorded(Meal(beneficiaryId: beneficiary, serviceId: enrollment.serviceId, siteId: site, cardId: nil,
                                 reason: "senza tessera, registrato per nome"))
        let op = try OpRecorder.record(db, device: device, body: body, businessDate: setup.date, now: clock())
        var outcome = ScanOutcome(.ok, cardID == nil ? "Registrato per nome." : "Buon appetito!", recorded: true)
        outcome.opId = op.id
        try describe(&outcome, db: db, beneficiary: beneficiary, enrollment: enrollment)
        outcome.warnings += registerWarnings(day)
        if let warning = try optionWarning(db, enrollment: enrollment, served: false) { outcome.warnings.append(warning) }
        if let credit = try credit(db, beneficiary: beneficiary, service: enrollment.serviceId) {
            outcome.credit = credit
            if credit.balanceCents < 0 {
                outcome.warnings.append(.init(code: .negativeCredit, message:
                    "Credito esaurito: \(Money(cents: credit.balanceCents).italian). Servire comunque e avvisare l'ufficio."))
            } else if credit.low {
                let threshold = credit.thresholdCents.map { " (soglia \(Money(cents: $0).italian))" } ?? ""
                outcome.warnings.append(.init(code: .lowCredit, message:
                    "Credito basso: \(Money(cents: credit.balanceCents).italian)\(threshold). Servire comunque."))
            }
        }
        return outcome
    }

    /// The child's enrollment in a meal service at this door's sites on the station's day. Only a service that serves
    /// meals counts: the replica also holds the site's other services (pre-school), which must not turn into a meal.
    private func mealEnrollment(_ db: Database, beneficiary: String) throws -> ReplicaEnrollment? {
        let replica = ReplicaStore(db)
        return try replica.enrollments(of: beneficiary).filter { $0.isActive(on: setup.date) }.first { e in
            guard let site = e.siteId, device.siteIDs.contains(site) else { return false }
            return try replica.record(.services, e.serviceId, as: Service.self)?.kind.servesMeals ?? false
        }
    }

    /// What the register says against serving the child: absent today, or gone home already. The child is at the
    /// door, so the meal is recorded; the worker is told, and the server flags it for review.
    private func registerWarnings(_ day: [LocalFacts.Fact]) -> [ScanOutcome.Warning] {
        if let period = LocalFacts.mark(day)?.period {
            return [.init(code: .absencePeriod, message: "Assente per un periodo (\(period.italianSpan): \(period.reason)) secondo "
                + "il registro: pasto registrato comunque, avvisare l'insegnante.")]
        }
        // What the server will flag against the meal (absent but ate), by the same rule.
        if MergeRules.mealContradictsRegister(day.map(\.op)) {
            return [.init(code: .absentToday, message: "Assente nel registro di oggi: pasto registrato comunque, avvisare l'insegnante.")]
        }
        guard let mark = LocalFacts.mark(day) else { return [] }
        switch mark.status {
        case .earlyExit?:
            let now = clock()
            // An exit planned for later (after lunch) is no reason to doubt the child is here.
            if let time = mark.time, BusinessCalendar.date(of: now) == setup.date, time > BusinessCalendar.time(of: now) { return [] }
            let at = mark.time.map { " alle \($0)" } ?? ""
            return [.init(code: .leftEarly, message: "Uscito\(at) secondo il registro: pasto registrato comunque, avvisare l'insegnante.")]
        default:
            return []
        }
    }

    /// A meal on a day outside the child's option (a three-day pupil on a Tuesday) is served — never refuse a hungry
    /// child — and billed as a meal more (protocol/billing.md); the worker is told so, with the option's days, at
    /// the scan that serves it (`served` false: "serve anyway") and at every later scan of the child that day.
    private func optionWarning(_ db: Database, enrollment: ReplicaEnrollment, served: Bool) throws -> ScanOutcome.Warning? {
        let option = enrollment.option(on: setup.date)
        guard let service = try ReplicaStore(db).record(.services, enrollment.serviceId, as: Service.self),
              !service.isOptionDay(setup.date, option: option), let chosen = service.option(option) else { return nil }
        return .init(code: .offOptionDay, message: "Pasto in più: fuori dai giorni dell'opzione «\(chosen.name)» (\(chosen.italianDays))."
            + (served ? "" : " Servire comunque."))
    }

    /// The child's prepaid credit for the service as of the last sync; nil where the service is not prepaid or
    /// the device has not received it yet.
    private func credit(_ db: Database, beneficiary: String, service: String) throws -> ScanOutcome.Credit? {
        let replica = ReplicaStore(db)
        guard try replica.record(.services, service, as: Service.self)?.billingMode == .prepaid,
              let balance = try replica.record(.balances, ReplicaBalance.id(beneficiary: beneficiary, service: service), as: ReplicaBalance.self)
        else { return nil }
        let asOf: String? = try db.scalar("SELECT last_success_at FROM sync_state WHERE id = 1")
        return ScanOutcome.Credit(balanceCents: balance.balanceCents, thresholdCents: balance.thresholdCents, low: balance.isLow, asOf: asOf)
    }

    // MARK: Bus

    private func bus(
        _ db: Database, beneficiary: String, cardID: String?, route: String, stop: String, direction: Direction, boarding given: Bool?
    ) throws -> ScanOutcome {
        let facts = try LocalFacts(db: db, deviceId: device.deviceId).facts(beneficiary: beneficiary, date: setup.date)
            .filter { $0.routeId == route && $0.direction == direction }
        let boarded = facts.first { $0.type == .boarding }
        let alighted = facts.first { $0.type == .alighting }
        let boarding: Bool
        if let given {
            boarding = given
        } else if let alighted {
            // The ride: a child already off is not put back on by a second read.
            return try duplicate(db, beneficiary, "Discesa già letta su questa corsa alle \(Self.time(alighted)) (\(plan?.name(of: alighted.stopId ?? "") ?? "")).")
        } else if let boarded {
            // A second read at the stop where the child got on is a double read, not getting off.
            if boarded.stopId == stop { return try duplicate(db, beneficiary, "Salita già letta qui alle \(Self.time(boarded)).") }
            boarding = false
        } else {
            boarding = true
        }
        let kind: OpType = boarding ? .boarding : .alighting
        if case .duplicate = MergeRules.rideScan(facts.map(\.op), route: route, direction: direction, boarding: boarding) {
            return try duplicate(db, beneficiary, boarding ? "Salita già letta su questa corsa." : "Discesa già letta su questa corsa.")
        }
        // The child is on (or off) the bus whatever the paperwork says: the fact is recorded, the alert shown.
        var result = ScanOutcome.Result.ok
        var message = boarding ? "Sale a bordo." : "Scende."
        if let problem = plan?.problem(beneficiary, boarding: boarding, at: stop) {
            result = problem.result
            message = problem.message
        } else if !boarding, boarded == nil {
            message = "Scende (la salita non era stata letta)."
        }
        let ride = Ride(beneficiaryId: beneficiary, routeId: route, stopId: stop, direction: direction, cardId: cardID)
        let op = try OpRecorder.record(db, device: device, body: boarding ? .boarding(ride) : .alighting(ride), businessDate: setup.date, now: clock())
        var outcome = ScanOutcome(result, message, recorded: true)
        outcome.opId = op.id
        outcome.opType = kind
        try describe(&outcome, db: db, beneficiary: beneficiary)
        return outcome
    }

    private func duplicate(_ db: Database, _ beneficiary: String, _ message: String) throws -> ScanOutcome {
        var outcome = ScanOutcome(.duplicate, message)
        try describe(&outcome, db: db, beneficiary: beneficiary)
        return outcome
    }

    /// When a fact was recorded, on Rome's clock.
    static func time(_ fact: LocalFacts.Fact) -> LocalTime {
        BusinessCalendar.time(of: Date(timeIntervalSince1970: Double(fact.wallTimeMs) / 1000))
    }

    // MARK: By name

    /// `?text`: the children of this device's scope whose name contains the text.
    private func search(_ text: String) throws -> ScanOutcome {
        let needle = text.trimmingCharacters(in: .whitespaces)
        guard needle.count >= 2 else { return ScanOutcome(.candidates, "Scrivere almeno due lettere del nome dopo «?».") }
        return try queue.read { db in
            let replica = ReplicaStore(db)
            let found = try replica.allBeneficiaries().filter {
                "\($0.surname) \($0.givenName)".range(of: needle, options: [.caseInsensitive, .diacriticInsensitive]) != nil
            }
            var outcome = ScanOutcome(.candidates, found.isEmpty ? "Nessun bambino trovato." : "Registrare con =CODICE:")
            outcome.candidates = try found.prefix(8).map { try candidate(db, $0) }
            return outcome
        }
    }

    /// `=ID` or `=cognome`: a child without card, recorded by name. A name is the beginning of the child's name,
    /// surname first, accents and case ignored; several children beginning so are listed, not guessed.
    private func recordByName(_ text: String) throws -> ScanOutcome {
        try queue.recording { db in
            let replica = ReplicaStore(db)
            if try replica.beneficiary(text) != nil { return try decide(db, beneficiary: text, cardID: nil) }
            let key = NameKey.fold(text)
            let matches = key.count < 2 ? [] : try replica.allBeneficiaries().filter { NameKey.fold($0.fullName).hasPrefix(key) }
            let exact = matches.filter { NameKey.fold($0.fullName) == key }
            if let only = matches.count == 1 ? matches.first : (exact.count == 1 ? exact.first : nil) {
                return try decide(db, beneficiary: only.id, cardID: nil)
            }
            guard !matches.isEmpty else {
                return ScanOutcome(.unknownCard, "Nessun bambino con codice o nome «\(text)»: cercare con ?nome.")
            }
            var outcome = ScanOutcome(.candidates, "«\(text)» indica più bambini: registrare con =CODICE.")
            outcome.candidates = try matches.prefix(8).map { try candidate(db, $0) }
            return outcome
        }
    }

    /// A child of a name search, marked with what this place already has of them on the station's day, by the rules
    /// a scan would apply: at the canteen the meal that makes a scan a duplicate, on the bus this ride's boarding or
    /// alighting.
    private func candidate(_ db: Database, _ child: ReplicaBeneficiary) throws -> ScanOutcome.Candidate {
        var candidate = ScanOutcome.Candidate(beneficiaryId: child.id, name: child.fullName, className: try className(db, child.classId))
        let facts = try LocalFacts(db: db, deviceId: device.deviceId).facts(beneficiary: child.id, date: setup.date)
        let found: (ScanOutcome.Candidate.Already, LocalFacts.Fact)?
        switch setup.place {
        case .canteen:
            found = try mealEnrollment(db, beneficiary: child.id).flatMap { LocalFacts.meal(facts, service: $0.serviceId) }.map { (.served, $0) }
        case .bus(let route, _, let direction, _):
            let ride = facts.filter { $0.routeId == route && $0.direction == direction }
            if let off = ride.first(where: { $0.type == .alighting }) {
                found = (.alighted, off)
            } else {
                found = ride.first(where: { $0.type == .boarding }).map { (.aboard, $0) }
            }
        }
        if let (already, fact) = found {
            candidate.already = already
            candidate.alreadyAt = Self.time(fact).description
        }
        return candidate
    }

    // MARK: Describing the child

    private func describe(_ outcome: inout ScanOutcome, db: Database, beneficiary: String, enrollment: ReplicaEnrollment? = nil) throws {
        let replica = ReplicaStore(db)
        guard let child = try replica.beneficiary(beneficiary) else { return }
        outcome.beneficiaryId = child.id
        outcome.name = child.fullName
        outcome.className = try className(db, child.classId)
        // On the bus, a "3A" of two schools on the line is named with its school.
        if let plan { outcome.schoolName = try plan.named(child.id, replica).schoolName }
        outcome.emergencyPlan = child.emergencyPlan
        if let dietID = enrollment?.dietId, let diet = try replica.record(.diets, dietID, as: Diet.self) {
            outcome.dietName = diet.name
            outcome.allergens = diet.allergens.map(\.italian)
        }
    }

    private func className(_ db: Database, _ id: String?) throws -> String? {
        guard let id else { return nil }
        return try ReplicaStore(db).className(id)
    }
}
