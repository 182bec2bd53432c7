import Foundation
import SpuntaDomain
import SpuntaProtocol
import SpuntaServerStore
import SpuntaStore

/// Answers pulls: one page of the changes after a cursor within a device's scope, or a page of a snapshot.
public struct PullService {
    /// How many days back a snapshot carries other devices' ops (enough to refuse today's duplicates and to
    /// show the week's register).
    public static let snapshotOpsDays = 7
    public static let defaultLimit = 500
    public static let maxLimit = 5_000

    /// The snapshot's phases, in order; ops come last.
    static let phases: [ReplicaEntity] = [
        .municipality, .schoolYears, .sites, .services, .classes, .diets, .routes, .beneficiaries, .enrollments, .cards, .balances,
    ]

    /// The device as the pull needs it.
    public struct Device: Sendable {
        public let scope: DeviceScope
        public let scopeVersion: Int64
        public let snapshotScopeVersion: Int64

        public init(scope: DeviceScope, scopeVersion: Int64, snapshotScopeVersion: Int64) {
            self.scope = scope
            self.scopeVersion = scopeVersion
            self.snapshotScopeVersion = snapshotScopeVersion
        }
    }

    /// What a pull produced, with what the server records about the device.
    public struct Page: Sendable {
        public let response: PullResponse
        /// The log position the device has now fully received (for the lag shown to admins).
        public let deliveredSeq: Int64
        /// Set when this page completed a snapshot of that scope version.
        public let completedSnapshotVersion: Int64?
        /// True when the page is empty: the caller may wait for news (long poll).
        public var isEmpty: Bool { response.changes.isEmpty && response.ops.isEmpty && !response.hasMore && !response.reset }
    }

    public init() {}

    /// Reads one page in a read transaction of `db`.
    public func page(_ db: Database, device: Device, cursor: PullCursor, limit: Int, epoch: String, now: Date) throws -> Page {
        let limit = max(1, min(limit, Self.maxLimit))
        let head = try ChangeLog.head(db)
        let horizon = Int64(try db.scalar("SELECT value FROM server_meta WHERE key = 'log_horizon'") as String? ?? "0") ?? 0
        switch cursor {
        case .start:
            return try snapshot(db, device: device, head: head, version: device.scopeVersion, phase: 0, last: "",
                                limit: limit, epoch: epoch, now: now, reset: true)
        case .snapshot(let snapHead, let version, let phase, let last):
            if version != device.scopeVersion || snapHead > head || snapHead < horizon {
                return try snapshot(db, device: device, head: head, version: device.scopeVersion, phase: 0, last: "",
                                    limit: limit, epoch: epoch, now: now, reset: true)
            }
            return try snapshot(db, device: device, head: snapHead, version: version, phase: phase, last: last,
                                limit: limit, epoch: epoch, now: now, reset: false)
        case .incremental(let seq):
            if device.snapshotScopeVersion != device.scopeVersion || seq < horizon || seq > head {
                return try snapshot(db, device: device, head: head, version: device.scopeVersion, phase: 0, last: "",
                                    limit: limit, epoch: epoch, now: now, reset: true)
            }
            return try incremental(db, device: device, after: seq, head: head, limit: limit, epoch: epoch, now: now)
        }
    }

    private func incremental(
        _ db: Database, device: Device, after: Int64, head: Int64, limit: Int, epoch: String, now: Date
    ) throws -> Page {
        let keys = device.scope.subscription.sorted()
        let (list, args) = ReplicaProjector.inList(keys)
        let rows = try db.fetchAll("""
            SELECT c.seq, c.entity, c.entity_id FROM change_log c
            WHERE c.seq IN (SELECT seq FROM scope_log WHERE scope_key IN \(list) AND seq > ?)
            ORDER BY c.seq LIMIT ?
            """, args + [after, limit])
        let projector = ReplicaProjector(scope: device.scope, db: db)
        var changes: [ReplicaChange] = []
        var ops: [Op] = []
        var seen: Set<String> = []
        var last = after
        for row in rows {
            last = try row[0]
            let entity: String = try row[1]
            let id: String = try row[2]
            guard seen.insert("\(entity)|\(id)").inserted else { continue }
            if entity == "op" {
                if let op = try otherDeviceOp(db, id: id, device: device.scope.deviceId) { ops.append(op) }
            } else if let kind = ReplicaEntity(rawValue: entity) {
                if let record = try projector.project(kind, id) {
                    changes.append(.upsert(record))
                } else {
                    changes.append(.delete(kind, id))
                }
            }
        }
        let hasMore = rows.count == limit
        let delivered = hasMore ? last : head
        let response = PullResponse(
            epoch: epoch, cursor: PullCursor.incremental(seq: delivered).description, hasMore: hasMore, reset: false,
            changes: changes, ops: ops, serverTimeMs: Int64(now.timeIntervalSince1970 * 1000)
        )
        return Page(response: response, deliveredSeq: delivered, completedSnapshotVersion: nil)
    }

    private func otherDeviceOp(_ db: Database, id: String, device: String) throws -> Op? {
        guard let row = try db.fetchOne("SELECT device_id, body, merge_status FROM op WHERE id = ?", [id]) else { return nil }
        let owner: String = try row[0]
        let status: String = try row[2]
        guard owner != device, status != MergeStatus.rejected.rawValue else { return nil }
        return try WireCoding.decode(Op.self, from: Data((try row[1] as String).utf8))
    }

    private func snapshot(
        _ db: Database, device: Device, head: Int64, version: Int64, phase startPhase: Int, last startLast: String,
        limit: Int, epoch: String, now: Date, reset: Bool
    ) throws -> Page {
        let projector = ReplicaProjector(scope: device.scope, db: db)
        var changes: [ReplicaChange] = []
        var ops: [Op] = []
        var phase = startPhase
        var last = startLast
        var budget = limit
        while phase < Self.phases.count, budget > 0 {
            let ids = try projector.candidates(Self.phases[phase], after: last, limit: budget)
            for record in try projector.project(Self.phases[phase], ids: ids) {
                if let record { changes.append(.upsert(record)) }
            }
            last = ids.last ?? last
            budget -= ids.count
            if budget > 0 {
                phase += 1
                last = ""
            }
        }
        if phase == Self.phases.count, budget > 0 {
            // Other devices' recent ops of the scope, in log order; `last` holds the log position reached.
            let since = BusinessCalendar.date(of: now).adding(days: -Self.snapshotOpsDays)
            let (list, args) = ReplicaProjector.inList(device.scope.subscription.sorted())
            let after = Int64(last) ?? 0
            let rows = try db.fetchAll("""
                SELECT DISTINCT s.seq, o.body FROM scope_log s
                    JOIN change_log c ON c.seq = s.seq AND c.entity = 'op'
                    JOIN op o ON o.id = c.entity_id
                WHERE s.scope_key IN \(list) AND s.seq > ? AND s.seq <= ? AND o.business_date >= ?
                    AND o.device_id != ? AND o.merge_status != 'rejected'
                ORDER BY s.seq LIMIT ?
                """, args + [after, head, since.description, device.scope.deviceId, budget])
            for row in rows {
                ops.append(try WireCoding.decode(Op.self, from: Data((try row[1] as String).utf8)))
                last = String(try row[0] as Int64)
            }
            if rows.count == budget {
                budget = 0
            } else {
                phase += 1
            }
        }
        let done = phase > Self.phases.count
        let cursor: PullCursor = done
            ? .incremental(seq: head)
            : .snapshot(head: head, scopeVersion: version, phase: phase, last: last)
        let response = PullResponse(
            epoch: epoch, cursor: cursor.description, hasMore: !done, reset: reset, changes: changes, ops: ops,
            serverTimeMs: Int64(now.timeIntervalSince1970 * 1000)
        )
        return Page(response: response, deliveredSeq: done ? head : 0, completedSnapshotVersion: done ? version : nil)
    }
}
