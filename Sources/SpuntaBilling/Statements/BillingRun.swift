import Foundation
import SpuntaDomain
import SpuntaExchange
import SpuntaServerStore
import SpuntaStore

/// `billing run`: turns a month's facts into draft statements (postpaid) and debits (prepaid).
///
/// Re-running is safe: drafts are rebuilt (keeping the operator's adjustments), debits are posted once per
/// fact. An issued statement is never touched: facts of its month that arrive later, or disappear, become
/// conguaglio lines of the statement being built, and every line is net of what the payer's other statements
/// already billed for the same fact — so nothing is billed twice, whichever month is run first, and nothing is lost.
public enum BillingRun {
    public struct Report: Encodable, Sendable {
        public var period: String
        public var statements = 0
        public var statementsTotalCents: Int64 = 0
        public var frozenSkipped = 0
        public var conguaglioLines = 0
        public var prepaidDebits = 0
        public var prepaidCorrections = 0
        /// Prepaid movements of earlier months already run (late facts), included in the debits and corrections.
        public var prepaidLate = 0
        public var lowBalanceAlerts = 0
        public var charges = 0
        public var notBilled: [String] = []
        public var registerScanMismatches = 0
        public var scannedButNotBooked = 0
        /// Drafts of the period that `billing issue` will hold back until a clock conflict is settled.
        public var heldStatements = 0
        /// Prepaid facts of doubtful day, not debited yet.
        public var prepaidHeld = 0
        /// Children whose payers share the cost: per child and service, what each payer is charged for the month.
        public var splits: [Split] = []

        /// One child's charges of one service in the month, divided among the payers by their shares.
        public struct Split: Encodable, Sendable, Equatable {
            public let beneficiaryId: String
            public let serviceId: String
            public let payers: [Part]

            public struct Part: Encodable, Sendable, Equatable {
                public let payerId: String
                public let percent: Int
                public let amountCents: Int64

                enum CodingKeys: String, CodingKey {
                    case payerId = "payer_id", percent, amountCents = "amount_cents"
                }
            }

            enum CodingKeys: String, CodingKey {
                case beneficiaryId = "beneficiary_id", serviceId = "service_id", payers
            }

            /// "B0003 MENSA: P0001 50% € 22,00, P0003 50% € 21,99".
            public var italian: String {
                "\(beneficiaryId) \(serviceId): "
                    + payers.map { "\($0.payerId) \($0.percent)% \(Money(cents: $0.amountCents).italian)" }.joined(separator: ", ")
            }
        }

        enum CodingKeys: String, CodingKey {
            case period, statements, statementsTotalCents = "statements_total_cents", frozenSkipped = "frozen_skipped"
            case conguaglioLines = "conguaglio_lines", prepaidDebits = "prepaid_debits", prepaidCorrections = "prepaid_corrections"
            case prepaidLate = "prepaid_late", lowBalanceAlerts = "low_balance_alerts", charges, notBilled = "not_billed"
            case registerScanMismatches = "register_scan_mismatches", scannedButNotBooked = "scanned_not_booked"
            case heldStatements = "held_statements", prepaidHeld = "prepaid_held", splits
        }

        public var italian: String { hinted.description }

        /// `italian` with the command that settles held statements kept as a `CommandHint`, for the command line to
        /// write with the archive the user named.
        public var hinted: HintedText {
            var lines = ["Fatturazione di \(BillingPeriod(period)?.italian ?? period): " + Counted.italian(charges, "addebito", "addebiti") + "."]
            lines.append("Rendiconti in bozza: \(statements), totale \(Money(cents: statementsTotalCents).italian)"
                         + (conguaglioLines > 0 ? ", di cui " + Counted.italian(conguaglioLines, "riga", "righe") + " di conguaglio" : "") + ".")
            if frozenSkipped > 0 { lines.append("Rendiconti già emessi e lasciati invariati: \(frozenSkipped).") }
            lines.append("Prepagato: " + Counted.italian(prepaidDebits, "addebito", "addebiti") + ", "
                         + Counted.italian(prepaidCorrections, "correzione", "correzioni")
                         + (prepaidLate > 0 ? " (\(prepaidLate) di mesi già fatturati)" : "") + ", " + Counted.italian(lowBalanceAlerts, "avviso", "avvisi") + " di credito basso.")
            if registerScanMismatches > 0 {
                lines.append("Prenotati dal registro ma senza pasto letto in mensa: \(registerScanMismatches) (conflitti da rivedere, non addebitati).")
            }
            if scannedButNotBooked > 0 {
                lines.append("Pasti letti in mensa di bambini assenti o fuori orario per il registro: \(scannedButNotBooked) "
                             + "(conflitti da rivedere, addebitati secondo la lettura).")
            }
            var heldAt: Int?
            if heldStatements > 0 || prepaidHeld > 0 {
                heldAt = lines.count
                lines.append("In attesa di decidere il giorno di fatti registrati con l'orologio sbagliato: "
                             + Counted.italian(heldStatements, "rendiconto trattenuto", "rendiconti trattenuti") + ", "
                             + Counted.italian(prepaidHeld, "addebito prepagato sospeso", "addebiti prepagati sospesi")
                             + "; si decide con")
            }
            if !splits.isEmpty {
                lines.append("Spesa divisa tra più paganti (quote): \(splits.count) tra bambini e servizi"
                             + (splits.count > BillingRun.splitsShown ? ", i primi \(BillingRun.splitsShown) (tutti con --json):" : ":"))
                lines += splits.prefix(BillingRun.splitsShown).map { "  " + $0.italian }
            }
            if !notBilled.isEmpty { lines.append("Non addebitati: \(notBilled.count) (vedere --json).") }
            var text: HintedText = ""
            for (index, line) in lines.enumerated() {
                let hinted: HintedText = index == heldAt ? "\(line) \(CommandHint.server("conflicts"))." : "\(line)"
                text = index == 0 ? hinted : text + "\n" + hinted
            }
            return text
        }
    }

    /// How many splits the human report lists (a city has thousands; `--json` has them all).
    static let splitsShown = 20

    /// The splits of a month's charges among the payers of children who have shares (`children`: the group's).
    static func splits(_ charges: [Charge], children: [Beneficiary]) -> [Report.Split] {
        let shared = Dictionary(children.filter { $0.payers.contains { $0.share != nil } }.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        guard !shared.isEmpty else { return [] }
        var result: [Report.Split] = []
        // The charges by child and service, as their places in `charges`: the charges themselves are not copied.
        let byChild = Dictionary(grouping: charges.indices.filter { shared[charges[$0].beneficiaryId] != nil },
                                 by: { ChargeCalculator.Pair(charges[$0].beneficiaryId, charges[$0].serviceId) })
        for (key, list) in byChild.sorted(by: { ($0.key.first, $0.key.second) < ($1.key.first, $1.key.second) }) {
            guard let child = shared[key.first] else { continue }
            let parts = child.billedPayers.map { payer in
                Report.Split.Part(payerId: payer.payerId, percent: payer.percent,
                                  amountCents: list.reduce(Int64(0)) { $0 + (charges[$1].payerId == payer.payerId ? charges[$1].amount.cents : 0) })
            }
            result.append(Report.Split(beneficiaryId: key.first, serviceId: key.second, payers: parts))
        }
        return result
    }

    /// Checks a period given by an operator.
    public static func period(_ text: String, db: Database, now: Date) throws -> BillingPeriod {
        guard let period = BillingPeriod(text) else { throw BillingError.invalidPeriod(text) }
        let services = try MasterDataStore.services(db)
        guard services.contains(where: { $0.startDate.period <= period && period <= $0.endDate.period }) else {
            throw BillingError.periodWithoutServices(text)
        }
        guard period <= BusinessCalendar.date(of: now).period else { throw BillingError.futurePeriod(text) }
        return period
    }

    /// How many families (payers, with their children) are billed at a time: the month is computed and written a
    /// group at a time, so that the memory a run needs does not grow with the city.
    static let familiesPerGroup = 500

    /// Bills `period` inside the caller's transaction, on this connection alone: the caller may have written in it.
    public static func run(_ db: Database, period: BillingPeriod, actor: String, now: Date) throws -> Report {
        try run(db, period: period, actor: actor, now: now, familiesPerGroup: familiesPerGroup, pipelined: false)
    }

    /// How the command opens the connection a run writes on. The month is one transaction, and each statement in it
    /// that may fail halfway — every insert of a draft's lines (a trigger guards issued statements), every delete of a
    /// rebuilt draft's lines — keeps the original of each page it changes until it ends: in a file, that journal cost
    /// a kernel write of the page again (8% of the writer's time for a city's month); in memory it is a copy, freed when
    /// the statement ends (a statement writes 64 rows, or deletes one draft's lines, at most). The run opens no
    /// savepoint, which would keep such a journal until it is released.
    public static let writerConfiguration: DatabaseConfiguration = {
        var configuration = DatabaseConfiguration()
        configuration.temporaryStorageInMemory = true
        return configuration
    }()

    /// Bills the month `text` (checked by `period(_:db:now:)`) in a transaction of its own on `queue`, as the command
    /// does. Owning the transaction, nothing is written in it before the groups are read, so they can be computed on a
    /// second connection while this one writes (`pipelined`).
    public static func run(_ queue: DatabaseQueue, period text: String, actor: String, now: Date) throws -> Report {
        try queue.write { db in
            try run(db, period: try period(text, db: db, now: now), actor: actor, now: now, familiesPerGroup: familiesPerGroup, pipelined: true)
        }
    }

    /// `run`, with groups of `familiesPerGroup` families (whatever their size, the same statements, movements and
    /// conflicts). `pipelined`: the groups are computed on a thread of their own, through a second connection, while
    /// this one writes the group before — on two cores the month takes about the longer of the two instead of their
    /// sum. It reads only what billing never writes (master data, facts, conflicts as they were), in the snapshot of the
    /// last commit, and hands its results over in order: the same rows, the same ids — provided that the transaction of
    /// `db` has written nothing before (the second connection would not see it).
    static func run(_ db: Database, period: BillingPeriod, actor: String, now: Date, familiesPerGroup: Int,
                    pipelined: Bool) throws -> Report {
        guard try db.scalar("SELECT 1 FROM municipality") as Int? != nil else { throw BillingError.noMunicipality }
        var report = Report(period: period.description)
        let shared = try MasterDataStore.shared(db)
        // Earlier months already billed, as their facts are now: what changed since is billed in this run. Months
        // with an issued statement (postpaid conguaglio) and months already run (late prepaid facts). Conflicts of
        // those days are raised or settled too, so that a late scan settles its disagreement at the next run.
        let issued = try periods(db, "SELECT DISTINCT period FROM statement WHERE status = 'issued' AND period < ?", before: period)
        let run = try periods(db, "SELECT DISTINCT subject FROM audit_log WHERE action = 'billing_run' AND subject < ?", before: period)
        let statements = try StatementPlan(db, period: period, recomputed: Set(issued.map(\.description)))
        let work = Computation(period: period, shared: shared, issued: issued, earlier: issued.union(run).sorted(), statements: statements,
                               now: now)
        let writer = try StatementWriter(db, period: period, now: now)

        // Prepaid: a prepaid fact of doubtful day (a device's wrong clock) waits, like the statements it would be billed in.
        let doubtful = try BillingHolds.doubtfulOps(db)
        // The day each month was last run (before this run), in Rome: what it debits now of a day already over then
        // arrived late. An earlier month issued but never run counts as billed after its end.
        var lastRun: [String: LocalDate] = [:]
        for row in try db.fetchAll("SELECT subject, MAX(recorded_at) FROM audit_log WHERE action = 'billing_run' AND subject <= ? GROUP BY subject",
                                   [period.description]) {
            if let day = (try row[1] as String?).flatMap(UTCTime.date).map(BusinessCalendar.date(of:)) { lastRun[try row[0]] = day }
        }
        var batch: PrepaidLedger.Batch?
        var touched: Set<String> = []
        var months: [ChargeCalculator.Month] = []
        func write(_ computed: Computed) throws {
            switch computed {
            case .postpaid(let charges, let drafts, let splits):
                // Postpaid: each family's draft, with the conguaglio of the earlier months issued.
                report.charges += charges
                report.splits += splits
                try writer.write(drafts, report: &report)
            case .prepaidMonth(let month):
                let last = lastRun[month.description] ?? (month == period ? nil : month.lastDay.adding(days: 1))
                batch = PrepaidLedger.Batch(period: month, lastRun: last)
            case .prepaid(let children, let charges, let splits):
                guard var current = batch else { return }
                if current.period == period {
                    report.charges += charges.count
                    report.splits += splits
                }
                let held = Set(charges.filter { !doubtful.isDisjoint(with: $0.sourceOps) }.map(\.key))
                try PrepaidLedger.post(db, &current, charges: charges, children: children, held: held, report: &report,
                                       now: now)
                batch = current
            case .prepaidMonthDone:
                if let batch { touched.formUnion(try PrepaidLedger.finish(db, batch, report: &report, now: now)) }
                batch = nil
            case .months(let computed):
                months = computed
            }
        }
        if pipelined, db.path != ":memory:", !db.path.isEmpty {
            try work.pipelined(path: db.path, familiesPerGroup: familiesPerGroup, write)
        } else {
            var groups = try families(db, also: statements.payers, perGroup: familiesPerGroup).makeIterator()
            try work.compute(db, groups: { try groups.next().map { try work.load(db, $0) } }, emit: write)
        }

        let alerted = Array(Set(touched.compactMap { $0.split(separator: "|").first.map(String.init) })).sorted()
        let payers = try MasterDataStore.load(db, shared: shared, payers: alerted, beneficiaries: []).payers
        try PrepaidLedger.settle(db, touched: touched, payers: payers, report: &report, now: now)

        // The notes and the conflicts of the months, as one computation of each month would have left them.
        var notes = ChargeCalculator.Notes()
        if let first = months.first { try first.trail.finish(db, notes: &notes, raiseConflicts: true, now: now) }
        for month in months.dropFirst() { try month.trail.applyConflicts(db, now: now) }
        report.notBilled = notes.notBilled
        report.registerScanMismatches = notes.mismatches
        report.scannedButNotBooked = notes.scannedNotBooked
        report.heldStatements = Set(try BillingHolds.statements(db, period: period, payer: nil).map(\.statementId)).count
        report.splits.sort { ($0.beneficiaryId, $0.serviceId) < ($1.beneficiaryId, $1.serviceId) }
        try AuditLog.record(db, actor: actor, action: "billing_run", subject: period.description, details: [
            "charges": report.charges, "statements": report.statements, "total_cents": report.statementsTotalCents,
            "prepaid_debits": report.prepaidDebits, "conguaglio_lines": report.conguaglioLines,
        ], at: now)
        return report
    }

    /// What computing a group of families gives the writer, in the order it writes them.
    enum Computed: Sendable {
        /// How many postpaid charges a group has in the month, its payers' drafts (with the conguaglio of the earlier
        /// months issued), and the splits.
        case postpaid(charges: Int, drafts: StatementDrafts, splits: [Report.Split])
        /// The prepaid charges of the months start: this month's, in month order.
        case prepaidMonth(BillingPeriod)
        /// A group's prepaid charges of the month; `children`: all the group's.
        case prepaid(children: [String], charges: [Charge], splits: [Report.Split])
        case prepaidMonthDone
        /// The months computed, with their notes and conflicts (`ChargeCalculator.Trail`), last.
        case months([ChargeCalculator.Month])
    }

    /// The computing side of a run: reads the month's facts and master data a group of families at a time and prices
    /// them, writing nothing — so that it can run on its own thread and connection.
    struct Computation: Sendable {
        let period: BillingPeriod
        let shared: MasterDataSet
        let issued: Set<BillingPeriod>
        let earlier: [BillingPeriod]
        /// What the month's drafts are decided with.
        let statements: StatementPlan
        let now: Date

        /// Each month is computed once per service, a group of families at a time: this month first, then the earlier
        /// ones.
        var order: [BillingPeriod] { [period] + earlier }

        /// The services billed on statements (postpaid).
        var postpaid: Set<String> { Set(shared.services.filter { $0.billingMode == .postpaid }.map(\.id)) }

        /// A group of families with what it is billed from: its payers, children and enrollments, and their facts of
        /// the month for the postpaid services — read ahead, on a connection of its own when pipelined, so that the
        /// computing thread only prices them.
        struct Loaded: Sendable {
            let group: Group
            let data: MasterDataSet
            let facts: ChargeCalculator.Facts
        }

        /// Reads what `compute` prices a group with (`Loaded`), in the snapshot the run starts from.
        func load(_ db: Database, _ group: Group, postpaid: Set<String>) throws -> Loaded {
            let data = try MasterDataStore.load(db, shared: shared, payers: group.payers, beneficiaries: group.children)
            let facts = try ChargeCalculator(db, data: data, payers: Set(group.payers)).facts(period, services: postpaid)
            return Loaded(group: group, data: data, facts: facts)
        }

        /// `load(_:_:postpaid:)` with the run's postpaid services.
        func load(_ db: Database, _ group: Group) throws -> Loaded {
            try load(db, group, postpaid: postpaid)
        }

        /// Computes the groups that `next` gives, in order, until it gives nil.
        func compute(_ db: Database, groups next: () throws -> Loaded?, emit: (Computed) throws -> Void) throws {
            let postpaid = self.postpaid
            let prepaid = Set(shared.services.filter { $0.billingMode == .prepaid }.map(\.id))
            // What a month reads once (the rides of children not enrolled, the open disagreements) is read here.
            var months = try order.map { month in
                let named = try ChargeCalculator.childrenOfRidesNotEnrolled(db, period: month)
                let data = try MasterDataStore.load(db, shared: shared, payers: [], beneficiaries: named)
                return try ChargeCalculator(db, data: data, payers: nil).month(month, raiseConflicts: true, now: now)
            }
            func calculator(_ group: Group, children: [String]? = nil) throws -> ChargeCalculator {
                let data = try MasterDataStore.load(db, shared: shared, payers: group.payers, beneficiaries: children ?? group.children)
                return ChargeCalculator(db, data: data, payers: Set(group.payers))
            }
            // Kept for the prepaid pass: a few hundred lists of ids.
            var groups: [Group] = []
            while let loaded = try next() {
                let group = loaded.group
                groups.append(group)
                let calculator = ChargeCalculator(db, data: loaded.data, payers: Set(group.payers))
                let charges = try calculator.charges(in: &months[0], services: postpaid, facts: loaded.facts)
                var late: [Charge] = []
                for index in earlier.indices {
                    let month = try calculator.charges(in: &months[index + 1], services: postpaid)
                    if issued.contains(earlier[index]) { late += month }
                }
                let splits = BillingRun.splits(charges, children: calculator.data.beneficiaries)
                // Last, the group's drafts: what its payers' statements hold is read in this snapshot too (only this
                // group writes them), and the lines are made ready to store.
                let drafts = try StatementDrafts(db, period: period, payers: group.payers, charges: charges, late: late, plan: statements)
                try emit(.postpaid(charges: charges.count, drafts: drafts, splits: splits))
            }
            // Prepaid: the earlier months' changes first, then this month. Only the children with something prepaid are
            // charged again — an enrollment in a prepaid service, or a ride not enrolled of one — instead of reading every
            // child of the group and its facts a second time.
            var prepaidChildren: Set<String> = []
            // The payers of the rides not enrolled that a prepaid service bills.
            var prepaidRidePayers: Set<String> = []
            if !prepaid.isEmpty {
                let services = sqlInList(prepaid.sorted())
                try db.makeStatement("SELECT DISTINCT beneficiary_id FROM enrollment WHERE deleted = 0 AND service_id IN \(services.sql)")
                    .forEach(services.arguments) { prepaidChildren.insert(try $0[0]) }
                for month in months {
                    for rides in month.notEnrolled.values {
                        let billed = rides.filter { prepaid.contains($0.service.id) }
                        prepaidChildren.formUnion(billed.map(\.beneficiaryId))
                        prepaidRidePayers.formUnion(billed.map(\.payerId))
                    }
                }
            }
            // Every month is finished (`PrepaidLedger.finish`) even without a prepaid service: what was posted before for
            // a service that is no longer prepaid, or for a child billed in no group, is credited back.
            for (index, month) in order.enumerated().sorted(by: { $0.element < $1.element }) {
                try emit(.prepaidMonth(month))
                for group in groups where !prepaid.isEmpty {
                    let children = group.children.filter(prepaidChildren.contains)
                    // A group with nothing prepaid has no charge to compute; its movements may still need crediting back.
                    guard !children.isEmpty || !prepaidRidePayers.isDisjoint(with: group.payers) else {
                        try emit(.prepaid(children: group.children, charges: [], splits: []))
                        continue
                    }
                    let calculator = try calculator(group, children: children)
                    let charges = try calculator.charges(in: &months[index], services: prepaid)
                    try emit(.prepaid(children: group.children, charges: charges,
                                      splits: month == period ? BillingRun.splits(charges, children: calculator.data.beneficiaries) : []))
                }
                try emit(.prepaidMonthDone)
            }
            try emit(.months(months))
        }

        /// `compute` on a thread of its own with a read-only connection to `path`, handing each result to `write` on
        /// this thread in order; the families are grouped on a third thread and connection, and handed over a group at a
        /// time, so that the computation starts on the first groups instead of waiting for the whole city's grouping;
        /// and each group's master data and facts are read (`load`) on a fourth, so that the computing thread — which
        /// bounded the month, reading took some two fifths of it — only prices them and decides the drafts.
        /// Every thread has ended when this returns or throws.
        func pipelined(path: String, familiesPerGroup: Int, _ write: (Computed) throws -> Void) throws {
            // Two groups computed ahead at most: enough to keep both cores busy, and the memory of two groups.
            let handOff = HandOff<Computed>(capacity: 2)
            // The groups themselves are a few hundred lists of ids, kept whole by the computation anyway.
            let groups = HandOff<Group>(capacity: Int(Int32.max))
            // Two groups read ahead of the computation at most, as for the computed ones.
            let loadedGroups = HandOff<Loaded>(capacity: 2)
            let finished = DispatchSemaphore(value: 0)
            let work = self
            // Each thread reads in one snapshot of its own, the same for both: the writer's transaction has written nothing
            // yet and holds the write lock, so no commit comes between them.
            let grouping = Thread {
                defer { finished.signal() }
                do {
                    let reader = try Computation.reader(path: path, cacheSizeKiB: nil)
                    try reader.inTransaction(.deferred) {
                        try BillingRun.families(reader, also: work.statements.payers, perGroup: familiesPerGroup) { group in
                            guard groups.put(group) else { throw CancellationError() }
                        }
                    }
                    groups.close(nil)
                } catch {
                    groups.close(error)
                }
            }
            let loading = Thread {
                defer { finished.signal() }
                do {
                    // Each group reads its children's rows (people, enrollments, facts) scattered over those tables, some
                    // fifty megabytes for a city: with the default cache every group evicted what the next one read again
                    // from the file. Pages are cached as they are read, so a small Comune uses little of it.
                    let reader = try Computation.reader(path: path, cacheSizeKiB: 65_536)
                    let postpaid = work.postpaid
                    try reader.inTransaction(.deferred) {
                        while let group = try groups.take() {
                            guard loadedGroups.put(try work.load(reader, group, postpaid: postpaid)) else { throw CancellationError() }
                        }
                    }
                    loadedGroups.close(nil)
                } catch {
                    groups.cancel()
                    loadedGroups.close(error)
                }
            }
            let computing = Thread {
                defer { finished.signal() }
                do {
                    // What the groups read here — their payers' statements, the prepaid pass — is a few pages a group.
                    let reader = try Computation.reader(path: path, cacheSizeKiB: 16_384)
                    try reader.inTransaction(.deferred) {
                        try work.compute(reader, groups: { try loadedGroups.take() }) { computed in
                            guard handOff.put(computed) else { throw CancellationError() }
                        }
                    }
                    handOff.close(nil)
                } catch {
                    loadedGroups.cancel()
                    handOff.close(error)
                }
            }
            grouping.start()
            loading.start()
            computing.start()
            do {
                while let computed = try handOff.take() { try write(computed) }
            } catch {
                handOff.cancel()
                for _ in 0..<3 { finished.wait() }
                throw error
            }
            for _ in 0..<3 { finished.wait() }
        }

        /// A read-only connection to `path` beside the writer's.
        private static func reader(path: String, cacheSizeKiB: Int?) throws -> Database {
            var configuration = DatabaseConfiguration()
            configuration.readOnly = true
            if let cacheSizeKiB { configuration.cacheSizeKiB = cacheSizeKiB }
            return try Database(path: path, configuration: configuration)
        }
    }

    /// A group of families billed together: payers, and the children whose primary payer they are.
    struct Group: Sendable {
        var payers: [String] = []
        var children: [String] = []
    }

    /// Every payer with a child to bill (the primary payer of a live child: the first marked primary, else the first;
    /// and every payer with a share of a child's cost) or with a statement to look at (`also`), in groups of about
    /// `perGroup`. Payers who share a child's cost are always in one group, with the child: each group computes the
    /// child's charges once and writes every statement they go to. Payers come in id order, except that the payers
    /// sharing a child follow the first of them — the same order whatever the size of the groups.
    static func families(_ db: Database, also: Set<String>, perGroup: Int) throws -> [Group] {
        var groups: [Group] = []
        try families(db, also: also, perGroup: perGroup) { groups.append($0) }
        return groups
    }

    /// `families`, each group handed to `emit` as soon as it is complete, so that the computation can start on the
    /// first groups while the rest of the city is grouped. The payers are read in id order (the index of
    /// `beneficiary_payer` by payer) with the children whose primary payer they are; what decides a child's payers —
    /// its other links — is read first, but only for the children with more than one payer (a fifth of a city's), and
    /// so are the children of the payers who share one, whose group is placed where the first of them comes.
    /// Ids are compared as SQLite orders them, byte by byte, which for identifiers (ASCII: the import refuses any
    /// other) is `String`'s order. The links are read without joining each to its child: a child always exists (a
    /// foreign key), and the few removed ones are read first and left out.
    static func families(_ db: Database, also: Set<String>, perGroup: Int, emit: (Group) throws -> Void) throws {
        var removed: Set<String> = []
        try db.forEach("SELECT id FROM beneficiary WHERE deleted <> 0") { removed.insert(try $0[0]) }
        func live(_ child: String) -> Bool { removed.isEmpty || !removed.contains(child) }
        // The children with more than one payer: their primary payer, and who shares their cost with whom.
        var primaryOf: [String: String] = [:]
        var partners: [String: Set<String>] = [:]
        var child: String?
        var links: [Link] = []
        func close() {
            guard let id = child else { return }
            let payers = ordered(links)
            guard let primary = payers.first else { return }
            primaryOf[id] = primary
            for payer in payers.dropFirst() {
                partners[primary, default: []].insert(payer)
                partners[payer, default: []].insert(primary)
            }
        }
        // By child, and within a child by payer id (the table's key), which `ordered` relies on for equal positions.
        try db.forEach("""
            SELECT beneficiary_id, payer_id, share, is_primary, position FROM beneficiary_payer
            WHERE beneficiary_id IN (SELECT beneficiary_id FROM beneficiary_payer GROUP BY beneficiary_id HAVING COUNT(*) > 1)
            ORDER BY beneficiary_id, payer_id
            """) { row in
            let id: String = try row[0]
            guard live(id) else { return }
            if child != id {
                close()
                child = id
                links.removeAll(keepingCapacity: true)
            }
            links.append(Link(payer: try row[1], shares: (try row[2] as Int?) != nil, primary: try row[3], position: try row[4]))
        }
        close()
        /// The payer is billed for the live child of this link (its primary payer).
        func primary(_ payer: String, of child: String) -> Bool { primaryOf[child].map { $0 == payer } ?? true }
        let byPayer = "SELECT payer_id, beneficiary_id FROM beneficiary_payer"
        // The children of the payers who share a child: the group of linked payers is placed at the first of them.
        var partnerChildren: [String: [String]] = [:]
        if !partners.isEmpty {
            try db.forEach("\(byPayer) WHERE payer_id IN \(JSONStringList.inList) ORDER BY payer_id, beneficiary_id",
                           [JSONStringList.encode(Array(partners.keys))]) { row in
                let payer: String = try row[0]
                let id: String = try row[1]
                if live(id), primary(payer, of: id) { partnerChildren[payer, default: []].append(id) }
            }
        }

        var group = Group()
        func start() throws {
            if group.payers.count >= max(1, perGroup) {
                try emit(group)
                group = Group()
            }
        }
        // Only payers who share a child are placed by another's closure.
        var placed: Set<String> = []
        func place(_ payer: String, children: [String]) throws {
            guard let linked = partners[payer] else {
                // Most families: one payer, no child shared with another.
                try start()
                group.payers.append(payer)
                group.children += children
                return
            }
            guard placed.insert(payer).inserted else { return }
            try start()
            // The payers linked to this one through shared children, however far.
            var together = [payer]
            var index = 0
            var next = linked
            while true {
                for other in next.sorted() where placed.insert(other).inserted { together.append(other) }
                index += 1
                guard index < together.count else { break }
                next = partners[together[index]] ?? []
            }
            for member in together.sorted() {
                group.payers.append(member)
                group.children += partnerChildren[member] ?? []
            }
        }
        // The payers read from no child of theirs in the stream below — with a statement to look at, or sharing a
        // child —, placed in order among the others.
        let extra = also.union(partners.keys).sorted()
        var nextExtra = 0
        func placeExtras(before bound: String?) throws {
            while nextExtra < extra.count, bound.map({ extra[nextExtra] < $0 }) ?? true {
                try place(extra[nextExtra], children: [])
                nextExtra += 1
            }
        }
        var payer: String?
        var children: [String] = []
        var shares = false
        func finish() throws {
            guard let payer, !children.isEmpty else { return }
            try placeExtras(before: payer)
            if nextExtra < extra.count, extra[nextExtra] == payer { nextExtra += 1 }
            try place(payer, children: children)
        }
        // Every live child's payers, by payer: the payers who share a child were placed with their children above.
        try db.forEach("\(byPayer) ORDER BY payer_id, beneficiary_id") { row in
            let id: String = try row[0]
            if payer != id {
                try finish()
                payer = id
                children.removeAll(keepingCapacity: true)
                shares = partners[id] != nil
            }
            guard !shares else { return }
            let beneficiary: String = try row[1]
            if live(beneficiary), primary(id, of: beneficiary) { children.append(beneficiary) }
        }
        try finish()
        try placeExtras(before: nil)
        if !group.payers.isEmpty { try emit(group) }
    }

    /// One row of `beneficiary_payer` as `families` reads it.
    struct Link {
        let payer: String
        /// The payer has a share of the child's cost.
        let shares: Bool
        /// `is_primary`: the rows are ordered by it, highest first.
        let primary: Int
        let position: Int
    }

    /// A child's payers who are billed: the primary payer (the first marked primary, by position; else the first by
    /// position), then, in that order, those with a share. `links` come by payer id, which settles equal positions.
    static func ordered(_ links: [Link]) -> [String] {
        guard links.count > 1 else { return links.map(\.payer) }
        let sorted = links.enumerated().sorted { a, b in
            if a.element.primary != b.element.primary { return a.element.primary > b.element.primary }
            if a.element.position != b.element.position { return a.element.position < b.element.position }
            return a.offset < b.offset
        }.map(\.element)
        return [sorted[0].payer] + sorted.dropFirst().filter(\.shares).map(\.payer)
    }

    private static func periods(_ db: Database, _ sql: String, before period: BillingPeriod) throws -> Set<BillingPeriod> {
        Set(try db.fetchAll(sql, [period.description]).compactMap { BillingPeriod(try $0[0] as String) })
    }
}
