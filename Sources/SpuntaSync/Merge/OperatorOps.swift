import Foundation
import SpuntaDomain
import SpuntaProtocol
import SpuntaServerStore
import SpuntaStore

/// Ops the server records for an operator (a register correction when resolving a conflict). They go through
/// the same merge as devices' ops, stamped later than every op of the fact so that they win.
public enum OperatorOps {
    /// The device id of operator-made ops; they never count as a device in a disagreement.
    public static let deviceID = "operatore"

    /// Records the operator's mark for a child and day and merges it. Returns the new op's id.
    @discardableResult
    public static func markAttendance(
        _ db: Database, beneficiary: String, date: LocalDate, status: AttendanceStatus, now: Date
    ) throws -> String {
        let classID: String = try db.scalar("SELECT class_id FROM attendance WHERE beneficiary_id = ? AND business_date = ?",
                                            [beneficiary, date.description])
            ?? db.scalar("SELECT class_id FROM beneficiary WHERE id = ?", [beneficiary]) ?? ""
        let maxHLC: Int64 = try db.scalar("SELECT MAX(hlc) FROM op WHERE beneficiary_id = ? AND business_date = ?",
                                          [beneficiary, date.description]) ?? 0
        let nowMs = Int64(now.timeIntervalSince1970 * 1000)
        let stamp = max(HLCTimestamp(rawValue: maxHLC)?.successor ?? .zero, HLCTimestamp(milliseconds: nowMs, counter: 0))
        let seq: Int64 = (try db.scalar("SELECT MAX(seq) FROM op WHERE device_id = ?", [deviceID]) ?? 0) + 1
        let op = Op(
            id: UUID().uuidString.lowercased(), deviceId: deviceID, instance: "server", seq: seq, hlc: stamp,
            wallTimeMs: nowMs, businessDate: date,
            body: .attendanceMarked(AttendanceMarked(beneficiaryId: beneficiary, classId: classID, status: status, time: nil))
        )
        let json = String(decoding: try WireCoding.encode(op), as: UTF8.self)
        _ = try MergeEngine.merge(db, [MergeEngine.Incoming(op: op, json: json, keys: DeviceScope.keys(of: op))],
                                  receivedMs: nowMs, now: now)
        return op.id
    }
}
