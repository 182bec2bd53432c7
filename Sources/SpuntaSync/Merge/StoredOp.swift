import Foundation
import SpuntaDomain
import SpuntaProtocol
import SpuntaStore

/// An op as the merge reads it back from the `op` table: the fact the merge rules decide on (`fact`, whose fields
/// read through: `op.deviceId`, `op.status`…) and what only the store keeps about it.
@dynamicMemberLookup
struct StoredOp {
    let fact: OpFact
    let businessDate: LocalDate
    let beneficiaryId: String?
    /// The day a justification justifies, or the first day of an absence period.
    let absenceDate: LocalDate?
    /// The last day of an absence period.
    let absenceTo: LocalDate?
    let targetOpId: String?
    let mergeStatus: MergeStatus
    /// What the push checks noted on the op (a ride of a child not enrolled on the route).
    let scopeFlag: OpFlag?

    subscript<T>(dynamicMember field: KeyPath<OpFact, T>) -> T { fact[keyPath: field] }

    static let columns = """
        id, device_id, hlc, type, business_date, beneficiary_id, service_id, site_id, class_id, route_id, stop_id,
        direction, status, time, absence_date, target_op_id, merge_status, scope_flag, wall_time_ms, absence_to
        """
    /// `columns` qualified by a table's alias, for a query that joins the `op` table to others.
    static func columns(of alias: String) -> String {
        columns.split(separator: ",").map { "\(alias).\($0.trimmingCharacters(in: .whitespacesAndNewlines))" }.joined(separator: ", ")
    }

    /// `columns` qualified by the table's own name (built once: the merge reads ops with it for every push).
    static let opColumns = columns(of: "op")

    /// How many columns `columns` names: a query may read more after them. Counted from the list, so that a column
    /// added to it can never shift what such a query reads next.
    static let columnCount = columns.split(separator: ",").count

    /// Read from a copied row (see `init(columns:)`).
    init(row: Row) throws {
        try self.init(columns: row)
    }

    /// Read straight from the columns' stored values, a copied row or a cursor alike (the merge reads thousands of these
    /// a second; the generic column accessors cost more than the query).
    init(columns v: some ColumnReading) throws {
        func text(_ i: Int) -> String? { v.text(at: i) }
        guard v.count >= Self.columnCount, let id = text(0), let deviceId = text(1), let hlc = v.integer(at: 2),
              let typeText = text(3), let type = OpType(rawValue: typeText), let dateText = text(4), let date = LocalDate(dateText),
              let mergeStatus = text(16).flatMap(MergeStatus.init(rawValue:)), let wallTimeMs = v.integer(at: 18) else {
            throw CorruptOp(id: text(0) ?? "?")
        }
        fact = OpFact(
            id: id, deviceId: deviceId, hlc: hlc, type: type, classId: text(8), serviceId: text(6), siteId: text(7),
            routeId: text(9), stopId: text(10), direction: text(11).flatMap(Direction.init(rawValue:)),
            status: text(12).flatMap(AttendanceStatus.init(rawValue:)), time: text(13).flatMap { LocalTime($0) },
            wallTimeMs: wallTimeMs
        )
        businessDate = date
        beneficiaryId = text(5)
        absenceDate = text(14).flatMap { LocalDate($0) }
        targetOpId = text(15)
        self.mergeStatus = mergeStatus
        scopeFlag = text(17).flatMap(OpFlag.init(rawValue:))
        absenceTo = text(19).flatMap { LocalDate($0) }
    }

    /// An op just inserted with `status`, as reading its row back would give it: the same fields `MergeEngine` binds
    /// into the row's columns (a merge takes the ops it inserted as they are instead of reading them back).
    init(inserted op: Op, flag: OpFlag?, status: MergeStatus) {
        fact = OpFact(op)
        businessDate = op.businessDate
        var beneficiary: String?, absenceDate: LocalDate?, absenceTo: LocalDate?, target: String?
        switch op.body {
        case .attendanceMarked(let a): beneficiary = a.beneficiaryId
        case .absenceJustified(let a): beneficiary = a.beneficiaryId; absenceDate = a.absenceDate
        case .absencePeriodRecorded(let p): beneficiary = p.beneficiaryId; absenceDate = p.fromDate; absenceTo = p.toDate
        case .mealScanned(let m), .mealRecorded(let m): beneficiary = m.beneficiaryId
        case .boarding(let r), .alighting(let r): beneficiary = r.beneficiaryId
        case .void(let v): target = v.targetOpId
        case .rideClosed: break
        }
        beneficiaryId = beneficiary
        self.absenceDate = absenceDate
        self.absenceTo = absenceTo
        targetOpId = target
        mergeStatus = status
        scopeFlag = flag
    }

    /// Last-writer order: HLC, then device id, then op id, so that ties are decided the same way everywhere.
    static func lwwOrder(_ a: StoredOp, _ b: StoredOp) -> Bool {
        OpFact.lwwOrder(a.fact, b.fact)
    }
}

/// An op row the merge cannot read: the database was altered by hand.
struct CorruptOp: Error, CustomStringConvertible {
    let id: String
    var description: String { "op \(id) nell'archivio non leggibile: archivio danneggiato?" }
}
