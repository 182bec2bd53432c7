import Foundation
import SpuntaDomain
import SpuntaProtocol
import SpuntaServerStore
import SpuntaStore

/// Each device's clock over time (storico dell'orologio) and the check of the ops it records against it.
///
/// Every request with the device's time is a measurement, stored by the number of the device's last op at that
/// moment (table `device_clock`). An op with number `s` was recorded after the last measurement with a lower
/// number and before the first one with `s` or more; `ClockJudgment` decides from those two whether its date
/// can be trusted. A push is itself a measurement taken after all of its ops, so every pushed op is judged at
/// once, with both sides known.
public enum ClockHistory {
    /// Stores a measurement. `knownSeq` is the highest op number the server holds from the device: the device
    /// cannot have recorded fewer, and an app that does not send its number is placed there.
    public static func record(_ db: Database, device: String, reading: ClockReading, knownSeq: Int64) throws {
        let seq = max(reading.deviceSeq ?? knownSeq, knownSeq)
        let offset = reading.offsetMs
        // Requests of one device can arrive out of order: the first measurement is the earliest, the last the latest.
        try db.run("""
            INSERT INTO device_clock (device_id, seq, first_server_ms, first_offset_ms, last_server_ms, last_offset_ms, readings)
            VALUES (?, ?, ?, ?, ?, ?, 1)
            ON CONFLICT (device_id, seq) DO UPDATE SET
                first_offset_ms = CASE WHEN excluded.first_server_ms < first_server_ms THEN excluded.first_offset_ms ELSE first_offset_ms END,
                first_server_ms = MIN(first_server_ms, excluded.first_server_ms),
                last_offset_ms = CASE WHEN excluded.last_server_ms >= last_server_ms THEN excluded.last_offset_ms ELSE last_offset_ms END,
                last_server_ms = MAX(last_server_ms, excluded.last_server_ms),
                readings = readings + 1
            """, [device, seq, reading.serverMs, offset, reading.serverMs, offset])
        try db.run("UPDATE device SET clock_offset_ms = ? WHERE id = ?", [offset, device])
    }

    /// An entry of the history: the measurements taken while the device's last op was number `seq`.
    struct Entry {
        let seq: Int64
        let first: ClockJudgment.Measurement
        let last: ClockJudgment.Measurement
    }

    /// The measurements that bracket each of `seqs` (one device's op numbers): the latest before, the earliest after;
    /// none at all when the device has no measurement.
    static func brackets(_ db: Database, device: String, seqs: [Int64]) throws
        -> [Int64: (before: ClockJudgment.Measurement?, after: ClockJudgment.Measurement?)] {
        guard let lowest = seqs.min() else { return [:] }
        func entry(_ r: Row) throws -> Entry {
            Entry(seq: try r[0], first: .init(serverMs: try r[1], offsetMs: try r[2]), last: .init(serverMs: try r[3], offsetMs: try r[4]))
        }
        let columns = "seq, first_server_ms, first_offset_ms, last_server_ms, last_offset_ms"
        var rows = try db.fetchAll(
            "SELECT \(columns) FROM device_clock WHERE device_id = ? AND seq < ? ORDER BY seq DESC LIMIT 1", [device, lowest]
        ).map(entry)
        rows += try db.fetchAll("SELECT \(columns) FROM device_clock WHERE device_id = ? AND seq >= ? ORDER BY seq", [device, lowest]).map(entry)
        // No measurement: every op would be bracketed by nothing, which `ClockJudgment` trusts.
        guard !rows.isEmpty else { return [:] }
        var result: [Int64: (before: ClockJudgment.Measurement?, after: ClockJudgment.Measurement?)] = [:]
        for seq in seqs {
            // Rows are few (the measurements since the oldest op of the batch): a scan is enough.
            let before = rows.last { $0.seq < seq }?.last
            let after = rows.first { $0.seq >= seq }?.first
            result[seq] = (before, after)
        }
        return result
    }

    /// Judges the device's ops just merged, and opens a `clock_skew` conflict for each whose date is doubtful.
    /// Not judged: voids (their date means nothing), justifications (the day that counts is the absence's, typed by
    /// the teacher, not read from the clock) and ops already voided. The ops are reached by index, and one is copied
    /// only if its date is doubtful: a push judges hundreds, and copying each with its strings cost more than judging it.
    static func check(_ db: Database, device: String, merged ops: [MergeEngine.Incoming], now: Date) throws {
        let judged = ops.indices.filter { index in
            switch ops[index].op.type {
            case .void, .absenceJustified: return false
            default: return ops[index].op.deviceId == device
            }
        }
        guard !judged.isEmpty else { return }
        let brackets = try self.brackets(db, device: device, seqs: judged.map { ops[$0].op.seq })
        // A device that never sent its time has no measurement: nothing to judge its ops by.
        guard !brackets.isEmpty else { return }
        for index in judged {
            guard let bracket = brackets[ops[index].op.seq] else { continue }
            let verdict = ClockJudgment.judge(wallMs: ops[index].op.wallTimeMs, businessDate: ops[index].op.businessDate,
                                              before: bracket.before, after: bracket.after)
            guard case .doubtful(let doubt) = verdict else { continue }
            let op = ops[index].op
            let status = (try db.scalar("SELECT merge_status FROM op WHERE id = ?", [op.id]) as String?).flatMap(MergeStatus.init(rawValue:))
            guard let status, status != .voided, status != .rejected else { continue }
            var details: [String: any Sendable] = [
                "op_id": op.id, "device_id": op.deviceId, "op_type": op.type.rawValue, "recorded_date": op.businessDate.description,
                "likely_date": doubt.likelyDate.description, "likely_time": UTCTime.string(milliseconds: doubt.likelyMs, fractional: true),
                "recorded_time": UTCTime.string(milliseconds: op.wallTimeMs, fractional: true), "clock_offset_ms": doubt.assumedOffsetMs,
                "certain": doubt.certain,
            ]
            if let from = doubt.windowFromMs { details["recorded_after"] = UTCTime.string(milliseconds: from, fractional: true) }
            if let to = doubt.windowToMs { details["recorded_before"] = UTCTime.string(milliseconds: to, fractional: true) }
            try ConflictStore.raise(
                db, kind: .clockSkew, subject: op.id, beneficiary: op.body.beneficiaryId, date: op.businessDate, details: details, at: now
            )
        }
    }
}
