import Foundation
import SpuntaDomain
import SpuntaProtocol
import SpuntaServerStore
import SpuntaStore

/// Applies one pushed batch inside the caller's transaction: idempotent by op id, all-or-nothing per batch,
/// with a result for every op. An op refused for its content is stored and acknowledged as `rejected` so that
/// it never blocks the device's queue; a sequence that goes backwards refuses the whole batch and blocks the
/// device until it is enrolled again (restored or cloned database).
public struct PushService {
    /// Clock offset above which an op's date is double-checked against the server's idea of the date.
    public static let skewToleranceMs: Int64 = 5 * 60 * 1000

    public enum Outcome: Sendable {
        case accepted([PushResult])
        case refused(WireError)
    }

    public struct Batch: Sendable {
        public let scope: DeviceScope
        public let ops: [(op: Op, json: String)]
        /// Device clock minus server clock at this request, if the device sent its time.
        public let clockOffsetMs: Int64?

        public init(scope: DeviceScope, ops: [(op: Op, json: String)], clockOffsetMs: Int64?) {
            self.scope = scope
            self.ops = ops
            self.clockOffsetMs = clockOffsetMs
        }
    }

    public init() {}

    public func apply(_ db: Database, _ batch: Batch, receivedMs: Int64, now: Date) throws -> Outcome {
        let deviceID = batch.scope.deviceId
        guard let device = try db.fetchOne("SELECT instance, last_seq, blocked_reason FROM device WHERE id = ?", [deviceID]) else {
            return .refused(WireError(status: 401, code: WireErrorCode.unauthorized, message: "Dispositivo sconosciuto: registrarlo di nuovo."))
        }
        if let reason: String = try device[2] {
            return .refused(Self.regressed(reason))
        }
        var instance: String? = try device[0]
        var lastSeq: Int64 = try device[1]

        // First pass: which ops are new, and does the device's numbering go forward?
        let known = try MergeEngine.statuses(db, ids: batch.ops.map(\.op.id))
        var seenInBatch: Set<String> = []
        for item in batch.ops where known[item.op.id] == nil && item.op.deviceId == deviceID {
            guard seenInBatch.insert(item.op.id).inserted else { continue }
            let regressed = (instance != nil && instance != item.op.instance) || item.op.seq <= lastSeq
            if regressed {
                let reason = instance != item.op.instance && instance != nil
                    ? "instance \(item.op.instance) instead of \(instance ?? "")"
                    : "op \(item.op.id) has seq \(item.op.seq) after \(lastSeq)"
                try db.run("UPDATE device SET blocked_reason = ?, last_error = ?, last_error_at = ? WHERE id = ?",
                           [reason, "sequenza delle operazioni all'indietro: \(reason)", Timestamp.string(now), deviceID])
                try AuditLog.record(db, actor: deviceID, action: "device_blocked", subject: deviceID, details: ["reason": reason], at: now)
                return .refused(Self.regressed(reason))
            }
            instance = item.op.instance
            lastSeq = item.op.seq
        }

        // Second pass: validate and merge the new ops.
        var results: [PushResult] = []
        var accepted: [MergeEngine.Incoming] = []
        var acceptedIndex: [String: Int] = [:]
        var inBatch: Set<String> = []
        let validator = OpValidator(db: db, scope: batch.scope)
        for item in batch.ops {
            let op = item.op
            if let status = known[op.id] {
                results.append(PushResult(opId: op.id, status: .duplicate, outcome: status))
                continue
            }
            guard inBatch.insert(op.id).inserted else {
                results.append(PushResult(opId: op.id, status: .duplicate, outcome: "applied"))
                continue
            }
            let keys = try validator.keys(of: op)
            let incoming = MergeEngine.Incoming(op: op, json: item.json, keys: keys)
            if let problem = try validator.problem(with: op) {
                try MergeEngine.recordRejected(db, incoming, code: problem.code, message: problem.message, receivedMs: receivedMs)
                results.append(PushResult(opId: op.id, status: .rejected, code: problem.code, message: problem.message))
                continue
            }
            acceptedIndex[op.id] = results.count
            results.append(PushResult(opId: op.id, status: .applied))
            accepted.append(incoming)
        }
        let statuses = try MergeEngine.merge(db, accepted, receivedMs: receivedMs, now: now)
        for incoming in accepted {
            if let index = acceptedIndex[incoming.op.id] {
                results[index].outcome = statuses[incoming.op.id]
            }
            try checkClock(db, incoming.op, offset: batch.clockOffsetMs, now: now)
        }
        try db.run("""
            UPDATE device SET instance = ?, last_seq = ?, ops_received = ops_received + ?, last_push_at = ?, last_seen_at = ?,
                clock_offset_ms = COALESCE(?, clock_offset_ms)
            WHERE id = ?
            """, [instance, lastSeq, accepted.count, Timestamp.string(now), Timestamp.string(now), batch.clockOffsetMs, deviceID])
        return .accepted(results)
    }

    static func regressed(_ reason: String) -> WireError {
        WireError(
            status: 409, code: WireErrorCode.deviceSequenceRegressed,
            message: "Il dispositivo sembra ripristinato da una copia o duplicato (le sue operazioni tornano indietro). "
                + "Per non perdere né raddoppiare dati il server lo blocca: registrarlo di nuovo con un nuovo codice (spunta enroll)."
        )
    }

    /// A clock far off can put a fact on the wrong day or month: flag it for review instead of moving it silently.
    private func checkClock(_ db: Database, _ op: Op, offset: Int64?, now: Date) throws {
        guard let offset, abs(offset) > Self.skewToleranceMs else { return }
        let corrected = Date(timeIntervalSince1970: Double(op.wallTimeMs - offset) / 1000)
        let likely = BusinessCalendar.date(of: corrected)
        guard likely != op.businessDate else { return }
        try ConflictStore.raise(
            db, kind: .clockSkew, subject: op.id, beneficiary: op.body.beneficiaryId, date: op.businessDate,
            details: [
                "op_id": op.id, "device_id": op.deviceId, "recorded_date": op.businessDate.description,
                "likely_date": likely.description, "clock_offset_ms": offset,
            ], at: now
        )
    }
}
