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
    public enum Outcome: Sendable {
        case accepted([PushResult])
        case refused(WireError)
    }

    public struct Batch: Sendable {
        public let scope: DeviceScope
        public let ops: [(op: Op, json: String)]
        /// The device's clock measured at this request, if the device sent its time.
        public let clock: ClockReading?

        public init(scope: DeviceScope, ops: [(op: Op, json: String)], clock: ClockReading?) {
            self.scope = scope
            self.ops = ops
            self.clock = clock
        }
    }

    /// The master data of a batch's children, read before the batch reaches the writer, with the version of the master
    /// data it was read at (`MasterDataVersion`).
    public struct Prepared: Sendable {
        let version: Int64
        let records: ChildRecords
    }

    public init() {}

    /// Reads the master data of the children `batch` names, outside the writer (a push handler, on a reading
    /// connection, while the writer merges other pushes). `apply` takes it only if the master data has not moved
    /// since, so that the answer is the one the writer would give reading it itself. The version is read first in
    /// `db`'s transaction: the records are then at that version or, without a transaction, later — never earlier.
    public static func prepare(_ db: Database, _ batch: Batch) throws -> Prepared {
        let version = try MasterDataVersion.current(db)
        var records = ChildRecords()
        try records.load(db, ChildRecords.children(of: batch.ops.lazy.map(\.op)))
        return Prepared(version: version, records: records)
    }

    /// Applies `batch` in `db`'s write transaction; `prepared`, if given, is taken from `prepare` (and read again here
    /// if the master data moved since).
    public func apply(_ db: Database, _ batch: Batch, prepared: Prepared? = nil, receivedMs: Int64, now: Date) throws -> Outcome {
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
        // Each op's stored status, looked up once by index (the passes below ask it of every op). The ops are reached
        // by index throughout, apart from their JSON: a field of an (op, JSON) pair read through the batch's array
        // copied the whole pair first, with the runtime's generic copy of a tuple, several times per op.
        let ops = batch.ops.map(\.op)
        let stored = try MergeEngine.statuses(db, ids: ops.indices.map { ops[$0].id })
        // Almost every push is new: its ids are hashed again only when some of them are stored.
        let known: [MergeStatus?] = stored.isEmpty ? Array(repeating: nil, count: ops.count) : ops.indices.map { stored[ops[$0].id] }
        var seenInBatch = Set<String>(minimumCapacity: ops.count)
        for index in ops.indices where known[index] == nil && ops[index].deviceId == deviceID {
            let id = ops[index].id, opInstance = ops[index].instance, seq = ops[index].seq
            guard seenInBatch.insert(id).inserted else { continue }
            let regressed = (instance != nil && instance != opInstance) || seq <= lastSeq
            if regressed {
                let reason = instance != opInstance && instance != nil
                    ? "instance \(opInstance) instead of \(instance ?? "")"
                    : "op \(id) has seq \(seq) after \(lastSeq)"
                try db.run("UPDATE device SET blocked_reason = ?, last_error = ?, last_error_at = ? WHERE id = ?",
                           [reason, "sequenza delle operazioni all'indietro: \(reason)", UTCTime.string(now, fractional: true), deviceID])
                try AuditLog.record(db, actor: deviceID, action: "device_blocked", subject: deviceID, details: ["reason": reason], at: now)
                return .refused(Self.regressed(reason))
            }
            instance = opInstance
            lastSeq = seq
        }

        // Second pass: validate and merge the new ops.
        var results: [PushResult] = []
        results.reserveCapacity(batch.ops.count)
        var accepted: [MergeEngine.Incoming] = []
        accepted.reserveCapacity(batch.ops.count)
        // The index in `results` of each accepted op, in the order of `accepted`.
        var acceptedResults: [Int] = []
        acceptedResults.reserveCapacity(batch.ops.count)
        var inBatch = Set<String>(minimumCapacity: batch.ops.count)
        let validator = OpValidator(db: db, scope: batch.scope)
        try validator.prepare(ops.indices.lazy.filter { known[$0] == nil }.map { ops[$0] }, readBeforehand: prepared)
        for index in ops.indices {
            let op = ops[index]
            if let status = known[index] {
                results.append(PushResult(opId: op.id, status: .duplicate, outcome: status.rawValue))
                continue
            }
            guard inBatch.insert(op.id).inserted else {
                results.append(PushResult(opId: op.id, status: .duplicate, outcome: MergeStatus.applied.rawValue))
                continue
            }
            let keys = try validator.keys(of: op)
            switch try validator.check(op) {
            case .rejected(let problem):
                let incoming = MergeEngine.Incoming(op: op, json: batch.ops[index].json, keys: keys)
                try MergeEngine.recordRejected(db, incoming, code: problem.code, message: problem.message, receivedMs: receivedMs)
                results.append(PushResult(opId: op.id, status: .rejected, code: problem.code, message: problem.message))
            case .accepted(let flag):
                acceptedResults.append(results.count)
                results.append(PushResult(opId: op.id, status: .applied))
                accepted.append(MergeEngine.Incoming(op: op, json: batch.ops[index].json, keys: keys, flag: flag))
            }
        }
        // Refused by the checks here; a void the merge refuses is counted by the merge.
        let refused = results.filter { $0.status == .rejected }.map(\.opId)
        let statuses = try MergeEngine.merge(db, accepted, refused: refused, receivedMs: receivedMs, now: now)
        for (incoming, index) in zip(accepted, acceptedResults) {
            let status = statuses[incoming.op.id]
            results[index].outcome = status?.rawValue
            // A void whose target came in the same batch is checked by the merge: refused there, it is refused here.
            if status == .rejected {
                results[index] = try Self.rejection(db, opID: incoming.op.id)
            }
        }
        try db.run("""
            UPDATE device SET instance = ?, last_seq = ?, ops_received = ops_received + ?, ops_rejected = ops_rejected + ?,
                last_push_at = ?, last_seen_at = ?
            WHERE id = ?
            """, [instance, lastSeq, accepted.count, refused.count, UTCTime.string(now, fractional: true), UTCTime.string(now, fractional: true), deviceID])
        // This push measures the clock after every op it carries was recorded: store it, then judge the ops.
        if let clock = batch.clock {
            try ClockHistory.record(db, device: deviceID, reading: clock, knownSeq: lastSeq)
        }
        try ClockHistory.check(db, device: deviceID, merged: accepted, now: now)
        return .accepted(results)
    }

    /// The result of an op the merge refused, as stored with it.
    private static func rejection(_ db: Database, opID: String) throws -> PushResult {
        let row = try db.fetchOne("SELECT reject_code, reject_message FROM op WHERE id = ?", [opID])
        return PushResult(opId: opID, status: .rejected, code: try row?[0] ?? "invalid_void", message: try row?[1] ?? "Operazione rifiutata.")
    }

    static func regressed(_ reason: String) -> WireError {
        WireError(
            status: 409, code: WireErrorCode.deviceSequenceRegressed,
            message: "Il dispositivo sembra ripristinato da una copia o duplicato (le sue operazioni tornano indietro). "
                + "Per non perdere né raddoppiare dati il server lo blocca: registrarlo di nuovo con un nuovo codice (spunta enroll)."
        )
    }
}
