import Foundation
import SpuntaDomain
import SpuntaServerStore
import SpuntaStore

// MARK: Postpaid statements

extension BillingRun {
    /// What billing a group of payers writes to their statements (rendiconti in bozza), decided before anything is
    /// written: for each payer, in group order, whether its statement of the month is left as it is (issued), removed
    /// (nothing left to bill) or written with its total and its lines — formatted, the sources as JSON, ready to store.
    ///
    /// Deciding reads only the group's payers' own statements (`GroupStatements`, and a carry's key, which only the
    /// payer's statements hold), and billing writes those statements only when it writes this group: so the drafts
    /// can be decided on the computing connection, in the snapshot the run starts from, while the writer stores the
    /// group before (`StatementWriter`). Every line is a fact's price net of what the payer's other statements — issued
    /// or draft, of any month — already billed for the same fact (its key), so a fact is billed exactly once whichever
    /// month is run first: a late fact billed as conguaglio in November is not billed again when October's draft is
    /// created or rebuilt afterwards, and the other way round.
    struct StatementDrafts: Sendable {
        /// One payer's statement of the month.
        struct Draft: Sendable {
            let payer: String
            let action: Action
        }

        enum Action: Sendable {
            /// Issued: frozen, never touched again.
            case frozen
            /// The draft has nothing left to bill: removed with its lines.
            case remove(statement: Int64)
            /// The draft created (`statement` nil) or rebuilt, its lines replaced; `storedTotal` is the total it had.
            case write(statement: Int64?, storedTotal: Int64?, total: Int64, lines: [Line])
        }

        var drafts: [Draft] = []
        /// Conguaglio and carried credit lines among them (the report counts them).
        var conguaglioLines = 0

        init(drafts: [Draft], conguaglioLines: Int = 0) {
            self.drafts = drafts
            self.conguaglioLines = conguaglioLines
        }

        /// The drafts of the payers of `group` (in id order) for `period`, from the group's charges of the month and of
        /// the earlier months issued (`late`).
        init(_ db: Database, period: BillingPeriod, payers group: [String], charges: [Charge], late: [Charge], plan: StatementPlan) throws {
            let byPayer = Dictionary(grouping: charges, by: \.payerId)
            let lateByPayer = Dictionary(grouping: late, by: \.payerId)
            let stored = try GroupStatements(db, period: period, payers: group)
            for payer in group where byPayer[payer] != nil || lateByPayer[payer] != nil || plan.payers.contains(payer) {
                let existing = stored.existing[payer]
                if let existing, existing.issued {
                    drafts.append(Draft(payer: payer, action: .frozen))
                    continue
                }
                let statementID = existing?.id
                let elsewhere = stored.billed[payer] ?? [:]
                var lines = BillingRun.current(byPayer[payer] ?? [], billed: elsewhere)
                lines += BillingRun.conguagli(late: lateByPayer[payer] ?? [], current: byPayer[payer] ?? [], billed: elsewhere,
                                              considered: plan.considered, issuedOn: plan.issuedOn)
                lines += try BillingRun.carries(db, stored.credits[payer] ?? [], excluding: statementID)
                conguaglioLines += lines.filter { $0.kind == "conguaglio" || $0.kind == "carry" }.count
                let adjustments = statementID.flatMap { stored.adjustments[$0] } ?? []
                guard !lines.isEmpty || !adjustments.isEmpty else {
                    if let statementID { drafts.append(Draft(payer: payer, action: .remove(statement: statementID))) }
                    continue
                }
                // Most drafts have no adjustment: their lines are not copied into a new list.
                let all = adjustments.isEmpty ? lines : lines + adjustments
                drafts.append(Draft(payer: payer, action: .write(statement: statementID, storedTotal: existing?.total,
                                                                 total: all.reduce(Int64(0)) { $0 + $1.amount }, lines: all)))
            }
        }
    }

    /// What a payer's other statements billed for one fact (charge key), together.
    struct Billed {
        var total: Int64
        /// The part billed by issued (frozen) statements.
        var issued: Int64
        var period: String
        var beneficiary: String?
        var service: String?
        var date: String?
        var description: String
        /// The periods of the statements that billed it, in Italian.
        var statements: String
    }

    /// What the statements of a group of payers hold before the group is billed, read in a few queries for the whole
    /// group instead of a few per payer: each payer's statement of the month, what the payer's other statements billed
    /// for each fact, the credits left by issued statements, and the operator's adjustments of the drafts. The
    /// `statement` reads here take only the columns the run decides on (key, status, period, total) rather than a
    /// `StatementHeader`: they run for every payer of the city, and a whole header would copy its notice strings too.
    struct GroupStatements {
        /// Each payer's statement of the month (one at most: `UNIQUE (payer_id, period)`), with the total it holds.
        var existing: [String: (id: Int64, issued: Bool, total: Int64)] = [:]
        /// By payer: what its statements other than the month's billed for each fact (charge key).
        var billed: [String: [String: Billed]] = [:]
        /// By payer: issued statements of earlier months with a negative total, in period order.
        var credits: [String: [(id: Int64, period: String, total: Int64)]] = [:]
        /// By statement of the month: the operator's adjustments, in position order.
        var adjustments: [Int64: [Line]] = [:]

        /// The adjustments of the drafts bound as a JSON list of ids. Found through `statement_line_adjustment`, the index
        /// of adjustment lines alone: by the table's key, every line of every draft was read to find the few adjustments.
        static let adjustmentsQuery = """
            SELECT statement_id, \(Line.columns) FROM statement_line WHERE statement_id IN \(JSONStringList.inList) AND kind = 'adjustment'
            ORDER BY statement_id, position
            """

        init(_ db: Database, period: BillingPeriod, payers: [String]) throws {
            // The payers bound as one JSON list: the statements are prepared once for the run, not for each group.
            let list = JSONStringList.encode(payers)
            let month: StatementArguments = [list, period.description]
            for row in try db.cachedStatement("SELECT payer_id, id, status, total_cents FROM statement WHERE payer_id IN \(JSONStringList.inList) AND period = ?")
                .fetchAll(month) {
                existing[try row[0]] = (try row[1], (try row[2] as String) == "issued", try row[3])
            }
            // The payer's statement of this month is the one left out (`UNIQUE (payer_id, period)`).
            for row in try db.cachedStatement("""
                SELECT s.payer_id, l.charge_key, SUM(l.amount_cents), SUM(CASE WHEN s.status = 'issued' THEN l.amount_cents ELSE 0 END),
                       MIN(l.charge_period), MIN(l.beneficiary_id), MIN(l.service_id), MIN(l.charge_date), MIN(l.description),
                       GROUP_CONCAT(DISTINCT s.period)
                FROM statement_line l JOIN statement s ON s.id = l.statement_id
                WHERE s.payer_id IN \(JSONStringList.inList) AND l.charge_key IS NOT NULL AND l.kind IN ('charge', 'cap', 'conguaglio') AND s.period <> ?
                GROUP BY s.payer_id, l.charge_key
                """).fetchAll(month) {
                let chargePeriod: String? = try row[4]
                let periods = ((try row[9] as String?) ?? "").split(separator: ",").sorted().map { BillingPeriod($0)?.italian ?? String($0) }
                billed[try row[0], default: [:]][try row[1]] = Billed(
                    total: try row[2], issued: try row[3], period: chargePeriod ?? "", beneficiary: try row[5], service: try row[6],
                    date: try row[7], description: try row[8], statements: periods.joined(separator: ", "))
            }
            for row in try db.cachedStatement("""
                SELECT payer_id, id, period, total_cents FROM statement
                WHERE payer_id IN \(JSONStringList.inList) AND status = 'issued' AND total_cents < 0 AND period < ? ORDER BY payer_id, period
                """).fetchAll(month) {
                credits[try row[0], default: []].append((try row[1], try row[2], try row[3]))
            }
            let drafts = existing.values.filter { !$0.issued }.map(\.id)
            guard !drafts.isEmpty else { return }
            // The drafts' ids as a JSON list of numbers, bound as the payers are.
            let ids = "[" + drafts.map { "\($0)" }.joined(separator: ",") + "]"
            for row in try db.cachedStatement(Self.adjustmentsQuery).fetchAll([ids]) {
                adjustments[try row[0], default: []].append(try Line(row: row, from: 1))
            }
        }
    }

    /// What building the month's drafts reads once: the payers who have a statement to look at even without a
    /// charge, the months whose facts are recomputed, and the day each earlier month was first issued. Sets of payer
    /// ids and an aggregate, read for the whole month: not `StatementHeader`s.
    struct StatementPlan: Sendable {
        /// Payers with a statement of the month, a credit left by an issued statement, or a statement that may have
        /// billed a fact of this month or of a month recomputed that is gone since (it may need crediting back): a
        /// fact is billed in its own month's statement or a later one.
        var payers: Set<String> = []
        let considered: Set<String>
        /// The day each earlier month was first issued, in Rome: a fact dated after it happened after an early issue.
        var issuedOn: [String: LocalDate] = [:]

        /// Two passes over `statement` instead of four: the payers with a statement of the month or later — which
        /// includes the month's own — from the index of `(payer_id, period)`, each payer once; and the issued statements
        /// of earlier months, for both the day each month was first issued and the payers left a credit.
        init(_ db: Database, period: BillingPeriod, recomputed: Set<String>) throws {
            considered = recomputed.union([period.description])
            let first = considered.min() ?? period.description
            try db.forEach("SELECT DISTINCT payer_id FROM statement WHERE period >= ?", [first]) { payers.insert(try $0[0]) }
            try db.forEach("""
                SELECT period, MIN(issued_at), json_group_array(payer_id) FILTER (WHERE total_cents < 0) FROM statement
                WHERE status = 'issued' AND period < ? GROUP BY period
                """, [period.description]) { row in
                let month: String = try row[0]
                if let day = (try row[1] as String?).flatMap(UTCTime.date).map(BusinessCalendar.date(of:)) { issuedOn[month] = day }
                // Few: a month's credits, as a JSON list, most often empty.
                let credited: String = try row[2]
                if credited != "[]", let list = try? JSONSerialization.jsonObject(with: Data(credited.utf8)) as? [String] {
                    payers.formUnion(list)
                }
            }
        }
    }

    /// The lines of this month's own facts, net of what other statements already billed for them.
    fileprivate static func current(_ charges: [Charge], billed: [String: Billed]) -> [Line] {
        charges.compactMap { charge in
            let before = billed[charge.key]?.total ?? 0
            if before == 0 { return Line(charge: charge) }
            guard charge.amount.cents != before else { return nil }
            let why = "già addebitati \(Money(cents: before).italian) nel rendiconto di \(billed[charge.key]?.statements ?? "")"
            return Line(difference: charge, billed: before, description: "\(charge.description) — \(why): differenza", reason: why)
        }
    }

    /// Lines that bring what was billed for earlier months in line with their facts as they are now, and credit
    /// back a fact of this month or a recomputed one that is gone although an issued statement billed it.
    fileprivate static func conguagli(
        late: [Charge], current: [Charge], billed: [String: Billed], considered: Set<String>, issuedOn: [String: LocalDate]
    ) -> [Line] {
        var lines: [Line] = []
        for charge in late.sorted() {
            let before = billed[charge.key]?.total ?? 0
            guard charge.amount.cents != before else { continue }
            var why = before == 0 ? "registrato dopo l'emissione di \(charge.period.italian)" : "importo ricalcolato dopo l'emissione"
            if before == 0, let date = charge.date, let issued = issuedOn[charge.period.description], date > issued {
                // The month was issued before it ended (--before-month-end): this day came after the notices.
                why = "giorno successivo all'emissione di \(charge.period.italian), avvenuta il \(issued.italian) prima della fine del mese"
            }
            lines.append(Line(difference: charge, billed: before,
                              description: "Conguaglio \(charge.period.italian): \(charge.description) — \(why)", reason: why))
        }
        // Billed facts that no longer exist (voided ops). Only what an issued statement billed needs crediting: a
        // draft drops the line itself when it is rebuilt. The credit nets everything billed so far, drafts included,
        // so that two statements never credit the same fact twice.
        // Most payers have nothing billed by another statement: nothing to credit, and no set of their keys to build.
        guard !billed.isEmpty else { return lines }
        let now = Set(late.map(\.key)).union(current.map(\.key))
        for (key, entry) in billed.sorted(by: { $0.key < $1.key })
        where !now.contains(key) && entry.total != 0 && entry.issued != 0 && considered.contains(entry.period) {
            let period = BillingPeriod(entry.period)?.italian ?? entry.period
            lines.append(Line(
                kind: "conguaglio", key: key, period: entry.period, beneficiary: entry.beneficiary, service: entry.service, date: entry.date,
                description: "Conguaglio \(period): storno di «\(entry.description)» — annullato dopo l'emissione", quantity: 1,
                unitPrice: -entry.total, amount: -entry.total, sources: [], reason: "annullato dopo l'emissione"
            ))
        }
        return lines
    }

    /// A credit left by an earlier issued statement (negative total) moves to this one, unless another statement of
    /// the payer already took it.
    fileprivate static func carries(
        _ db: Database, _ credits: [(id: Int64, period: String, total: Int64)], excluding statement: Int64?
    ) throws -> [Line] {
        var lines: [Line] = []
        for credit in credits {
            let key = "carry|\(credit.id)"
            let already: Int? = try db.scalar("""
                SELECT 1 FROM statement_line l WHERE l.charge_key = ? AND l.statement_id IS NOT ?
                """, [key, statement])
            guard already == nil else { continue }
            let from = BillingPeriod(credit.period)?.italian ?? credit.period
            lines.append(Line(kind: "carry", key: key, period: credit.period, beneficiary: nil, service: nil, date: nil,
                              description: "Credito dal rendiconto di \(from)", quantity: 1, unitPrice: credit.total, amount: credit.total,
                              sources: [], reason: nil))
        }
        return lines
    }

    /// A statement line before it is stored, every value as it is written (the sources as their JSON text).
    struct Line: Sendable {
        let kind: String
        let key: String?
        let period: String?
        let beneficiary: String?
        let service: String?
        let date: String?
        let description: String
        let quantity: Int
        let unitPrice: Int64
        let amount: Int64
        /// The ops the line comes from, as the JSON list `source_ops` holds (`JSONStringList`).
        let sourceOps: String
        let reason: String?

        init(kind: String, key: String?, period: String?, beneficiary: String?, service: String?, date: String?, description: String,
             quantity: Int, unitPrice: Int64, amount: Int64, sources: [String], reason: String?) {
            self.kind = kind
            self.key = key
            self.period = period
            self.beneficiary = beneficiary
            self.service = service
            self.date = date
            self.description = description
            self.quantity = quantity
            self.unitPrice = unitPrice
            self.amount = amount
            self.sourceOps = JSONStringList.encode(sources)
            self.reason = reason
        }

        init(charge: Charge) {
            self.init(kind: charge.kind.rawValue, key: charge.key, period: charge.period.description, beneficiary: charge.beneficiaryId,
                      service: charge.serviceId, date: charge.date?.description, description: charge.description,
                      quantity: charge.quantity, unitPrice: charge.unitPrice.cents, amount: charge.amount.cents,
                      sources: charge.sourceOps, reason: nil)
        }

        /// A conguaglio line: what `charge` costs now minus what was already billed for it.
        init(difference charge: Charge, billed: Int64, description: String, reason: String) {
            self.init(kind: "conguaglio", key: charge.key, period: charge.period.description, beneficiary: charge.beneficiaryId,
                      service: charge.serviceId, date: charge.date?.description, description: description, quantity: 1,
                      unitPrice: charge.amount.cents - billed, amount: charge.amount.cents - billed, sources: charge.sourceOps,
                      reason: reason)
        }

        /// The `statement_line` columns a line is read from and written to, in the order `init(row:from:)` reads them
        /// and `values` gives them (after the statement and the position).
        static let columns = """
            kind, charge_key, charge_period, beneficiary_id, service_id, charge_date, description, quantity, unit_price_cents, \
            amount_cents, source_ops, reason
            """

        /// How many values a stored line has: the statement, the position and `columns`.
        static let storedValues = 14

        /// Reads `columns` starting at column `first` of `row`. The sources are written again as the run has always
        /// written them (an adjustment's stored text read back and re-encoded).
        init(row: Row, from first: Int = 0) throws {
            let json: String = try row[first + 10]
            let sources = ((try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String]) ?? []
            self.init(kind: try row[first], key: try row[first + 1], period: try row[first + 2], beneficiary: try row[first + 3],
                      service: try row[first + 4], date: try row[first + 5], description: try row[first + 6], quantity: try row[first + 7],
                      unitPrice: try row[first + 8], amount: try row[first + 9], sources: sources, reason: try row[first + 11])
        }

        /// Binds the `storedValues` values of this line, as line `position` of `statement`, typed: no array of
        /// existential values for the city's lines.
        func bind(to bindings: inout StatementBindings, statement: Int64, position: Int) {
            bindings.add(statement)
            bindings.add(position)
            bindings.add(kind)
            bindings.add(key)
            bindings.add(period)
            bindings.add(beneficiary)
            bindings.add(service)
            bindings.add(date)
            bindings.add(description)
            bindings.add(quantity)
            bindings.add(unitPrice)
            bindings.add(amount)
            bindings.add(sourceOps)
            bindings.add(reason)
        }
    }
}
