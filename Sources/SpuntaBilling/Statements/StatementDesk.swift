import Foundation
import SpuntaDomain
import SpuntaServerStore
import SpuntaStore

/// What the operator does with statements (rendiconti): read, adjust a draft, issue with its pagoPA notice.
public enum StatementDesk {
    /// A statement with its lines, as shown and exported.
    public struct Statement: Encodable, Sendable, Equatable {
        public let id: Int64
        public let payerId: String
        public let payerName: String
        public let payerFiscalCode: String
        public let payerEmail: String?
        public let payerAddress: String?
        public let period: String
        public let status: String
        public let totalCents: Int64
        public let issuedAt: String?
        public let dueDate: String?
        public let noticeNumber: String?
        public let iuv: String?
        public let qrPayload: String?
        public let paidCents: Int64
        public let lines: [Line]

        enum CodingKeys: String, CodingKey {
            case id, payerId = "payer_id", payerName = "payer_name", payerFiscalCode = "payer_fiscal_code", payerEmail = "payer_email"
            case payerAddress = "payer_address", period, status, totalCents = "total_cents", issuedAt = "issued_at", dueDate = "due_date"
            case noticeNumber = "notice_number", iuv, qrPayload = "qr_payload", paidCents = "paid_cents", lines
        }

        /// unpaid, partial, paid (or none for a statement with nothing to pay).
        public var paymentStatus: String {
            if totalCents <= 0 { return "none" }
            if paidCents >= totalCents { return "paid" }
            return paidCents > 0 ? "partial" : "unpaid"
        }
    }

    public struct Line: Encodable, Sendable, Equatable {
        public let position: Int
        public let kind: String
        public let chargeKey: String?
        public let beneficiaryId: String?
        public let beneficiaryName: String?
        public let serviceId: String?
        public let date: String?
        public let description: String
        public let quantity: Int
        public let unitPriceCents: Int64
        public let amountCents: Int64
        public let sourceOps: [String]
        public let reason: String?

        enum CodingKeys: String, CodingKey {
            case position, kind, chargeKey = "charge_key", beneficiaryId = "beneficiary_id", beneficiaryName = "beneficiary_name"
            case serviceId = "service_id", date, description, quantity, unitPriceCents = "unit_price_cents", amountCents = "amount_cents"
            case sourceOps = "source_ops", reason
        }
    }

    // MARK: Reading

    /// The statements that match, each read whole by `statement(db, id:)` (with its payer and lines): this query only
    /// picks their ids.
    public static func statements(_ db: Database, period: BillingPeriod?, payer: String?, status: String?) throws -> [Statement] {
        var sql = "SELECT id FROM statement WHERE 1 = 1"
        var args: StatementArguments = []
        if let period { sql += " AND period = ?"; args.append(period.description) }
        if let payer { sql += " AND payer_id = ?"; args.append(payer) }
        if let status { sql += " AND status = ?"; args.append(status) }
        return try db.fetchAll(sql + " ORDER BY period, payer_id", args).map { try statement(db, id: try $0[0]) }
    }

    public static func statement(_ db: Database, id: Int64) throws -> Statement {
        guard let row = try db.fetchOne("""
            SELECT \(StatementHeader.columns(of: "s")), y.surname || ' ' || y.given_name, y.fiscal_code, y.email, y.address
            FROM statement s LEFT JOIN payer y ON y.id = s.payer_id WHERE s.id = ?
            """, [id]) else { throw BillingError.statementNotFound(String(id)) }
        let lines = try db.fetchAll("""
            SELECT l.position, l.kind, l.charge_key, l.beneficiary_id, b.surname || ' ' || b.given_name, l.service_id, l.charge_date,
                   l.description, l.quantity, l.unit_price_cents, l.amount_cents, l.source_ops, l.reason
            FROM statement_line l LEFT JOIN beneficiary b ON b.id = l.beneficiary_id WHERE l.statement_id = ? ORDER BY l.position
            """, [id]).map { l in
            let json: String = try l[11]
            return Line(
                position: try l[0], kind: try l[1], chargeKey: try l[2], beneficiaryId: try l[3], beneficiaryName: try l[4],
                serviceId: try l[5], date: try l[6], description: try l[7], quantity: try l[8], unitPriceCents: try l[9],
                amountCents: try l[10], sourceOps: ((try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String]) ?? [],
                reason: try l[12]
            )
        }
        let s = try StatementHeader(row: row), payer = StatementHeader.columnCount
        return Statement(
            id: s.id, payerId: s.payerId, payerName: (try row[payer] as String?) ?? "", payerFiscalCode: (try row[payer + 1] as String?) ?? "",
            payerEmail: try row[payer + 2], payerAddress: try row[payer + 3], period: s.period, status: s.status, totalCents: s.totalCents,
            issuedAt: s.issuedAt, dueDate: s.dueDate, noticeNumber: s.noticeNumber, iuv: s.iuv, qrPayload: s.qrPayload,
            paidCents: s.paidCents, lines: lines
        )
    }

    /// The statement of a payer for a period.
    public static func find(_ db: Database, payer: String, period: BillingPeriod) throws -> Int64 {
        guard let id: Int64 = try db.scalar("SELECT id FROM statement WHERE payer_id = ? AND period = ?", [payer, period.description]) else {
            throw BillingError.statementNotFound("di \(payer) per \(period)")
        }
        return id
    }

    // MARK: Adjusting

    /// The largest increase an adjustment makes without `largeAmount` when the statement's own total is smaller: a few
    /// weeks of meals, or a trip. Beyond it and beyond the total, an increase is more often a typing slip than a charge.
    public static let ordinaryIncrease = Money(cents: 5_000)

    /// Adds an operator's adjustment (rettifica) to a draft, with its reason in the line and in the audit trail;
    /// refuses on an issued statement.
    ///
    /// An adjustment changes a family's notice, so two amounts an operator rarely means are refused, naming the
    /// statement and its total, unless asked for by name: one that takes the draft below zero (`carryCredit`: the
    /// family is owed more than this month's bill; the statement is issued without a notice and its credit goes to the
    /// payer's next statement), and an increase larger than both the statement's total and `ordinaryIncrease`
    /// (`largeAmount`). Money paid twice is not an adjustment: it is a refund (`payments refunds`).
    public static func adjust(
        _ db: Database, statement id: Int64, amount: Money, reason: String, beneficiary: String?, carryCredit: Bool = false,
        largeAmount: Bool = false, actor: String, now: Date
    ) throws {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw BillingError.emptyReason }
        guard amount.cents != 0 else { throw BillingError.zeroAmount }
        guard let statement = try StatementHeader.load(db, id: id) else { throw BillingError.statementNotFound(String(id)) }
        guard statement.status == "draft" else { throw BillingError.statementFrozen(id, statement.issuedAt ?? "") }
        let total = Money(cents: statement.totalCents)
        if amount.cents < 0, (total + amount).cents < 0, !carryCredit {
            throw BillingError.adjustmentBelowZero(try adjusted(db, statement), amount: amount)
        }
        if amount.cents > 0, amount > max(total, ordinaryIncrease), !largeAmount {
            throw BillingError.adjustmentUnusual(try adjusted(db, statement), amount: amount)
        }
        let position: Int = (try db.scalar("SELECT MAX(position) FROM statement_line WHERE statement_id = ?", [id]) ?? 0) + 1
        try db.run("""
            INSERT INTO statement_line (statement_id, position, kind, charge_key, beneficiary_id, description, quantity, unit_price_cents,
                amount_cents, source_ops, reason)
            VALUES (?, ?, 'adjustment', NULL, ?, ?, 1, ?, ?, '[]', ?)
            """, [id, position, beneficiary, "Rettifica: \(reason)", amount.cents, amount.cents, reason])
        try StatementHeader.addToTotal(db, id: id, cents: amount.cents)
        try AuditLog.record(db, actor: actor, action: "billing_adjust", subject: String(id), details: [
            "amount_cents": amount.cents, "reason": reason, "beneficiary": beneficiary ?? "", "total_before_cents": total.cents,
            "carry_credit": (total + amount).cents < 0, "large_amount": amount.cents > 0 && amount > max(total, ordinaryIncrease),
        ], at: now)
    }

    /// A refused adjustment's statement as the error names it: number, payer's name, month, total.
    private static func adjusted(_ db: Database, _ statement: StatementHeader) throws -> BillingError.AdjustedStatement {
        let name: String? = try db.scalar("SELECT surname || ' ' || given_name FROM payer WHERE id = ?", [statement.payerId])
        return BillingError.AdjustedStatement(
            id: statement.id, payer: name ?? statement.payerId, period: statement.period, total: Money(cents: statement.totalCents)
        )
    }

    // MARK: Issuing

    /// Freezes the drafts of a period (or one payer's) and creates their pagoPA notices: IUV and codice avviso
    /// (aux 3, the Comune's segregation code), due date, QR payload. Returns the issued statement ids. Drafts held
    /// by a fact of doubtful day (`BillingHolds`) stay drafts; when every draft is held, nothing is issued and the
    /// error says why.
    ///
    /// A month that has not ended is issued only with `beforeMonthEnd`: its statements bill the days gone by, and
    /// the rest of the month follows as conguaglio — an operator must mean that. A due date before the issue day
    /// is refused: nobody can pay a notice in time that was late the day it was printed.
    public static func issue(
        _ db: Database, period: BillingPeriod, payer: String?, dueDate: LocalDate?, beforeMonthEnd: Bool = false, actor: String, now: Date
    ) throws -> [Int64] {
        guard try MasterDataStore.load(db).municipality != nil else { throw BillingError.noMunicipality }
        var condition = "status = 'draft' AND period = ?"
        var args: StatementArguments = [period.description]
        if let payer { condition += " AND payer_id = ?"; args.append(payer) }
        let all = try StatementHeader.fetchAll(db, where: condition, args, order: "payer_id")
        guard !all.isEmpty else { throw try nothingToIssue(db, period: period, payer: payer) }
        let today = BusinessCalendar.date(of: now)
        guard beforeMonthEnd || period.lastDay < today else { throw BillingError.monthNotEnded(period, today: today) }
        let due = dueDate ?? ItalianHolidays.firstWorkingDay(onOrAfter: today.adding(days: 30))
        guard due >= today else { throw BillingError.dueDateBeforeIssue(due: due, issued: today) }
        let holds = try BillingHolds.statements(db, period: period, payer: payer)
        let held = Set(holds.map(\.statementId))
        let drafts = all.filter { !held.contains($0.id) }
        guard !drafts.isEmpty else { throw BillingError.statementsHeld(period.description, holds.map(\.hint)) }
        // The Comune's configuration comes from the database: checked here, before anything changes.
        var issuer = try NoticeIssuer(db)
        var issued: [Int64] = []
        for draft in drafts {
            let total = draft.totalCents
            var notice: NoticeNumber?
            if total > 0 { notice = try issuer.allocate(db) }
            try StatementHeader.markIssued(
                db, id: draft.id, at: UTCTime.string(now, fractional: true), dueDate: total > 0 ? due.description : nil,
                noticeNumber: notice?.value, iuv: notice?.iuv, qrPayload: notice.map { issuer.payload($0, amount: Money(cents: total)) }
            )
            issued.append(draft.id)
        }
        try AuditLog.record(db, actor: actor, action: "billing_issue", subject: period.description, details: [
            "statements": issued.count, "payer": payer ?? "tutti", "due_date": due.description, "held": held.sorted(),
            "before_month_end": period.lastDay >= today,
        ], at: now)
        return issued
    }

    /// Why there is no draft to issue: when the period's statements (or the payer's) are all issued already, running
    /// billing run again would make none, so the error says how many went out and when instead of sending there.
    static func nothingToIssue(_ db: Database, period: BillingPeriod, payer: String?) throws -> BillingError {
        var condition = "status <> 'draft' AND period = ?"
        var args: StatementArguments = [period.description]
        if let payer { condition += " AND payer_id = ?"; args.append(payer) }
        guard let row = try db.fetchOne("SELECT COUNT(*), MAX(issued_at), MAX(id) FROM statement WHERE \(condition)", args),
              let count: Int = try row[0], count > 0, let last: String = try row[1]
        else { return BillingError.nothingToIssue(period.description) }
        let only: Int64? = count == 1 ? try row[2] : nil
        return BillingError.allIssued(period: period, payer: payer, count: count, lastIssuedAt: last, statement: only)
    }
}
