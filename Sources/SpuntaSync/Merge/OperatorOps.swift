import Foundation
import SpuntaDomain
import SpuntaProtocol
import SpuntaServerStore
import SpuntaStore

/// Ops the server records for an operator (a register correction when resolving a conflict, a fact moved to the
/// day it really belongs to). They go through the same merge as devices' ops, stamped later than every op of the
/// fact, and devices learn them by the same pull.
public enum OperatorOps {
    /// The device id of operator-made ops; they never count as a device in a disagreement.
    public static let deviceID = MergeRules.operatorDeviceID

    /// Records the operator's mark for a child and day and merges it. Returns the new op's id.
    @discardableResult
    public static func markAttendance(
        _ db: Database, beneficiary: String, date: LocalDate, status: AttendanceStatus, time: LocalTime? = nil, now: Date
    ) throws -> String {
        let classID: String = try db.scalar("SELECT class_id FROM attendance WHERE beneficiary_id = ? AND business_date = ?",
                                            [beneficiary, date.description])
            ?? db.scalar("SELECT class_id FROM beneficiary WHERE id = ?", [beneficiary]) ?? ""
        let body = OpBody.attendanceMarked(AttendanceMarked(beneficiaryId: beneficiary, classId: classID, status: status, time: time))
        let op = try record(db, body: body, date: date, keys: nil, now: now)
        return op.id
    }

    /// A fact recorded on the wrong day (a device's clock was wrong), moved to `date`: the op is voided and the same
    /// fact recorded again on `date`, both as operator ops. Returns the ids of the void and of the new op.
    public static func move(_ db: Database, opID: String, to date: LocalDate, reason: String, now: Date) throws -> (void: String, moved: String) {
        guard let json: String = try db.scalar("SELECT body FROM op WHERE id = ?", [opID]) else {
            throw MoveError.unknownOp(opID)
        }
        let original = try WireCoding.decode(Op.self, from: Data(json.utf8))
        if case .void = original.body { throw MoveError.notAFact(opID) }
        // Devices pulled the original under these keys: the void and the moved fact reach the same devices.
        let keys = Set(try db.fetchAll("""
            SELECT s.scope_key FROM scope_log s JOIN op o ON o.log_seq = s.seq WHERE o.id = ?
            """, [opID]).map { try $0[0] as String }).sorted()
        let void = try record(db, body: .void(VoidOp(targetOpId: opID, reason: reason)), date: original.businessDate, keys: keys, now: now)
        let moved = try record(db, body: original.body, date: date, keys: keys, now: now)
        return (void.id, moved.id)
    }

    /// Why a fact cannot be moved.
    public enum MoveError: UserFacingError {
        case unknownOp(String)
        case notAFact(String)

        public var code: String {
            switch self {
            case .unknownOp: return "unknown_op"
            case .notAFact: return "not_a_fact"
            }
        }

        public var userMessage: String {
            switch self {
            case .unknownOp(let id): return "Registrazione \(id) inesistente nell'archivio del server."
            case .notAFact(let id): return "La registrazione \(id) è un annullamento: non ha un giorno da spostare."
            }
        }
    }

    /// Stamps an operator op later than every op of the child on that day, stores it in the change log under
    /// `keys` (or the op's own keys) and merges it.
    static func record(_ db: Database, body: OpBody, date: LocalDate, keys: [String]?, now: Date) throws -> Op {
        let maxHLC: Int64 = try db.scalar("SELECT MAX(hlc) FROM op WHERE beneficiary_id = ? AND business_date = ?",
                                          [body.beneficiaryId ?? "", date.description]) ?? 0
        let nowMs = Int64(now.timeIntervalSince1970 * 1000)
        let stamp = max(HLCTimestamp(rawValue: maxHLC)?.successor ?? .zero, HLCTimestamp(milliseconds: nowMs, counter: 0))
        let seq: Int64 = (try db.scalar("SELECT MAX(seq) FROM op WHERE device_id = ?", [deviceID]) ?? 0) + 1
        let op = Op(
            id: UUID().uuidString.lowercased(), deviceId: deviceID, instance: "server", seq: seq, hlc: stamp,
            wallTimeMs: nowMs, businessDate: date, body: body
        )
        let json = String(decoding: try WireCoding.encode(op), as: UTF8.self)
        _ = try MergeEngine.merge(db, [MergeEngine.Incoming(op: op, json: json, keys: keys ?? DeviceScope.keys(of: op).sorted())],
                                  receivedMs: nowMs, now: now)
        return op
    }
}
