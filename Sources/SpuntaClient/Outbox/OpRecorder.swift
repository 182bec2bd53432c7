import Foundation
import SpuntaDomain
import SpuntaProtocol
import SpuntaStore

/// Records the device's own ops (registrazioni): the next number of this database instance, an HLC stamp
/// never below one already issued, a new id — all in the caller's transaction, so that the op is on disk
/// before anyone is told it happened.
public enum OpRecorder {
    /// Appends an op to the outbox and returns it.
    public static func record(_ db: Database, device: EnrolledDevice, body: OpBody, businessDate: LocalDate, now: Date) throws -> Op {
        guard let row = try db.fetchOne("SELECT instance_id, last_seq, last_hlc FROM instance WHERE id = 1") else {
            throw ClientError.notEnrolled
        }
        let instance: String = try row[0]
        let seq: Int64 = try row[1] + 1
        let wall = Int64((now.timeIntervalSince1970 * 1000).rounded(.down))
        let last = HLCTimestamp(rawValue: try row[2]) ?? .zero
        let physical = HLCTimestamp(milliseconds: max(0, min(wall, HLCTimestamp.maxMilliseconds)), counter: 0)
        let stamp = physical > last ? physical : last.successor
        let op = Op(
            id: UUID().uuidString.lowercased(), deviceId: device.deviceId, instance: instance, seq: seq, hlc: stamp,
            wallTimeMs: wall, businessDate: businessDate, body: body
        )
        try db.run("UPDATE instance SET last_seq = ?, last_hlc = ? WHERE id = 1", [seq, stamp.rawValue])
        try insert(db, op, createdAt: now)
        return op
    }

    static func insert(_ db: Database, _ op: Op, createdAt: Date) throws {
        var service: String?, route: String?, direction: String?, status: String?, target: String?
        switch op.body {
        case .attendanceMarked(let a): status = a.status.rawValue
        case .absenceJustified(let a): status = "justified:\(a.absenceDate)"
        case .absencePeriodRecorded(let p):
            status = "period:\(p.fromDate):\(p.toDate)"
            try LocalFacts.storePeriod(db, op: op, p)
        case .mealScanned(let m), .mealRecorded(let m): service = m.serviceId
        case .boarding(let r), .alighting(let r):
            route = r.routeId
            direction = r.direction.rawValue
        case .void(let v): target = v.targetOpId
        case .rideClosed(let r):
            route = r.routeId
            direction = r.direction.rawValue
        }
        try db.run("""
            INSERT INTO outbox (seq, id, json, type, beneficiary_id, business_date, service_id, route_id, direction, status,
                target_op_id, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [op.seq, op.id, String(decoding: try WireCoding.encode(op), as: UTF8.self), op.type.rawValue,
                  op.body.beneficiaryId, op.businessDate.description, service, route, direction, status, target,
                  UTCTime.string(createdAt, fractional: false)])
    }

    /// Moves the HLC forward past a stamp seen on another device's op (bounded: a stamp far in the future is
    /// not adopted, so one wrong clock cannot drag this device's stamps along).
    static func observe(_ db: Database, remote: HLCTimestamp, now: Date) throws {
        let nowMs = Int64(now.timeIntervalSince1970 * 1000)
        guard remote.milliseconds <= nowMs + HybridLogicalClock.defaultMaxDriftMilliseconds else { return }
        try db.run("UPDATE instance SET last_hlc = MAX(last_hlc, ?) WHERE id = 1", [remote.rawValue])
    }
}
