import Foundation
import SpuntaDomain
import SpuntaServerStore
import SpuntaStore

/// Prepaid credit (credito prepagato): one position per payer, child and service — the primary payer's, or, when the
/// payers share the child's cost, one for each payer with a share, debited with that payer's part of each meal; each
/// consumption debits it once, each top-up credits it; falling under the payer's threshold queues one alert per
/// crossing. The child's credit, as the canteen door shows it, is the sum of the child's positions.
public enum PrepaidLedger {
    /// The posting of one month's prepaid charges, a group of families at a time. `lastRun` is the day (in Rome) the
    /// month was last run before, if it was: a fact of a day already over then that is debited only now reached the
    /// server after the month was billed, and its movement says so; a day of the month in progress that had not ended
    /// yet is simply billed now. A correction or a storno always follows a debit of an earlier run, so it says so too.
    struct Batch {
        let period: BillingPeriod
        let lastRun: LocalDate?
        /// Facts posted for the month that no longer have a charge (a voided meal): credited back after every
        /// group's charges, in key order.
        fileprivate var gone: [Posted] = []
        /// Positions whose balance changed.
        fileprivate(set) var touched: Set<String> = []
        /// The children with a movement of the month for a fact, posted before or by this run: only theirs are read back
        /// when a group is posted. Read at the first group (`movedChildren`), kept up to date by `post`.
        fileprivate var moved: Set<String>?

        init(period: BillingPeriod, lastRun: LocalDate?) {
            self.period = period
            self.lastRun = lastRun
        }

        /// The month was run before: a correction or a storno follows a debit posted by an earlier run.
        var rerun: Bool { lastRun != nil }

        /// A new debit is late when its day (or, for a monthly fee, its month) was over at the last run.
        func late(_ charge: Charge) -> Bool {
            guard let lastRun else { return false }
            return charge.date.map { $0 < lastRun } ?? true
        }

        var after: String { " — registrato dopo la fatturazione di \(period.italian)" }
    }

    /// What the movements of a month already hold for one fact (charge key) on one payer's position.
    fileprivate struct Posted {
        let key: String
        let amount: Int64
        let payer: String
        let beneficiary: String
        let service: String
    }

    /// Posts the prepaid charges of a group of families (`children` are all theirs): a debit for each new fact — at zero
    /// for a free meal, so that the family sees it — and a correction for a fact whose price changed; a fact of theirs
    /// that disappeared is credited back by `finish`. A fact is posted by its key and month, so a month run again, or
    /// reconciled again as an earlier month, posts nothing twice. `held` are keys of facts whose day is in doubt (a
    /// device's wrong clock): left as they are, neither debited nor corrected, until the doubt is settled.
    static func post(
        _ db: Database, _ batch: inout Batch, charges: [Charge], children: [String], held: Set<String>, report: inout BillingRun.Report,
        now: Date
    ) throws {
        let period = batch.period
        var computed: Set<String> = []
        for charge in charges { computed.insert(Self.slot(charge.payerId, charge.key)) }
        var moved = try batch.moved ?? movedChildren(db, period: period)
        // What the others' movements would answer is known: nothing. Most groups of a city have no child with one.
        let list = sqlInList(children.filter(moved.contains))
        let posted = list.arguments.isEmpty ? [:] : try self.posted(db, period: period, condition: "beneficiary_id IN \(list.sql)", list.arguments)
        for charge in charges.sorted() {
            if held.contains(charge.key) {
                report.prepaidHeld += 1
                continue
            }
            let prior = posted[Self.slot(charge.payerId, charge.key)]
            let already = prior?.amount ?? 0
            if prior != nil && already == charge.amount.cents { continue }
            let amount = -(charge.amount.cents - already)
            let isLate = prior == nil ? batch.late(charge) : batch.rerun
            try movement(db, payer: charge.payerId, beneficiary: charge.beneficiaryId, service: charge.serviceId,
                         kind: prior == nil ? "debit" : "correction", key: charge.key, period: period, date: charge.date ?? period.firstDay,
                         amount: amount,
                         description: (prior == nil ? charge.description : "Correzione: \(charge.description)") + (isLate ? batch.after : ""),
                         source: charge.sourceOps.joined(separator: ","), traceable: true, now: now)
            moved.insert(charge.beneficiaryId)
            if prior == nil { report.prepaidDebits += 1 } else { report.prepaidCorrections += 1 }
            if isLate { report.prepaidLate += 1 }
            if amount != 0 { batch.touched.insert("\(charge.payerId)|\(charge.beneficiaryId)|\(charge.serviceId)") }
        }
        for (slot, entry) in posted where !computed.contains(slot) && entry.amount != 0 && !held.contains(entry.key) {
            batch.gone.append(entry)
        }
        batch.moved = moved
    }

    /// The children with a movement of `period` for a fact: one scan of the movements for the month, instead of one per
    /// group of families.
    private static func movedChildren(_ db: Database, period: BillingPeriod) throws -> Set<String> {
        var children: Set<String> = []
        try db.forEach("SELECT DISTINCT beneficiary_id FROM prepaid_movement WHERE charge_period = ? AND charge_key IS NOT NULL",
                       [period.description]) { children.insert(try $0[0]) }
        return children
    }

    /// Ends a month's posting: credits back, in key order, every fact posted for the month that no longer has a
    /// charge — those of the groups posted, and those of children billed in no group (removed from the master data,
    /// or left without a payer). Returns the positions whose balance changed in the month.
    static func finish(_ db: Database, _ batch: Batch, report: inout BillingRun.Report, now: Date) throws -> Set<String> {
        let period = batch.period
        var touched = batch.touched
        // Asked of each movement of the month (a few), not as the list of every live child of the city.
        let elsewhere = try posted(db, period: period, condition: """
            NOT EXISTS (SELECT 1 FROM beneficiary b WHERE b.id = prepaid_movement.beneficiary_id AND b.deleted = 0
                AND EXISTS (SELECT 1 FROM beneficiary_payer p WHERE p.beneficiary_id = b.id))
            """, [])
        let gone = batch.gone + elsewhere.values.filter { $0.amount != 0 }
        for entry in gone.sorted(by: { ($0.key, $0.payer) < ($1.key, $1.payer) }) {
            try movement(db, payer: entry.payer, beneficiary: entry.beneficiary, service: entry.service, kind: "correction", key: entry.key,
                         period: period, date: period.firstDay, amount: entry.amount,
                         description: batch.rerun ? "Storno: consumo annullato dopo la fatturazione di \(period.italian)" : "Storno: consumo annullato",
                         source: "", traceable: true, now: now)
            report.prepaidCorrections += 1
            if batch.rerun { report.prepaidLate += 1 }
            touched.insert("\(entry.payer)|\(entry.beneficiary)|\(entry.service)")
        }
        return touched
    }

    /// A fact on one payer's position: the payers who share a child's cost are each debited for the same fact (key).
    private static func slot(_ payer: String, _ key: String) -> String { "\(payer)|\(key)" }

    /// What the month's movements hold per payer and fact (`slot`), for the children `condition` selects: sums per
    /// fact, not `PrepaidMovement`s.
    private static func posted(
        _ db: Database, period: BillingPeriod, condition: String, _ arguments: StatementArguments
    ) throws -> [String: Posted] {
        var posted: [String: Posted] = [:]
        for row in try db.makeStatement("""
            SELECT charge_key, -SUM(amount_cents), payer_id, MIN(beneficiary_id), MIN(service_id) FROM prepaid_movement
            WHERE charge_period = ? AND charge_key IS NOT NULL AND \(condition) GROUP BY payer_id, charge_key
            """).fetchAll([period.description] + arguments) {
            let entry = Posted(key: try row[0], amount: try row[1], payer: try row[2], beneficiary: try row[3], service: try row[4])
            posted[slot(entry.payer, entry.key)] = entry
        }
        return posted
    }

    /// The low-balance check and the new credit for the devices, once per position whose balance changed, after
    /// every month's movements. Only a movement that changes a balance can trigger or re-arm a low-balance alert.
    static func settle(_ db: Database, touched: Set<String>, payers: [Payer], report: inout BillingRun.Report, now: Date) throws {
        let byID = Dictionary(payers.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var credits: Set<String> = []
        for position in touched.sorted() {
            let parts = position.split(separator: "|").map(String.init)
            guard parts.count == 3 else { continue }
            // The canteen doors learn the new credit with the debits, in this transaction.
            if credits.insert(BalanceLog.id(beneficiary: parts[1], service: parts[2])).inserted {
                try BalanceLog.record(db, beneficiary: parts[1], service: parts[2], at: now)
            }
            guard let payer = byID[parts[0]] else { continue }
            report.lowBalanceAlerts += try checkThreshold(db, payer: payer, beneficiary: parts[1], service: parts[2], now: now)
        }
    }

    /// Records a movement and updates the position's balance. The caller logs the new credit for the devices
    /// (`BalanceLog.record`) once per position it touched, in the same transaction.
    static func movement(
        _ db: Database, payer: String, beneficiary: String, service: String, kind: String, key: String?, period: BillingPeriod?,
        date: LocalDate, amount: Int64, description: String, source: String, traceable: Bool, now: Date
    ) throws {
        try PrepaidMovement(
            payerId: payer, beneficiaryId: beneficiary, serviceId: service, kind: kind, chargeKey: key, chargePeriod: period?.description,
            movementDate: date.description, amountCents: amount, description: description, source: source, traceable: traceable,
            createdAt: UTCTime.string(now, fractional: true)
        ).insert(db)
        try db.run("""
            INSERT INTO prepaid_position (payer_id, beneficiary_id, service_id, balance_cents) VALUES (?, ?, ?, ?)
            ON CONFLICT (payer_id, beneficiary_id, service_id) DO UPDATE SET balance_cents = balance_cents + excluded.balance_cents
            """, [payer, beneficiary, service, amount])
    }

    /// One alert when the balance goes under the payer's threshold; armed again once it is back above.
    /// Returns the number of messages queued.
    static func checkThreshold(_ db: Database, payer: Payer, beneficiary: String, service: String, now: Date) throws -> Int {
        guard let threshold = payer.lowBalanceThreshold,
              let row = try db.fetchOne("""
                SELECT balance_cents, below_threshold FROM prepaid_position WHERE payer_id = ? AND beneficiary_id = ? AND service_id = ?
                """, [payer.id, beneficiary, service]) else { return 0 }
        let balance: Int64 = try row[0]
        let below: Bool = try row[1]
        if balance < threshold.cents && !below {
            try db.run("UPDATE prepaid_position SET below_threshold = 1 WHERE payer_id = ? AND beneficiary_id = ? AND service_id = ?",
                       [payer.id, beneficiary, service])
            let crossing: Int = (try db.scalar("SELECT COUNT(*) FROM outbox_message WHERE dedup_key LIKE ?",
                                               ["low|\(payer.id)|\(beneficiary)|\(service)|%"]) ?? 0) + 1
            let child: String = try db.scalar("SELECT given_name FROM beneficiary WHERE id = ?", [beneficiary]) ?? beneficiary
            let serviceName: String = try db.scalar("SELECT name FROM service WHERE id = ?", [service]) ?? service
            let amount = Money(cents: balance)
            return try MessageQueue.notify(
                db, payer: payer, key: "low|\(payer.id)|\(beneficiary)|\(service)|\(crossing)", kind: "low_balance",
                subject: "Credito in esaurimento: \(serviceName)",
                body: """
                    Gentile \(payer.givenName) \(payer.surname),
                    il credito prepagato di \(child) per il servizio «\(serviceName)» è sceso a \(amount.italian), sotto la soglia di \(threshold.italian).
                    Per evitare di restare senza credito, effettui una ricarica con pagoPA.
                    Ufficio scuola
                    """,
                sms: "Credito \(serviceName) di \(child): \(amount.italian), sotto \(threshold.italian). Ricaricare con pagoPA.",
                now: now
            )
        }
        if balance >= threshold.cents && below {
            try db.run("UPDATE prepaid_position SET below_threshold = 0 WHERE payer_id = ? AND beneficiary_id = ? AND service_id = ?",
                       [payer.id, beneficiary, service])
        }
        return 0
    }

    // MARK: Top-ups and balances

    /// Records a top-up (ricarica). Cash top-ups are not traceable (they do not count in the tax statement).
    public static func topUp(
        _ db: Database, payer: String, beneficiary: String, service: String, amount: Money, date: LocalDate, method: String,
        source: String, actor: String, now: Date
    ) throws {
        guard amount.cents > 0 else { throw BillingError.invalidAmount(amount.decimalString) }
        let mode: String? = try db.scalar("SELECT billing_mode FROM service WHERE id = ? AND deleted = 0", [service])
        let linked: Int? = try db.scalar("SELECT 1 FROM beneficiary_payer WHERE payer_id = ? AND beneficiary_id = ?", [payer, beneficiary])
        guard mode == "prepaid", linked != nil else { throw BillingError.unknownPosition("\(payer) / \(beneficiary) / \(service)") }
        // The meals debit the position of each payer who pays for the child (as the charges name them): the primary
        // payer's, or with shares each sharing payer's. Credit anyone else's and the money would sit on a position
        // nothing ever debits.
        let primary: String? = try db.scalar("""
            SELECT payer_id FROM beneficiary_payer WHERE beneficiary_id = ? ORDER BY is_primary DESC, position LIMIT 1
            """, [beneficiary])
        let sharing: Int? = try db.scalar("""
            SELECT 1 FROM beneficiary_payer WHERE beneficiary_id = ? AND payer_id = ? AND share IS NOT NULL
            """, [beneficiary, payer])
        if let primary, primary != payer, sharing == nil {
            throw BillingError.notPrimaryPayer(payer: payer, beneficiary: beneficiary, primary: primary)
        }
        try movement(db, payer: payer, beneficiary: beneficiary, service: service, kind: "topup", key: nil, period: nil, date: date,
                     amount: amount.cents, description: "Ricarica (\(method))", source: source, traceable: method != "cash", now: now)
        try BalanceLog.record(db, beneficiary: beneficiary, service: service, at: now)
        if let payerRecord = try MasterDataStore.load(db).payers.first(where: { $0.id == payer }) {
            _ = try checkThreshold(db, payer: payerRecord, beneficiary: beneficiary, service: service, now: now)
        }
        try AuditLog.record(db, actor: actor, action: "topup", subject: "\(payer)/\(beneficiary)/\(service)", details: [
            "amount_cents": amount.cents, "method": method, "date": date.description, "source": source,
        ], at: now)
    }

    /// A prepaid position as shown by `billing balances`.
    public struct Balance: Encodable, Sendable {
        public let payerId: String
        public let payerName: String
        public let beneficiaryId: String
        public let beneficiaryName: String
        public let serviceId: String
        public let balanceCents: Int64
        public let thresholdCents: Int64?
        public let belowThreshold: Bool

        enum CodingKeys: String, CodingKey {
            case payerId = "payer_id", payerName = "payer_name", beneficiaryId = "beneficiary_id", beneficiaryName = "beneficiary_name"
            case serviceId = "service_id", balanceCents = "balance_cents", thresholdCents = "threshold_cents"
            case belowThreshold = "below_threshold"
        }
    }

    public static func balances(_ db: Database, belowOnly: Bool) throws -> [Balance] {
        try db.fetchAll("""
            SELECT p.payer_id, y.surname || ' ' || y.given_name, p.beneficiary_id, b.surname || ' ' || b.given_name, p.service_id,
                   p.balance_cents, y.low_balance_threshold, p.below_threshold
            FROM prepaid_position p LEFT JOIN payer y ON y.id = p.payer_id LEFT JOIN beneficiary b ON b.id = p.beneficiary_id
            \(belowOnly ? "WHERE p.below_threshold = 1 OR p.balance_cents < 0" : "")
            ORDER BY p.payer_id, p.beneficiary_id, p.service_id
            """).map { row in
            Balance(payerId: try row[0], payerName: (try row[1] as String?) ?? "", beneficiaryId: try row[2],
                    beneficiaryName: (try row[3] as String?) ?? "", serviceId: try row[4], balanceCents: try row[5],
                    thresholdCents: try row[6], belowThreshold: try row[7])
        }
    }
}
