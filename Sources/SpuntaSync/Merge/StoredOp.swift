import SpuntaDomain
import SpuntaProtocol
import SpuntaStore

/// An op as the merge reads it back from the `op` table.
struct StoredOp {
    let id: String
    let deviceId: String
    let hlc: Int64
    let type: OpType
    let businessDate: LocalDate
    let beneficiaryId: String?
    let serviceId: String?
    let siteId: String?
    let classId: String?
    let routeId: String?
    let stopId: String?
    let direction: Direction?
    let status: AttendanceStatus?
    let time: String?
    let absenceDate: LocalDate?
    let targetOpId: String?
    let mergeStatus: String

    static let columns = """
        id, device_id, hlc, type, business_date, beneficiary_id, service_id, site_id, class_id, route_id, stop_id,
        direction, status, time, absence_date, target_op_id, merge_status
        """

    init(row: Row) throws {
        id = try row[0]
        deviceId = try row[1]
        hlc = try row[2]
        let typeText: String = try row[3]
        guard let type = OpType(rawValue: typeText), let date = LocalDate(try row[4] as String) else {
            throw CorruptOp(id: id)
        }
        self.type = type
        businessDate = date
        beneficiaryId = try row[5]
        serviceId = try row[6]
        siteId = try row[7]
        classId = try row[8]
        routeId = try row[9]
        stopId = try row[10]
        direction = (try row[11] as String?).flatMap(Direction.init(rawValue:))
        status = (try row[12] as String?).flatMap(AttendanceStatus.init(rawValue:))
        time = try row[13]
        absenceDate = (try row[14] as String?).flatMap { LocalDate($0) }
        targetOpId = try row[15]
        mergeStatus = try row[16]
    }

    /// Last-writer order: HLC, then device id, then op id, so that ties are decided the same way everywhere.
    static func lwwOrder(_ a: StoredOp, _ b: StoredOp) -> Bool {
        (a.hlc, a.deviceId, a.id) < (b.hlc, b.deviceId, b.id)
    }
}

/// An op row the merge cannot read: the database was altered by hand.
struct CorruptOp: Error, CustomStringConvertible {
    let id: String
    var description: String { "op \(id) nell'archivio non leggibile: archivio danneggiato?" }
}
