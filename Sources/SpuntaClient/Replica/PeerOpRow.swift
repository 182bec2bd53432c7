import SpuntaDomain
import SpuntaProtocol
import SpuntaStore

/// Another device's op as the replica keeps it (`peer_op`): its columns are written (by the pull) and read back as
/// the fact the merge rules decide on (by scanning, the roll call, the reports) here only.
enum PeerOpRow {
    static let columns = """
        id, device_id, type, beneficiary_id, business_date, service_id, site_id, class_id, route_id, stop_id, direction, status,
        time, target_op_id, hlc, wall_time_ms, reason
        """

    /// The values of `columns` for a pulled op, in order. A justification keeps its absence's day in `status`
    /// (`justified:2026-10-30`).
    static func values(_ op: Op) -> StatementArguments {
        var service: String?, site: String?, cls: String?, route: String?, stop: String?, direction: String?
        var status: String?, time: String?, target: String?, reason: String?
        switch op.body {
        case .attendanceMarked(let a): cls = a.classId; status = a.status.rawValue; time = a.time?.description
        case .absenceJustified(let a): cls = a.classId; status = "justified:\(a.absenceDate)"; reason = a.reason
        case .absencePeriodRecorded(let p): cls = p.classId; status = "period:\(p.fromDate):\(p.toDate)"; reason = p.reason
        case .mealScanned(let m), .mealRecorded(let m): service = m.serviceId; site = m.siteId
        case .boarding(let r), .alighting(let r): route = r.routeId; stop = r.stopId; direction = r.direction.rawValue
        case .void(let v): target = v.targetOpId
        case .rideClosed(let r): route = r.routeId; direction = r.direction.rawValue
        }
        return [op.id, op.deviceId, op.type.rawValue, op.body.beneficiaryId, op.businessDate.description, service, site, cls,
                route, stop, direction, status, time, target, op.hlc.rawValue, op.wallTimeMs, reason]
    }

    /// The child and the fact of a row selected with `columns`; nil for an op type this version does not know.
    static func fact(_ row: Row) throws -> (child: String?, fact: OpFact)? {
        guard let type = OpType(rawValue: try row[2]) else { return nil }
        let status: String? = try row[11]
        return (try row[3], OpFact(
            id: try row[0], deviceId: try row[1], hlc: try row[14], type: type, classId: try row[7], serviceId: try row[5],
            siteId: try row[6], routeId: try row[8], stopId: try row[9], direction: (try row[10] as String?).flatMap(Direction.init(rawValue:)),
            status: status.flatMap(AttendanceStatus.init(rawValue:)), time: (try row[12] as String?).flatMap { LocalTime($0) },
            wallTimeMs: try row[15]
        ))
    }
}
