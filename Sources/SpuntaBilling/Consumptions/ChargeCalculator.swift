import Foundation
import SpuntaDomain
import SpuntaExchange
import SpuntaProtocol
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
    /// The payers whose children this calculator charges; nil for all.
    let payerIDs: Set<String>?

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
        self.payerIDs = nil
    }

    /// A calculator that knows only some of the people (a group of families, `MasterDataStore.load(_:shared:…)`):
    /// it charges their children's enrollments only.
    init(_ db: Database, data: MasterDataSet, payers: Set<String>?) {
        self.db = db
        self.data = data
        self.payerIDs = payers
    }

    /// The charges of `period`, for every service (prepaid and postpaid).
    public func charges(for period: BillingPeriod, notes: inout Notes, raiseConflicts: Bool, now: Date) throws -> [Charge] {
        var month = try self.month(period, raiseConflicts: raiseConflicts, now: now)
        let charges = try self.charges(in: &month, services: nil)
        try month.trail.finish(db, notes: &notes, raiseConflicts: raiseConflicts, now: now)
        return charges
    }

    /// What computing a month reads once, whatever group of families it computes: the open disagreements of the
    /// register and the scans, the rides of children not enrolled (few, by payer), and the trail of notes and
    /// conflicts that the groups add to.
    struct Month: Sendable {
        let period: BillingPeriod
        let settled: Settled
        let raiseConflicts: Bool
        let openMismatches: Set<String>
        /// The open disagreements' subjects without their day (`child|service`): a child's enrollment whose service is
        /// not among them has none to settle, and its days need no subject written.
        let openMismatchesByService: Set<String>
        /// Rides of children not enrolled that the office decided to bill, by payer.
        let notEnrolled: [String: [Unit]]
        var trail = Trail()
        /// The days each service runs at each site this month, worked out once for every group of families: every
        /// day of it asks whether it is a holiday or a closing day, which cost a fifth of a city's run when it was
        /// asked again for each enrollment.
        var runningDays: [ServiceAtSite: [LocalDate]] = [:]
        /// The days the Comune closed each service (or its site) on its own (`closedByComune`), worked out once for
        /// every group of families as `runningDays` is: asked for each monthly enrollment, each day of the month built
        /// the year's list of holidays anew.
        var closedByComune: [ServiceAtSite: Set<LocalDate>] = [:]
    }

    /// A service at a site (nil: as a whole), as the key of `Month.runningDays`.
    struct ServiceAtSite: Hashable, Sendable {
        let service: String
        let site: String?
    }

    /// Where a note or a change of conflict comes from in the computation of a whole month — the enrollments by
    /// service and id, then the rides of children not enrolled, then the prices of the first and of the second — so
    /// that a month computed a group of families at a time reports the same notes and raises the same conflicts,
    /// in the same order, as one computation of the whole month.
    struct Place: Comparable, Sendable {
        let phase: Int
        let service: String
        let enrollment: String
        let index: Int

        static func < (a: Place, b: Place) -> Bool {
            (a.phase, a.service, a.enrollment, a.index) < (b.phase, b.service, b.enrollment, b.index)
        }
    }

    /// A conflict to open (or refresh) or to settle, once the month's charges are all computed.
    enum ConflictChange: Sendable {
        case raise(ConflictStore.Kind, subject: String, beneficiary: String, date: LocalDate, details: [String: any Sendable])
        case settle(ConflictStore.Kind, subject: String)
    }

    /// The notes and conflict changes of a month, in the order of their places.
    struct Trail: Sendable {
        private var notes: [(Place, String)] = []
        private var conflicts: [(Place, ConflictChange)] = []
        var mismatches = 0
        var scannedNotBooked = 0
        private var counter = 0

        /// A place after every other of the same phase, service and enrollment (they are computed in one go).
        mutating func place(_ phase: Int, _ service: String = "", _ enrollment: String = "") -> Place {
            counter += 1
            return Place(phase: phase, service: service, enrollment: enrollment, index: counter)
        }

        mutating func note(_ place: Place, _ text: String) { notes.append((place, text)) }
        mutating func conflict(_ place: Place, _ change: ConflictChange) { conflicts.append((place, change)) }

        /// Applies the conflict changes (when asked to) and adds the notes, both in order.
        func finish(_ db: Database, notes target: inout Notes, raiseConflicts: Bool, now: Date) throws {
            if raiseConflicts { try applyConflicts(db, now: now) }
            target.notBilled += notes.sorted { $0.0 < $1.0 }.map(\.1)
            target.mismatches += mismatches
            target.scannedNotBooked += scannedNotBooked
        }

        func applyConflicts(_ db: Database, now: Date) throws {
            for (_, change) in conflicts.sorted(by: { $0.0 < $1.0 }) {
                switch change {
                case .raise(let kind, let subject, let beneficiary, let date, let details):
                    try ConflictStore.raise(db, kind: kind, subject: subject, beneficiary: beneficiary, date: date, details: details, at: now)
                case .settle(let kind, let subject):
                    try ConflictStore.settle(db, kind: kind, subject: subject, at: now)
                }
            }
        }
    }

    /// Phases of a month's computation (`Place.phase`).
    enum Phase {
        static let enrollments = 0, ridesNotEnrolled = 1, prices = 2, pricesOfRidesNotEnrolled = 3
    }

    /// Reads what a month's computation needs once: with this calculator's people, the rides of children not
    /// enrolled (a calculator that knows every child those rides name).
    func month(_ period: BillingPeriod, raiseConflicts: Bool, now: Date) throws -> Month {
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
        var trail = Trail()
        let children = Dictionary(data.beneficiaries.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let rides = try ridesNotEnrolled(period: period, children: children, trail: &trail, settled: settled)
        return Month(period: period, settled: settled, raiseConflicts: raiseConflicts, openMismatches: openMismatches,
                     openMismatchesByService: Set(openMismatches.map { String($0.dropLast("|YYYY-MM-DD".count)) }),
                     notEnrolled: Dictionary(grouping: rides, by: \.payerId), trail: trail)
    }

    /// The children named by the month's rides of children not enrolled on the route (conflict `ride_not_enrolled`).
    static func childrenOfRidesNotEnrolled(_ db: Database, period: BillingPeriod) throws -> [String] {
        try db.fetchAll("""
            SELECT DISTINCT beneficiary_id FROM conflict WHERE kind = ? AND business_date BETWEEN ? AND ? AND beneficiary_id IS NOT NULL
            """, [ConflictStore.Kind.rideNotEnrolled.rawValue, period.firstDay.description, period.lastDay.description]).map { try $0[0] }
    }

    /// The month's facts of this calculator's children that the charges of `services` (or of all) look at: read by
    /// `charges(in:services:facts:)` itself, or beforehand on another connection (`BillingRun.Computation.load`).
    func facts(_ period: BillingPeriod, services: Set<String>?) throws -> Facts {
        // Rides are looked up only by an enrollment's route (`rides`): a tenth of a city's children have one, and the
        // others' were sought in the table one by one for nothing.
        let ids = data.beneficiaries.map(\.id)
        let riders = Set(data.enrollments.lazy.filter { $0.routeId != nil && services?.contains($0.serviceId) ?? true }.map(\.beneficiaryId))
        return try Facts(db, children: ids, riders: ids.filter(riders.contains), period: period,
                         absencePeriods: data.tariffs.contains { $0.illnessReductionPercent > 0 })
    }

    /// The charges of the month for this calculator's people (of `services`, or of all), with the month's rides of
    /// children not enrolled whose payer is among them. `known`: the month's facts, when already read for the same
    /// people and services (`facts(_:services:)`).
    func charges(in month: inout Month, services: Set<String>?, facts known: Facts? = nil) throws -> [Charge] {
        let period = month.period
        // The lists themselves, so that the closures below capture them and not a copy of this calculator each.
        let payerList = data.payers, childList = data.beneficiaries
        // The people by id, as their place in `data` (the first of an id): a dictionary of copies retained every
        // string of every payer and child of the group twice.
        let payers = Self.positions(payerList.count) { payerList[$0].id }
        let children = Self.positions(childList.count) { childList[$0].id }
        // What pricing asks of each child, by place: read once, since each question to a child in the list (its primary
        // payer, its class, who pays it) copied the whole child out of it.
        let billing = childList.map { BilledChild(primaryPayerId: $0.primaryPayerId, membership: $0.membership, payers: $0.billedPayers) }
        var units: [Unit] = []
        units.reserveCapacity(data.enrollments.count)
        let facts = try known ?? self.facts(period, services: services)
        let enrollments = Dictionary(grouping: data.enrollments, by: \.serviceId)
        for service in data.services.sorted(by: { $0.id < $1.id }) where services?.contains(service.id) ?? true {
            for enrollment in Self.sortedByID(enrollments[service.id] ?? []) {
                guard let childIndex = children[enrollment.beneficiaryId], let payerID = billing[childIndex].primaryPayerId else { continue }
                // The days the service runs where this child uses it: a closure of one site closes only its children.
                let place = ServiceAtSite(service: service.id, site: enrollment.siteId)
                let days: [LocalDate]
                if let known = month.runningDays[place] {
                    days = known
                } else {
                    days = billableDays(service, period, at: enrollment.siteId)
                    month.runningDays[place] = days
                }
                let enrolledDays = days.filter { enrollment.isActive(on: $0) }
                // The register books a meal only on the days the child is in its class (`ClassMembership`).
                units += try self.units(service: service, enrollment: enrollment, payer: payerID, days: enrolledDays,
                                        allDays: days, membership: billing[childIndex].membership, month: &month, facts: facts)
            }
        }
        for (payer, rides) in month.notEnrolled.sorted(by: { $0.key < $1.key }) where payerIDs?.contains(payer) ?? true {
            units += rides.filter { services?.contains($0.service.id) ?? true }
        }
        // Who pays each child, and what percent (the primary payer alone, or the payers with a share).
        let billedPayers = children.mapValues { billing[$0].payers }
        // Sibling rank per payer, service and month: the eldest charged child first.
        var charged: [Pair: Set<String>] = [:]
        for unit in units { charged[Pair(unit.payerId, unit.service.id), default: []].insert(unit.beneficiaryId) }
        var ranks: [Pair: [String: Int]] = [:]
        for (group, list) in charged {
            // Each child's birth date looked up once, not at every comparison.
            let ordered = list.map { (birth: children[$0].map { childList[$0].birthDate } ?? LocalDate(dayNumber: 0), id: $0) }
                .sorted { ($0.birth, $0.id) < ($1.birth, $1.id) }
            ranks[group] = Dictionary(uniqueKeysWithValues: ordered.enumerated().map { ($0.element.id, $0.offset + 1) })
        }
        var charges: [Charge] = []
        charges.reserveCapacity(units.count + units.count / 8)
        for unit in units {
            guard let tariff = TariffEngine.tariff(for: unit.enrollment, on: unit.priceDate, among: data.tariffs) else {
                let place = unit.order.map { Place(phase: Phase.pricesOfRidesNotEnrolled, service: "", enrollment: "", index: $0) }
                    ?? month.trail.place(Phase.prices, unit.service.id, unit.enrollment.id)
                month.trail.note(place, "\(unit.beneficiaryId) \(unit.service.id): nessuna tariffa in vigore il \(unit.priceDate.italian)")
                continue
            }
            let rank = ranks[Pair(unit.payerId, unit.service.id)]?[unit.beneficiaryId] ?? 1
            // A day attended is priced only by a tariff with a daily part (the same for every ISEE).
            if case .daily = unit.part, tariff.dailyPrice == nil {
                month.trail.note(month.trail.place(Phase.prices, unit.service.id, unit.enrollment.id),
                                 "\(unit.beneficiaryId) \(unit.service.id): la tariffa \(tariff.id) in vigore il \(unit.priceDate.italian) non ha quota giornaliera")
                continue
            }
            // Each payer who pays for the child (the primary payer alone, or each with a share) is priced with their own
            // ISEE and residence; the sibling rank and the exemption are the child's.
            let sharing = billedPayers[unit.beneficiaryId] ?? []
            let prices = (sharing.isEmpty ? [(payerId: unit.payerId, percent: 100)] : sharing).map { part in
                // The payer's residence and ISEE read in place: the payer is not copied out of the list for each unit.
                let payer = payers[part.payerId]
                let quote = TariffEngine.quote(tariff: tariff, resident: payer.map { payerList[$0].resident } ?? true,
                                               isee: payer.flatMap { payerList[$0].isee }, date: unit.priceDate, siblingRank: rank,
                                               exemptionPercent: unit.enrollment.exemptionPercent)
                var unitPrice = quote.amount
                var detail = quote.explanation
                switch unit.part {
                case .fee:
                    if let fraction = unit.fraction {
                        unitPrice = TariffEngine.proRata(quote.amount, fraction.days, fraction.of)
                        detail += ", \(fraction.days)/\(fraction.of) giorni del mese"
                    }
                case .daily:
                    if let daily = TariffEngine.dailyQuote(tariff: tariff, siblingRank: rank, exemptionPercent: unit.enrollment.exemptionPercent) {
                        unitPrice = daily.amount
                        detail = daily.explanation
                    }
                case .reduction(let percent, let days, let of):
                    // One rounding for the whole line: the fixed part × percent × days ÷ (100 × days of the month).
                    unitPrice = TariffEngine.fraction(of: -quote.amount, Int64(percent * days), Int64(100 * of))
                    detail = "−\(percent)% della quota di \(quote.amount.italian) (\(quote.explanation)) per \(days)/\(of) giorni"
                }
                return CostSharing.Part(payerId: part.payerId, percent: part.percent, price: unitPrice, detail: detail)
            }
            for (part, amount) in zip(prices, CostSharing.split(prices)) {
                charges.append(Charge(
                    key: unit.key, kind: .charge, period: period, payerId: part.payerId, beneficiaryId: unit.beneficiaryId,
                    serviceId: unit.service.id, date: unit.date, description: "\(unit.label) (\(CostSharing.explain(part, amount: amount)))",
                    quantity: 1, unitPrice: amount, amount: amount, sourceOps: unit.sources
                ))
            }
        }
        charges += caps(charges, period: period, billedPayers: billedPayers)
        charges.sort()
        return charges
    }

    /// Each id's place in a list of `count` whose ids `id` reads by place, the first when an id comes twice. By place,
    /// not by going through the list, which copied each payer or child (every text of it retained) to read its id.
    static func positions(_ count: Int, id: (Int) -> String) -> [String: Int] {
        var result: [String: Int] = [:]
        result.reserveCapacity(count)
        for index in 0..<count {
            let key = id(index)
            if result[key] == nil { result[key] = index }
        }
        return result
    }

    /// What pricing asks of a child (`Beneficiary`'s computed properties), answered once per child.
    struct BilledChild {
        let primaryPayerId: String?
        let membership: ClassMembership?
        let payers: [(payerId: String, percent: Int)]
    }

    /// `enrollments` in id order: the group's are read in that order already, and are then only checked, not sorted
    /// again (each sort moved every enrollment of the group).
    static func sortedByID(_ enrollments: [Enrollment]) -> [Enrollment] {
        zip(enrollments, enrollments.dropFirst()).allSatisfy({ $0.id < $1.id }) ? enrollments : enrollments.sorted { $0.id < $1.id }
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
    struct Settled: Sendable {
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

    /// What the units of one enrollment are priced for. Shared by reference: a copy of a service and an enrollment in
    /// every unit was some twenty references counted at each copy of each of a city's hundred thousand units.
    final class Subject: Sendable {
        let service: Service
        let enrollment: Enrollment

        init(service: Service, enrollment: Enrollment) {
            self.service = service
            self.enrollment = enrollment
        }
    }

    /// One thing to price.
    struct Unit: Sendable {
        let key: String
        let subject: Subject
        let payerId: String
        let beneficiaryId: String
        let date: LocalDate?
        let priceDate: LocalDate
        let label: String
        let sources: [String]
        let fraction: (days: Int, of: Int)?
        /// For a ride of a child not enrolled: its rank among the month's, for the order of the notes.
        var order: Int? = nil
        /// Which part of the tariff prices it.
        var part: Part = .fee

        var service: Service { subject.service }
        var enrollment: Enrollment { subject.enrollment }
    }

    /// The part of a tariff a unit is priced by.
    enum Part: Sendable {
        /// The unit's price (a meal, a ride, the fixed monthly part), pro rata by `Unit.fraction`.
        case fee
        /// A day attended, at the tariff's daily part (quota giornaliera).
        case daily
        /// Off the fixed monthly part: `percent` % of it for `days` of `of` days (riduzione per malattia o chiusura).
        case reduction(percent: Int, days: Int, of: Int)
    }

    /// A monthly fee: the fixed part of each option the enrollment used in the month, each pro rata by the service
    /// days it was in force (a switch on the 16th splits the month in two lines, one per option), a tariff's
    /// reductions of the fixed part (long illness, the Comune's own closures) and its daily part for each day
    /// attended. Pro rata is by service days: an option's days ÷ the service days of the month at the child's site.
    private func monthlyFee(
        service: Service, enrollment: Enrollment, days: [LocalDate], allDays: [LocalDate], month: inout Month, facts: Facts,
        unit: (String, LocalDate?, LocalDate, String, [String], (Int, Int)?) -> Unit
    ) -> [Unit] {
        let period = month.period
        let child = enrollment.beneficiaryId
        let source = ["iscrizione \(enrollment.id)"]
        // The calendar days of the month by the option in force, in runs (a switch starts a new run). Without a
        // switch ever, the whole month is one run.
        var runs: [(option: String?, days: [LocalDate])] = enrollment.optionChanges.isEmpty ? [(enrollment.optionId, period.days)] : []
        for day in period.days where !enrollment.optionChanges.isEmpty {
            let option = enrollment.option(on: day)
            if let last = runs.last, last.option == option {
                runs[runs.count - 1].days.append(day)
            } else {
                runs.append((option, [day]))
            }
        }
        let year = data.schoolYears.first { $0.id == service.yearId }
        let sites = enrollment.siteId.map { [$0] } ?? service.siteIds
        // Days the Comune closed this service (or the child's site) on its own: a closure naming the service or the
        // site, on a day the service would otherwise run — not the school calendar's closures of the whole Comune.
        let place = ServiceAtSite(service: service.id, site: enrollment.siteId)
        let closedByComune: Set<LocalDate>
        if let known = month.closedByComune[place] {
            closedByComune = known
        } else {
            closedByComune = Set(period.days.filter { day in
                guard service.weekdays.contains(day.weekday), service.startDate <= day, day <= service.endDate, !ItalianHolidays.isHoliday(day),
                      let closures = year?.closures.filter({ $0.contains(day) }), !closures.isEmpty,
                      !closures.contains(where: \.isComuneWide) else { return false }
                return closures.contains { $0.closes(service: service.id, at: sites) }
            })
            month.closedByComune[place] = closedByComune
        }
        let periods = facts.absences[child] ?? []
        var result: [Unit] = []
        for (index, run) in runs.enumerated() {
            let serviceDays = Self.common(run.days, allDays)
            let enrolled = serviceDays.filter(enrollment.isActive)
            guard let priceDate = enrolled.first,
                  let tariff = TariffEngine.tariff(for: enrollment, on: priceDate, among: data.tariffs) else { continue }
            let counted = tariff.proRata ? enrolled : serviceDays
            // The first run keeps the month's key, so that a month without a switch is the line it always was.
            let key = index == 0 ? "month|\(child)|\(service.id)|\(period)" : "month|\(child)|\(service.id)|\(period)|\(run.days[0])"
            var what = "Quota di \(period.italian) — \(service.name)"
            if let option = service.option(run.option) {
                what += ", opzione «\(option.name)»"
                if runs.count > 1, let last = run.days.last {
                    what += " dal \(max(run.days[0], enrollment.startDate).italian) al \(min(last, enrollment.endDate ?? last).italian)"
                }
            }
            let fraction: (Int, Int)? = counted.count < allDays.count ? (counted.count, allDays.count) : nil
            result.append(unit(key, nil, priceDate, what, source, fraction))
            let runKey = key.dropFirst("month".count)
            if tariff.illnessReductionPercent > 0 {
                // A period of at least `illnessDays` consecutive calendar days; the service days it covers are reduced.
                let long = periods.filter { $0.to.dayNumber - $0.from.dayNumber + 1 >= tariff.illnessDays }
                let ill = enrolled.filter { day in long.contains { $0.from <= day && day <= $0.to } }
                let reasons = long.filter { p in ill.contains { p.from <= $0 && $0 <= p.to } }
                if !ill.isEmpty {
                    let why = reasons.map { "assenza dal \($0.from.italian) al \($0.to.italian): \($0.reason)" }.joined(separator: "; ")
                    var reduction = unit("illness\(runKey)", nil, priceDate,
                                         "Riduzione per malattia lunga (almeno \(tariff.illnessDays) giorni consecutivi; \(why)): \(ill.count) giorni di servizio",
                                         reasons.map(\.op), nil)
                    reduction.part = .reduction(percent: tariff.illnessReductionPercent, days: ill.count, of: allDays.count)
                    result.append(reduction)
                }
            }
            if tariff.closureReductionPercent > 0 {
                let closed = run.days.filter { closedByComune.contains($0) && enrollment.isActive(on: $0) }
                if !closed.isEmpty {
                    let reasons = Set(closed.compactMap { year?.closure(on: $0, service: service.id, at: sites)?.reason }).sorted().joined(separator: "; ")
                    let planned = allDays.count + closedByComune.count
                    var reduction = unit("closure\(runKey)", nil, priceDate,
                                         "Riduzione per chiusura decisa dal Comune (\(reasons)): \(closed.count) giorni di chiusura su \(planned) di servizio previsti",
                                         source, nil)
                    reduction.part = .reduction(percent: tariff.closureReductionPercent, days: closed.count, of: planned)
                    result.append(reduction)
                }
            }
        }
        // The daily part: each enrolled service day that has happened on which the child was there — a mark of the
        // register other than absent, or a meal of this service — priced by the tariff of that day's option.
        // Only a day with a mark or a meal can be one: the others are not looked at.
        let marks = facts.marks[child] ?? DayMap(period)
        let meals = facts.meals[Pair(child, service.id)] ?? DayMap(period)
        for day in Self.factDays(days, marks, meals) where month.settled.facts(day) {
            let mark = marks[day].flatMap { $0.status == "absent" ? nil : $0.op }
            guard let evidence = mark ?? meals[day],
                  TariffEngine.tariff(for: enrollment, on: day, among: data.tariffs)?.dailyPrice != nil else { continue }
            var attended = unit("day|\(child)|\(service.id)|\(day)", day, day, "Frequenza del \(day.italian)", [evidence], nil)
            attended.part = .daily
            result.append(attended)
        }
        return result
    }

    private func units(
        service: Service, enrollment: Enrollment, payer: String, days: [LocalDate], allDays: [LocalDate], membership: ClassMembership?, month: inout Month,
        facts: Facts
    ) throws -> [Unit] {
        let period = month.period
        let child = enrollment.beneficiaryId
        let unitKind = TariffEngine.tariff(for: enrollment, on: days.first ?? period.firstDay, among: data.tariffs)?.unit
        let subject = Subject(service: service, enrollment: enrollment)
        func unit(_ key: String, _ date: LocalDate?, _ priceDate: LocalDate, _ label: String, _ sources: [String],
                  _ fraction: (Int, Int)? = nil) -> Unit {
            Unit(key: key, subject: subject, payerId: payer, beneficiaryId: child, date: date,
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
                return try rides(service: service, enrollment: enrollment, days: days, month: &month, facts: facts, unit: unit)
            default:
                return monthlyFee(service: service, enrollment: enrollment, days: days, allDays: allDays, month: &month, facts: facts, unit: unit)
            }
        case .scan, .register, .both:
            if service.kind == .transport {
                return try rides(service: service, enrollment: enrollment, days: days, month: &month, facts: facts, unit: unit)
            }
            return try meals(service: service, enrollment: enrollment, days: days, membership: membership, month: &month, facts: facts, unit: unit)
        }
    }

    private func meals(
        service: Service, enrollment: Enrollment, days: [LocalDate], membership: ClassMembership?, month: inout Month, facts: Facts,
        unit: (String, LocalDate?, LocalDate, String, [String], (Int, Int)?) -> Unit
    ) throws -> [Unit] {
        let settled = month.settled
        let child = enrollment.beneficiaryId
        let scanned = facts.meals[Pair(child, service.id)] ?? DayMap(month.period)
        let marks = service.chargeBasis != .scan ? facts.marks[child] ?? DayMap(month.period) : DayMap(month.period)
        // Most months have no disagreement open: no subject is written to look for one.
        let mayBeOpen = !month.openMismatchesByService.isEmpty && month.openMismatchesByService.contains("\(child)|\(service.id)")
        for (day, op) in scanned.days where !(settled.facts(day) && days.contains(day)) {
            month.trail.note(month.trail.place(Phase.enrollments, service.id, enrollment.id),
                             "\(child): pasto del \(day.italian) non addebitato (\(closedReason(day, settled: settled)); op \(op))")
        }
        var result: [Unit] = []
        // Most days of most children bill nothing (no scan, no disagreement): by scan, only the days scanned can bill;
        // by both, only a day with a scan or a mark can bill or disagree — unless a disagreement of the child in this
        // service may be open, to settle. Only by the register does every day book a meal.
        let visited = service.chargeBasis == .register || mayBeOpen ? days : Self.factDays(days, scanned, marks)
        for day in visited where settled.facts(day) {
            func key() -> String { "meal|\(child)|\(service.id)|\(day)" }
            // An option with days of its own (a three-day canteen) books meals on those only; a meal scanned on another
            // day was eaten all the same, and is charged as a meal more at the option's price, saying so.
            let option = enrollment.option(on: day)
            let optionDay = service.isOptionDay(day, option: option)
            func label() -> String {
                optionDay ? "Pasto del \(day.italian)"
                    : "Pasto del \(day.italian) in più, fuori dai giorni dell'opzione «\(service.option(option)?.name ?? "")»"
            }
            let scan = scanned.isEmpty ? nil : scanned[day]
            if service.chargeBasis == .scan {
                if let op = scan { result.append(unit(key(), day, day, label(), [op], nil)) }
                continue
            }
            // Not in the class that day (started later, or left): the register books nothing.
            let register = !optionDay ? (charged: false, source: nil, why: "fuori dai giorni dell'opzione")
                : ClassMembership.isAtSchool(membership, on: day) ? Self.registerCharges(marks.isEmpty ? nil : marks[day], cutoff: service.cutoff)
                : (charged: false, source: nil, why: "non in classe")
            switch service.chargeBasis {
            case .scan:
                break
            case .register:
                if register.charged && settled.booking(day, cutoff: service.cutoff) {
                    result.append(unit(key(), day, day, label(), register.source.map { [$0] } ?? [], nil))
                }
            case .both:
                // The scan is the fact and is charged. The register disagreeing, either way, is a conflict for review;
                // once the facts agree (a late scan, a corrected mark) the next run settles it. Today's disagreements
                // wait for the day to end.
                if let op = scan { result.append(unit(key(), day, day, label(), register.source.map { [op, $0] } ?? [op], nil)) }
                guard settled.disagreement(day) else { break }
                // Without a mark of the register and without a scan there is nothing to disagree about.
                guard register.source != nil || scan != nil || mayBeOpen else { break }
                // Written only when used: most days with a scan or a mark agree, and only an open disagreement needs
                // its subject to settle it.
                func subject() -> String { "\(child)|\(service.id)|\(day)" }
                var cutoff: String { service.cutoff?.description ?? "" }
                var disagreement: [String: any Sendable]?
                if let op = scan {
                    // Marked absent yet scanned is already a conflict of the merge (absent_but_ate): not raised twice.
                    if let attendance = register.source, !register.charged, marks[day]?.status != "absent" {
                        month.trail.scannedNotBooked += 1
                        disagreement = ["service_id": service.id, "attendance_op_id": attendance, "meal_op_id": op,
                                        "note": "pasto letto in mensa ma \(register.why) all'appello delle \(cutoff): addebitato il pasto letto"]
                    }
                } else if let attendance = register.source, register.charged {
                    month.trail.mismatches += 1
                    disagreement = ["service_id": service.id, "attendance_op_id": attendance,
                                    "note": "presente all'appello delle \(cutoff) ma nessun pasto letto in mensa"]
                }
                if month.raiseConflicts {
                    if let disagreement {
                        month.trail.conflict(month.trail.place(Phase.enrollments, service.id, enrollment.id),
                                             .raise(.registerScanMismatch, subject: subject(), beneficiary: child, date: day, details: disagreement))
                    } else if mayBeOpen, month.openMismatches.contains(subject()) {
                        month.trail.conflict(month.trail.place(Phase.enrollments, service.id, enrollment.id),
                                             .settle(.registerScanMismatch, subject: subject()))
                    }
                }
            case .enrollment:
                break
            }
        }
        return result
    }

    /// A month's values by day, as a short list of the days that have one, in the order of the month: they are looked
    /// up for every child and day that has a fact, where a dictionary hashed each date, and a child has a few a month —
    /// an array of the month's days for each was allocated for a handful of values. A day of another month has no
    /// value and takes none.
    struct DayMap<Value> {
        private let year: Int
        private let month: Int
        /// By day of the month, ascending, one per day.
        private var entries: [(day: Int, value: Value)] = []

        init(_ period: BillingPeriod) {
            year = period.firstDay.year
            month = period.firstDay.month
        }

        var isEmpty: Bool { entries.isEmpty }

        subscript(day: LocalDate) -> Value? {
            get {
                guard !entries.isEmpty, day.year == year, day.month == month else { return nil }
                for entry in entries where entry.day >= day.day { return entry.day == day.day ? entry.value : nil }
                return nil
            }
            set {
                guard day.year == year, day.month == month else { return }
                let index = entries.firstIndex { $0.day >= day.day } ?? entries.count
                if index < entries.count, entries[index].day == day.day {
                    if let newValue { entries[index].value = newValue } else { entries.remove(at: index) }
                } else if let newValue {
                    entries.insert((day.day, newValue), at: index)
                }
            }
        }

        /// Whether `day` has a value.
        func contains(_ day: LocalDate) -> Bool {
            guard !entries.isEmpty, day.year == year, day.month == month else { return false }
            return entries.contains { $0.day == day.day }
        }

        /// The days that have a value, in order.
        var days: [(day: LocalDate, value: Value)] {
            entries.compactMap { entry in LocalDate(year: year, month: month, day: entry.day).map { ($0, entry.value) } }
        }
    }

    /// The days of `days` (in their order) that have a value in `first` or in `second`: the only ones a child's facts
    /// can bill.
    static func factDays<A, B>(_ days: [LocalDate], _ first: DayMap<A>, _ second: DayMap<B>) -> [LocalDate] {
        if first.isEmpty && second.isEmpty { return [] }
        return days.filter { first.contains($0) || second.contains($0) }
    }

    /// The days of `days` that are also in `other`, both in ascending order, in one pass.
    static func common(_ days: [LocalDate], _ other: [LocalDate]) -> [LocalDate] {
        var result: [LocalDate] = []
        var index = other.startIndex
        for day in days {
            while index < other.endIndex, other[index] < day { index += 1 }
            if index < other.endIndex, other[index] == day { result.append(day) }
        }
        return result
    }

    /// One child's mark of one day in the register.
    struct Mark: Sendable {
        let status: String
        let time: LocalTime?
        let op: String
    }

    /// Whether the register books the meal: the merge's one rule (`MergeRules.mealBooking`) for billing. `why`
    /// says, in Italian, why a meal is not booked.
    static func registerCharges(_ mark: Mark?, cutoff: LocalTime?) -> (charged: Bool, source: String?, why: String) {
        guard let mark else { return (true, nil, "") }
        let booking = MergeRules.mealBooking(register: AttendanceStatus(rawValue: mark.status), time: mark.time, cutoff: cutoff, for: .billing)
        return (booking.isBooked, mark.op, booking.italianReason ?? "")
    }

    /// The boardings of the child's route on the enrolled days that have happened. A ride on a day the service
    /// does not charge — a closing day, a holiday, a day to come — is listed among the facts not billed, as a meal
    /// is; one on a day outside the enrollment is the merge's `ride_not_enrolled` conflict (`ridesNotEnrolled`).
    private func rides(
        service: Service, enrollment: Enrollment, days: [LocalDate], month: inout Month, facts: Facts,
        unit: (String, LocalDate?, LocalDate, String, [String], (Int, Int)?) -> Unit
    ) throws -> [Unit] {
        guard let route = enrollment.routeId else { return [] }
        let settled = month.settled
        let child = enrollment.beneficiaryId
        var result: [Unit] = []
        for ride in facts.rides[Pair(child, route)] ?? [] {
            let italian = Direction(rawValue: ride.direction)?.italian ?? ride.direction
            // Most enrollments have no ride: the days are searched for those that have one, not put in a set for each.
            guard settled.facts(ride.day), days.contains(ride.day) else {
                if enrollment.isActive(on: ride.day) {
                    month.trail.note(month.trail.place(Phase.enrollments, service.id, enrollment.id),
                                     "\(child): corsa del \(ride.day.italian) (\(italian)) non addebitata "
                                         + "(\(closedReason(ride.day, settled: settled)); op \(ride.op))")
                }
                continue
            }
            result.append(unit("ride|\(child)|\(route)|\(ride.day)|\(ride.direction)", ride.day, ride.day,
                               "Corsa del \(ride.day.italian) (\(italian))", [ride.op], nil))
        }
        return result
    }

    /// Two ids together, as a dictionary key.
    struct Pair: Hashable {
        let first: String
        let second: String

        init(_ first: String, _ second: String) {
            self.first = first
            self.second = second
        }
    }

    /// The month's facts of a calculator's children — canteen meals, the register, the rides boarded — read a few
    /// hundred children per query, instead of a query per enrollment.
    struct Facts: Sendable {
        /// By child and service: the scan billed each day.
        var meals: [Pair: DayMap<String>] = [:]
        /// By child: the mark of each day.
        var marks: [String: DayMap<Mark>] = [:]
        /// By child and route: the rides boarded, by day and direction.
        var rides: [Pair: [(day: LocalDate, direction: String, op: String)]] = [:]
        /// By child: the live absence periods (not voided, not rejected) that touch the month.
        var absences: [String: [AbsencePeriod]] = [:]

        /// A periodo di assenza as billing reads it: a long illness reduces a nursery's fixed part.
        struct AbsencePeriod: Sendable {
            let from: LocalDate
            let to: LocalDate
            let reason: String
            let op: String
        }

        /// `riders`: the children whose rides are read (those enrolled on a route, among `children`). `absencePeriods`:
        /// read the periods too (only a tariff with an illness reduction needs them). The children
        /// are bound as one JSON list (`JSONStringList.inList`): the statements are prepared once for the whole run,
        /// and each row is read from the statement as it comes, without a `Row` copied first.
        init(_ db: Database, children: [String], riders: [String], period: BillingPeriod, absencePeriods: Bool = false) throws {
            let list = JSONStringList.encode(children)
            let first = period.firstDay.description, last = period.lastDay.description
            meals.reserveCapacity(children.count)
            marks.reserveCapacity(children.count)
            // `+business_date`: each child's rows are found by the primary key, not by a scan of the month's dates.
            try db.cachedStatement("""
                SELECT beneficiary_id, service_id, business_date, op_id FROM meal
                WHERE beneficiary_id IN \(JSONStringList.inList) AND +business_date BETWEEN ? AND ?
                """).forEach([list, first, last]) { row in
                if let d = LocalDate(try row[2] as String) { meals[Pair(try row[0], try row[1]), default: DayMap(period)][d] = try row[3] }
            }
            try db.cachedStatement("""
                SELECT beneficiary_id, business_date, status, time, op_id FROM attendance
                WHERE beneficiary_id IN \(JSONStringList.inList) AND business_date BETWEEN ? AND ?
                """).forEach([list, first, last]) { row in
                if let d = LocalDate(try row[1] as String) {
                    marks[try row[0] as String, default: DayMap(period)][d] = Mark(status: try row[2], time: (try row[3] as String?).flatMap { LocalTime($0) },
                                                                        op: try row[4])
                }
            }
            try db.cachedStatement("""
                SELECT beneficiary_id, route_id, business_date, direction, boarding_op_id FROM ride
                WHERE beneficiary_id IN \(JSONStringList.inList) AND boarding_op_id IS NOT NULL AND +business_date BETWEEN ? AND ?
                ORDER BY beneficiary_id, route_id, business_date, direction
                """).forEach([JSONStringList.encode(riders), first, last]) { row in
                guard let d = LocalDate(try row[2] as String) else { return }
                rides[Pair(try row[0], try row[1]), default: []].append((d, try row[3], try row[4]))
            }
            guard absencePeriods else { return }
            try db.cachedStatement("""
                SELECT beneficiary_id, absence_date, absence_to, COALESCE(json_extract(body, '$.reason'), ''), id FROM op
                WHERE beneficiary_id IN \(JSONStringList.inList) AND type = 'absence_period_recorded' AND merge_status != 'rejected'
                    AND absence_date <= ? AND absence_to >= ?
                    AND NOT EXISTS (SELECT 1 FROM op v WHERE v.target_op_id = op.id AND v.type = 'void' AND v.merge_status = 'applied')
                ORDER BY beneficiary_id, absence_date, id
                """).forEach([list, last, first]) { row in
                guard let from = LocalDate(try row[1] as String), let to = LocalDate(try row[2] as String? ?? "") else { return }
                absences[try row[0] as String, default: []].append(AbsencePeriod(from: from, to: to, reason: try row[3], op: try row[4]))
            }
        }
    }

    /// Rides of children who were not enrolled on the route that day (conflict `ride_not_enrolled`). The regular
    /// path above never bills them (it bills a route's rides only on the days of the child's enrollment on it); here
    /// a ride is billed only when the office resolved its conflict deciding to bill it, priced as a ride of the
    /// route's service — with the child's own enrollment in that service (another route) for the tariff and the
    /// exemption when there is one. An enrollment recorded since then that covers the day makes it an ordinary
    /// ride: billed above, and its conflict settled.
    private func ridesNotEnrolled(
        period: BillingPeriod, children: [String: Beneficiary], trail: inout Trail, settled: Settled
    ) throws -> [Unit] {
        func note(_ text: String) { trail.note(trail.place(Phase.ridesNotEnrolled), text) }
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
                if status == "open" {
                    trail.conflict(trail.place(Phase.ridesNotEnrolled), .settle(.rideNotEnrolled, subject: try row[1]))
                }
                continue
            }
            if status == "open" {
                note("\(what) non addebitata: non iscritto alla linea, in attesa della decisione dell'ufficio (conflitto \(conflict))")
                continue
            }
            guard decision == "bill", let boarding: String = try row[8] else { continue }
            guard let serviceID = data.routes.first(where: { $0.id == route })?.serviceId,
                  let service = data.services.first(where: { $0.id == serviceID }) else {
                note("\(what) non addebitata: la linea non è più nell'anagrafica (conflitto \(conflict))")
                continue
            }
            guard billableDays(service, period).contains(day), settled.facts(day) else {
                note("\(what) non addebitata (\(closedReason(day, settled: settled)); conflitto \(conflict))")
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
                note("\(what): il servizio \(service.id) non si paga a corsa, nulla da addebitare (conflitto \(conflict))")
                continue
            }
            guard let payer = children[child]?.primaryPayerId else {
                note("\(what) non addebitata: il bambino non ha un pagante (conflitto \(conflict))")
                continue
            }
            let italian = Direction(rawValue: direction)?.italian ?? direction
            result.append(Unit(
                key: "ride|\(child)|\(route)|\(day)|\(direction)", subject: Subject(service: service, enrollment: enrollment), payerId: payer,
                beneficiaryId: child, date: day, priceDate: day,
                label: "Corsa del \(day.italian) (\(italian)) sulla linea \(route) senza iscrizione, addebitata per decisione dell'ufficio",
                sources: [boarding], fraction: nil, order: result.count
            ))
        }
        return result
    }

    /// Monthly minimum and maximum per child and service: one line that brings the month's total within them — the
    /// child's total whoever pays it; with shares, the line is split among the payers as every line is.
    private func caps(_ charges: [Charge], period: BillingPeriod, billedPayers: [String: [(payerId: String, percent: Int)]]) -> [Charge] {
        var result: [Charge] = []
        // Each child's first enrollment of each service that touches the month, found once instead of by a scan of every
        // enrollment of the group for each child and service.
        let enrollmentList = data.enrollments, tariffs = data.tariffs
        var enrollments: [Pair: Int] = [:]
        enrollments.reserveCapacity(enrollmentList.count)
        for (index, enrollment) in enrollmentList.enumerated()
        where enrollment.startDate <= period.lastDay && (enrollment.endDate.map { $0 >= period.firstDay } ?? true) {
            let pair = Pair(enrollment.beneficiaryId, enrollment.serviceId)
            if enrollments[pair] == nil { enrollments[pair] = index }
        }
        // Each child's charges of a service, by their index in `charges` (not copied), found as the runs of the indexes
        // sorted by child and service — neither a list per child nor a text of each pair. The order they come in does
        // not matter: the caller sorts every charge.
        let keys = charges.map { Pair($0.beneficiaryId, $0.serviceId) }
        let order = keys.indices.sorted {
            keys[$0].first != keys[$1].first ? keys[$0].first < keys[$1].first : keys[$0].second < keys[$1].second
        }
        var start = order.startIndex
        while start < order.endIndex {
            let pair = keys[order[start]]
            var end = start + 1
            while end < order.endIndex, keys[order[end]] == pair { end += 1 }
            let list = order[start..<end]
            start = end
            guard let first = list.min(by: { charges[$0] < charges[$1] }).map({ charges[$0] }) else { continue }
            // The tariff of the child's enrollment (its option's), else the service's without option.
            let day = first.date ?? period.firstDay
            guard let tariff = enrollments[pair].flatMap({ TariffEngine.tariff(for: enrollmentList[$0], on: day, among: tariffs) })
                ?? tariffs.first(where: { $0.serviceId == first.serviceId && $0.optionId == nil && $0.isInForce(on: day) })
            else { continue }
            let total = list.reduce(Money.zero) { $0 + charges[$1].amount }
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
            let sharing = billedPayers[first.beneficiaryId] ?? []
            let parts = (sharing.isEmpty ? [(payerId: first.payerId, percent: 100)] : sharing).map {
                CostSharing.Part(payerId: $0.payerId, percent: $0.percent, price: delta, detail: "")
            }
            for (part, amount) in zip(parts, CostSharing.split(parts)) {
                result.append(Charge(
                    key: "cap|\(part.payerId)|\(first.beneficiaryId)|\(first.serviceId)|\(period)", kind: .cap, period: period,
                    payerId: part.payerId, beneficiaryId: first.beneficiaryId, serviceId: first.serviceId, date: nil,
                    description: parts.count > 1 ? "\(label) (\(CostSharing.explain(part, amount: amount)))" : label, quantity: 1,
                    unitPrice: amount, amount: amount, sourceOps: []
                ))
            }
        }
        return result
    }
}

/// A month's facts cross from the connection that reads them to the one that prices them (`BillingRun.Computation`).
extension ChargeCalculator.DayMap: Sendable where Value: Sendable {}
