import Foundation
import SpuntaDomain
import SpuntaExchange
import SpuntaServerStore
import SpuntaStore

/// Derives the charges of a month from the merged facts and the calendar (calcolo dei consumi): meals from
/// the scans or the register at the cut-off, rides from the boardings, monthly fees from the enrollments;
/// priced with the tariff in force each day, sibling reductions, exemptions, monthly minimum and maximum.
/// A pure function of the database and the hour: the same facts give the same charges, in the same order. A month
/// billed while it runs is charged only for the days that have happened (`Settled`).
public struct ChargeCalculator {
    let db: Database
    let data: MasterDataSet

    /// Facts seen but not billed, and disagreements raised, for the operator.
    public struct Notes: Sendable {
        public var notBilled: [String] = []
        /// Basis `both`: booked by the register but never scanned (not charged).
        public var mismatches = 0
        /// Basis `both`: scanned although the register says absent, out by the cut-off or in after it (charged).
        public var scannedNotBooked = 0
    }

    public init(_ db: Database) throws {
        self.db = db
        self.data = try MasterDataStore.load(db)
    }

    /// The charges of `period`, for every service (prepaid and postpaid).
    public func charges(for period: BillingPeriod, notes: inout Notes, raiseConflicts: Bool, now: Date) throws -> [Charge] {
        let payers = Dictionary(data.payers.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let children = Dictionary(data.beneficiaries.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var units: [Unit] = []
        let settled = Settled(now: now)
        // Open register/scan conflicts of the month: only those can need settling when the facts agree.
        var openMismatches: Set<String> = []
        if raiseConflicts {
            for row in try db.fetchAll("""
                SELECT subject FROM conflict WHERE kind = ? AND status = 'open' AND business_date BETWEEN ? AND ?
                """, [ConflictStore.Kind.registerScanMismatch.rawValue, period.firstDay.description, period.lastDay.description]) {
                openMismatches.insert(try row[0])
            }
        }
        for service in data.services.sorted(by: { $0.id < $1.id }) {
            for enrollment in data.enrollments.filter({ $0.serviceId == service.id }).sorted(by: { $0.id < $1.id }) {
                guard let child = children[enrollment.beneficiaryId],
                      let payerID = child.payers.first(where: \.primary)?.payerId ?? child.payers.first?.payerId else { continue }
                // The days the service runs where this child uses it: a closure of one site closes only its children.
                let days = billableDays(service, period, at: enrollment.siteId)
                let enrolledDays = days.filter { enrollment.isActive(on: $0) }
                // The register books a meal only on the days the child is in its class (`ClassMembership`).
                let inRegister = Set(enrolledDays.filter { ClassMembership.isAtSchool(child.membership, on: $0) })
                units += try self.units(service: service, enrollment: enrollment, payer: payerID, days: enrolledDays,
                                        allDays: days, inRegister: inRegister, period: period, notes: &notes,
                                        raiseConflicts: raiseConflicts, openMismatches: openMismatches, settled: settled, now: now)
            }
        }
        units += try ridesNotEnrolled(period: period, children: children, notes: &notes, raiseConflicts: raiseConflicts, settled: settled, now: now)
        // Sibling rank per payer, service and month: the eldest charged child first.
        var ranks: [String: Int] = [:]
        for (group, list) in Dictionary(grouping: units, by: { "\($0.payerId)|\($0.service.id)" }) {
            let ordered = Set(list.map(\.beneficiaryId)).sorted { a, b in
                let da = children[a]?.birthDate ?? LocalDate(dayNumber: 0), dbb = children[b]?.birthDate ?? LocalDate(dayNumber: 0)
                return (da, a) < (dbb, b)
            }
            for (index, id) in ordered.enumerated() { ranks["\(group)|\(id)"] = index + 1 }
        }
        var charges: [Charge] = []
        for unit in units {
            guard let tariff = TariffEngine.tariff(for: unit.enrollment, on: unit.priceDate, among: data.tariffs) else {
                notes.notBilled.append("\(unit.beneficiaryId) \(unit.service.id): nessuna tariffa in vigore il \(unit.priceDate.italian)")
                continue
            }
            let rank = ranks["\(unit.payerId)|\(unit.service.id)|\(unit.beneficiaryId)"] ?? 1
            let quote = TariffEngine.quote(tariff: tariff, payer: payers[unit.payerId], date: unit.priceDate, siblingRank: rank,
                                           exemptionPercent: unit.enrollment.exemptionPercent)
            var unitPrice = quote.amount
            var detail = quote.explanation
            if let fraction = unit.fraction {
                unitPrice = TariffEngine.proRata(quote.amount, fraction.days, fraction.of)
                detail += ", \(fraction.days)/\(fraction.of) giorni del mese"
            }
            charges.append(Charge(
                key: unit.key, kind: .charge, period: period, payerId: unit.payerId, beneficiaryId: unit.beneficiaryId,
                serviceId: unit.service.id, date: unit.date, description: "\(unit.label) (\(detail))", quantity: 1,
                unitPrice: unitPrice, amount: unitPrice, sourceOps: unit.sources
            ))
        }
        charges += caps(charges, period: period)
        return charges.sorted()
    }

    /// Days of `period` the service runs at `site` (nil: as a whole) (`Service.runs(on:year:at:)`).
    public func billableDays(_ service: Service, _ period: BillingPeriod, at site: String? = nil) -> [LocalDate] {
        let year = data.schoolYears.first { $0.id == service.yearId }
        return period.days.filter { service.runs(on: $0, year: year, at: site) }
    }

    /// Which days of a month in progress have happened, as far as billing is concerned. A scan or a boarding is a
    /// fact as soon as it is recorded, so today counts; a meal booked by the register is fixed only at the cut-off
    /// (until then the family may still cancel it), so today counts once the cut-off has passed — without a
    /// cut-off, from tomorrow. A disagreement between the register and the scans waits for the day to end: at ten
    /// the meal has not been served yet. Days after today never count.
    struct Settled {
        let today: LocalDate
        let time: LocalTime

        init(now: Date) {
            today = BusinessCalendar.date(of: now)
            time = BusinessCalendar.time(of: now)
        }

        func facts(_ day: LocalDate) -> Bool { day <= today }

        func booking(_ day: LocalDate, cutoff: LocalTime?) -> Bool {
            if day != today { return day < today }
            guard let cutoff else { return false }
            return time > cutoff
        }

        func disagreement(_ day: LocalDate) -> Bool { day < today }
    }

    /// Why a fact of `day` is not billed, for the operator's report.
    private func closedReason(_ day: LocalDate, settled: Settled) -> String {
        if !settled.facts(day) {
            return "giorno non ancora trascorso: si addebita quando arriva"
        }
        if let holiday = ItalianHolidays.holidays(year: day.year).first(where: { $0.date == day }) {
            return "festività nazionale: \(holiday.name)"
        }
        return "servizio chiuso o non iscritto quel giorno"
    }

    /// One thing to price.
    struct Unit {
        let key: String
        let service: Service
        let enrollment: Enrollment
        let payerId: String
        let beneficiaryId: String
        let date: LocalDate?
        let priceDate: LocalDate
        let label: String
        let sources: [String]
        let fraction: (days: Int, of: Int)?
    }

    private func units(
        service: Service, enrollment: Enrollment, payer: String, days: [LocalDate], allDays: [LocalDate], inRegister: Set<LocalDate>,
        period: BillingPeriod, notes: inout Notes, raiseConflicts: Bool, openMismatches: Set<String>, settled: Settled, now: Date
    ) throws -> [Unit] {
        let child = enrollment.beneficiaryId
        let unitKind = TariffEngine.tariff(for: enrollment, on: days.first ?? period.firstDay, among: data.tariffs)?.unit
        func unit(_ key: String, _ date: LocalDate?, _ priceDate: LocalDate, _ label: String, _ sources: [String],
                  _ fraction: (Int, Int)? = nil) -> Unit {
            Unit(key: key, service: service, enrollment: enrollment, payerId: payer, beneficiaryId: child, date: date,
                 priceDate: priceDate, label: label, sources: sources, fraction: fraction.map { (days: $0.0, of: $0.1) })
        }
        switch service.chargeBasis {
        case .enrollment:
            guard let first = days.first else { return [] }
            switch unitKind {
            case .year?:
                // A yearly fee is charged in the month the enrollment starts (or the service starts).
                let start = max(enrollment.startDate, service.startDate)
                guard start.period == period else { return [] }
                return [unit("year|\(child)|\(service.id)|\(service.yearId)", nil, first, "Quota annuale \(service.name)", ["iscrizione \(enrollment.id)"])]
            case .ride?:
                return try rides(service: service, enrollment: enrollment, days: days.filter(settled.facts), unit: unit)
            default:
                let proRata = data.tariffs.first { $0.serviceId == service.id && $0.isInForce(on: first) }?.proRata ?? false
                let fraction: (Int, Int)? = proRata && days.count < allDays.count ? (days.count, allDays.count) : nil
                return [unit("month|\(child)|\(service.id)|\(period)", nil, first, "Quota di \(period.italian) — \(service.name)",
                             ["iscrizione \(enrollment.id)"], fraction)]
            }
        case .scan, .register, .both:
            if service.kind == .transport {
                return try rides(service: service, enrollment: enrollment, days: days.filter(settled.facts), unit: unit)
            }
            return try meals(service: service, enrollment: enrollment, days: days, inRegister: inRegister, period: period, notes: &notes,
                             raiseConflicts: raiseConflicts, openMismatches: openMismatches, settled: settled, now: now, unit: unit)
        }
    }

    private func meals(
        service: Service, enrollment: Enrollment, days: [LocalDate], inRegister: Set<LocalDate>, period: BillingPeriod,
        notes: inout Notes, raiseConflicts: Bool, openMismatches: Set<String>, settled: Settled, now: Date,
        unit: (String, LocalDate?, LocalDate, String, [String], (Int, Int)?) -> Unit
    ) throws -> [Unit] {
        let child = enrollment.beneficiaryId
        var scanned: [LocalDate: String] = [:]
        for row in try db.fetchAll("""
            SELECT business_date, op_id FROM meal WHERE beneficiary_id = ? AND service_id = ? AND business_date BETWEEN ? AND ?
            """, [child, service.id, period.firstDay.description, period.lastDay.description]) {
            if let d = LocalDate(try row[0] as String) { scanned[d] = try row[1] }
        }
        // The month's register for the child, read once (not a query per day).
        var marks: [LocalDate: Mark] = [:]
        if service.chargeBasis != .scan {
            for row in try db.fetchAll("""
                SELECT business_date, status, time, op_id FROM attendance WHERE beneficiary_id = ? AND business_date BETWEEN ? AND ?
                """, [child, period.firstDay.description, period.lastDay.description]) {
                if let d = LocalDate(try row[0] as String) {
                    marks[d] = Mark(status: try row[1], time: (try row[2] as String?).flatMap { LocalTime($0) }, op: try row[3])
                }
            }
        }
        let billable = Set(days.filter(settled.facts))
        for (day, op) in scanned.sorted(by: { $0.key < $1.key }) where !billable.contains(day) {
            notes.notBilled.append("\(child): pasto del \(day.italian) non addebitato (\(closedReason(day, settled: settled)); op \(op))")
        }
        var result: [Unit] = []
        for day in days where settled.facts(day) {
            let key = "meal|\(child)|\(service.id)|\(day)"
            let label = "Pasto del \(day.italian)"
            // Not in the class that day (started later, or left): the register books nothing.
            let register = inRegister.contains(day) ? Self.registerCharges(marks[day], cutoff: service.cutoff) : (charged: false, source: nil, why: "non in classe")
            switch service.chargeBasis {
            case .scan:
                if let op = scanned[day] { result.append(unit(key, day, day, label, [op], nil)) }
            case .register:
                if register.charged && settled.booking(day, cutoff: service.cutoff) {
                    result.append(unit(key, day, day, label, register.source.map { [$0] } ?? [], nil))
                }
            case .both:
                // The scan is the fact and is charged. The register disagreeing, either way, is a conflict for review;
                // once the facts agree (a late scan, a corrected mark) the next run settles it. Today's disagreements
                // wait for the day to end.
                if let op = scanned[day] { result.append(unit(key, day, day, label, [op] + (register.source.map { [$0] } ?? []), nil)) }
                guard settled.disagreement(day) else { break }
                let subject = "\(child)|\(service.id)|\(day)"
                let cutoff = service.cutoff?.description ?? ""
                var disagreement: [String: any Sendable]?
                if let op = scanned[day] {
                    // Marked absent yet scanned is already a conflict of the merge (absent_but_ate): not raised twice.
                    if let attendance = register.source, !register.charged, marks[day]?.status != "absent" {
                        notes.scannedNotBooked += 1
                        disagreement = ["service_id": service.id, "attendance_op_id": attendance, "meal_op_id": op,
                                        "note": "pasto letto in mensa ma \(register.why) all'appello delle \(cutoff): addebitato il pasto letto"]
                    }
                } else if let attendance = register.source, register.charged {
                    notes.mismatches += 1
                    disagreement = ["service_id": service.id, "attendance_op_id": attendance,
                                    "note": "presente all'appello delle \(cutoff) ma nessun pasto letto in mensa"]
                }
                if raiseConflicts {
                    if let disagreement {
                        try ConflictStore.raise(db, kind: .registerScanMismatch, subject: subject, beneficiary: child, date: day,
                                                details: disagreement, at: now)
                    } else if openMismatches.contains(subject) {
                        try ConflictStore.settle(db, kind: .registerScanMismatch, subject: subject, at: now)
                    }
                }
            case .enrollment:
                break
            }
        }
        return result
    }

    /// One child's mark of one day in the register.
    struct Mark {
        let status: String
        let time: LocalTime?
        let op: String
    }

    /// Whether the register books the meal: present at the cut-off (no mark counts as present: meals are
    /// booked unless cancelled), not absent, not out by the cut-off, not in after it. `why` says, in Italian,
    /// why a meal is not booked.
    private static func registerCharges(_ mark: Mark?, cutoff: LocalTime?) -> (charged: Bool, source: String?, why: String) {
        guard let mark else { return (true, nil, "") }
        let (time, op) = (mark.time, mark.op)
        switch mark.status {
        case "absent": return (false, op, "assente")
        case "early_exit":
            if let cutoff, let time, time <= cutoff { return (false, op, "uscito alle \(time)") }
            return (true, op, "")
        case "late_entry":
            if let cutoff, let time, time > cutoff { return (false, op, "entrato alle \(time)") }
            return (true, op, "")
        default: return (true, op, "")
        }
    }

    private func rides(
        service: Service, enrollment: Enrollment, days: [LocalDate],
        unit: (String, LocalDate?, LocalDate, String, [String], (Int, Int)?) -> Unit
    ) throws -> [Unit] {
        guard let route = enrollment.routeId, let first = days.first, let last = days.last else { return [] }
        let billable = Set(days)
        var result: [Unit] = []
        for row in try db.fetchAll("""
            SELECT business_date, direction, boarding_op_id FROM ride
            WHERE beneficiary_id = ? AND route_id = ? AND boarding_op_id IS NOT NULL AND business_date BETWEEN ? AND ?
            ORDER BY business_date, direction
            """, [enrollment.beneficiaryId, route, first.description, last.description]) {
            guard let day = LocalDate(try row[0] as String), billable.contains(day) else { continue }
            let direction: String = try row[1]
            let italian = Direction(rawValue: direction)?.italian ?? direction
            result.append(unit("ride|\(enrollment.beneficiaryId)|\(route)|\(day)|\(direction)", day, day,
                               "Corsa del \(day.italian) (\(italian))", [try row[2] as String], nil))
        }
        return result
    }

    /// Rides of children who were not enrolled on the route that day (conflict `ride_not_enrolled`). The regular
    /// path above never bills them (it bills a route's rides only on the days of the child's enrollment on it); here
    /// a ride is billed only when the office resolved its conflict deciding to bill it, priced as a ride of the
    /// route's service — with the child's own enrollment in that service (another route) for the tariff and the
    /// exemption when there is one. An enrollment recorded since then that covers the day makes it an ordinary
    /// ride: billed above, and its conflict settled.
    private func ridesNotEnrolled(
        period: BillingPeriod, children: [String: Beneficiary], notes: inout Notes, raiseConflicts: Bool, settled: Settled, now: Date
    ) throws -> [Unit] {
        var result: [Unit] = []
        for row in try db.fetchAll("""
            SELECT c.id, c.subject, c.status, c.decision, r.beneficiary_id, r.route_id, r.business_date, r.direction, r.boarding_op_id
            FROM conflict c JOIN ride r ON r.beneficiary_id = c.beneficiary_id AND r.business_date = c.business_date
                AND r.route_id = json_extract(c.details, '$.route_id') AND r.direction = json_extract(c.details, '$.direction')
            WHERE c.kind = ? AND c.business_date BETWEEN ? AND ?
            ORDER BY c.id
            """, [ConflictStore.Kind.rideNotEnrolled.rawValue, period.firstDay.description, period.lastDay.description]) {
            let conflict: Int64 = try row[0], status: String = try row[2], decision: String? = try row[3]
            let child: String = try row[4], route: String = try row[5], direction: String = try row[7]
            guard let day = LocalDate(try row[6] as String) else { continue }
            let what = "\(child): corsa del \(day.italian) sulla linea \(route)"
            if data.enrollments.contains(where: { $0.beneficiaryId == child && $0.routeId == route && $0.isActive(on: day) }) {
                if raiseConflicts && status == "open" {
                    try ConflictStore.settle(db, kind: .rideNotEnrolled, subject: try row[1], at: now)
                }
                continue
            }
            if status == "open" {
                notes.notBilled.append("\(what) non addebitata: non iscritto alla linea, in attesa della decisione dell'ufficio (conflitto \(conflict))")
                continue
            }
            guard decision == "bill", let boarding: String = try row[8] else { continue }
            guard let serviceID = data.routes.first(where: { $0.id == route })?.serviceId,
                  let service = data.services.first(where: { $0.id == serviceID }) else {
                notes.notBilled.append("\(what) non addebitata: la linea non è più nell'anagrafica (conflitto \(conflict))")
                continue
            }
            guard billableDays(service, period).contains(day), settled.facts(day) else {
                notes.notBilled.append("\(what) non addebitata (\(closedReason(day, settled: settled)); conflitto \(conflict))")
                continue
            }
            let own = data.enrollments.filter { $0.beneficiaryId == child && $0.serviceId == service.id }.sorted { $0.id < $1.id }
            let enrollment = own.first { $0.isActive(on: day) } ?? own.first ?? Enrollment(
                id: "conflitto \(conflict)", beneficiaryId: child, serviceId: service.id, siteId: nil, dietId: nil, routeId: route,
                outboundStopId: nil, returnStopId: nil, tariffId: nil, startDate: day, endDate: day, exemptionPercent: 0
            )
            let perRide = service.chargeBasis == .enrollment
                ? TariffEngine.tariff(for: enrollment, on: day, among: data.tariffs)?.unit == .ride
                : service.kind == .transport
            guard perRide else {
                notes.notBilled.append("\(what): il servizio \(service.id) non si paga a corsa, nulla da addebitare (conflitto \(conflict))")
                continue
            }
            guard let payer = children[child].flatMap({ $0.payers.first(where: \.primary)?.payerId ?? $0.payers.first?.payerId }) else {
                notes.notBilled.append("\(what) non addebitata: il bambino non ha un pagante (conflitto \(conflict))")
                continue
            }
            let italian = Direction(rawValue: direction)?.italian ?? direction
            result.append(Unit(
                key: "ride|\(child)|\(route)|\(day)|\(direction)", service: service, enrollment: enrollment, payerId: payer,
                beneficiaryId: child, date: day, priceDate: day,
                label: "Corsa del \(day.italian) (\(italian)) sulla linea \(route) senza iscrizione, addebitata per decisione dell'ufficio",
                sources: [boarding], fraction: nil
            ))
        }
        return result
    }

    /// Monthly minimum and maximum per child and service: one line that brings the month's total within them.
    private func caps(_ charges: [Charge], period: BillingPeriod) -> [Charge] {
        var result: [Charge] = []
        for (group, list) in Dictionary(grouping: charges, by: { "\($0.payerId)|\($0.beneficiaryId)|\($0.serviceId)" }).sorted(by: { $0.key < $1.key }) {
            guard let first = list.first,
                  let tariff = data.tariffs.first(where: { $0.serviceId == first.serviceId && $0.isInForce(on: first.date ?? period.firstDay) })
            else { continue }
            let total = list.reduce(Money.zero) { $0 + $1.amount }
            var delta: Money?
            var label = ""
            if let maximum = tariff.monthlyMaximum, total > maximum {
                delta = maximum - total
                label = "Tetto mensile \(maximum.italian)"
            } else if let minimum = tariff.monthlyMinimum, total < minimum {
                delta = minimum - total
                label = "Minimo mensile \(minimum.italian)"
            }
            guard let delta else { continue }
            result.append(Charge(
                key: "cap|\(group)|\(period)", kind: .cap, period: period, payerId: first.payerId, beneficiaryId: first.beneficiaryId,
                serviceId: first.serviceId, date: nil, description: label, quantity: 1, unitPrice: delta, amount: delta, sourceOps: []
            ))
        }
        return result
    }
}
