import SpuntaStore

/// Conflitto: one row of the `conflict` table, as every reader and writer of it sees it — the store that raises
/// it, the office's list and its resolution. `kind` stays the stored text (a kind this build does not know is
/// still listed); `details` is the JSON object the merge wrote, its keys sorted.
public struct ConflictRecord: TableRecord, Equatable, Sendable {
    public var id: Int64
    public var kind: String
    /// What the conflict is about, unique with its kind: raising the same fact again finds it.
    public var subject: String
    public var beneficiaryId: String?
    public var businessDate: String?
    public var details: String
    /// `open` or `resolved`.
    public var status: String
    public var openedAt: String
    public var resolvedAt: String?
    public var resolvedBy: String?
    public var resolution: String?
    /// For a conflict with a billing consequence, what the office decided: `bill` or `no_bill`.
    public var decision: String?

    public init(
        id: Int64 = 0, kind: String, subject: String, beneficiaryId: String?, businessDate: String?, details: String, status: String,
        openedAt: String, resolvedAt: String? = nil, resolvedBy: String? = nil, resolution: String? = nil, decision: String? = nil
    ) {
        self.id = id
        self.kind = kind
        self.subject = subject
        self.beneficiaryId = beneficiaryId
        self.businessDate = businessDate
        self.details = details
        self.status = status
        self.openedAt = openedAt
        self.resolvedAt = resolvedAt
        self.resolvedBy = resolvedBy
        self.resolution = resolution
        self.decision = decision
    }

    public static let table = "conflict"
    public static let sql = TableRecordSQL(table: table, columnNames: [
        "id", "kind", "subject", "beneficiary_id", "business_date", "details", "status", "opened_at", "resolved_at", "resolved_by",
        "resolution", "decision",
    ])

    public init(row: Row, from first: Int) throws {
        self.init(
            id: try row[first], kind: try row[first + 1], subject: try row[first + 2], beneficiaryId: try row[first + 3],
            businessDate: try row[first + 4], details: try row[first + 5], status: try row[first + 6], openedAt: try row[first + 7],
            resolvedAt: try row[first + 8], resolvedBy: try row[first + 9], resolution: try row[first + 10], decision: try row[first + 11]
        )
    }

    public var values: StatementArguments {
        [kind, subject, beneficiaryId, businessDate, details, status, openedAt, resolvedAt, resolvedBy, resolution, decision]
    }

    public var isOpen: Bool { status == "open" }

    /// The conflict of this kind about this subject, open or resolved.
    public static func find(_ db: Database, kind: String, subject: String) throws -> ConflictRecord? {
        try db.fetchOne("SELECT \(columns) FROM conflict WHERE kind = ? AND subject = ?", [kind, subject]).map { try ConflictRecord(row: $0) }
    }

    /// Opens again, with its new details, the conflict of this kind about this subject: whatever was decided on the
    /// old facts no longer holds.
    static func reopen(_ db: Database, kind: String, subject: String, details: String) throws {
        try db.run("""
            UPDATE conflict SET details = ?, status = 'open', resolved_at = NULL, resolved_by = NULL, resolution = NULL, decision = NULL
            WHERE kind = ? AND subject = ?
            """, [details, kind, subject])
    }

    /// Closes the conflict with the operator's resolution. False when there is no such row any more (a correction
    /// settled it meanwhile, and the merge forgot it).
    public static func markResolved(
        _ db: Database, id: Int64, at resolvedAt: String, by actor: String, resolution: String, decision: String?
    ) throws -> Bool {
        try db.run("UPDATE conflict SET status = 'resolved', resolved_at = ?, resolved_by = ?, resolution = ?, decision = ? WHERE id = ?",
                   [resolvedAt, actor, resolution, decision, id])
        return db.changesCount > 0
    }
}
