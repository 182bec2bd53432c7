import Foundation
import SpuntaDomain
import SpuntaProtocol
import SpuntaStore

/// What waits on this device, as `spunta status` shows it and as every request to the server reports it
/// (`Spunta-Device-Backlog`): ops not yet acknowledged, how long the oldest has waited, the last failed sync.
enum LocalBacklog {
    static func read(_ db: Database, now: Date) throws -> DeviceBacklog {
        // Read at every request: the count and the oldest in one pass over the pending ops.
        let waiting = try db.fetchOne("SELECT COUNT(*), MIN(created_at) FROM outbox WHERE state = 'pending'")
        let pending: Int = try waiting?[0] ?? 0
        let oldest: String? = try waiting?[1]
        let state = try db.fetchOne("SELECT last_error, last_error_code, last_attempt_at FROM sync_state WHERE id = 1")
        let error: String? = try state?[0]
        let attempt: String? = try state?[2]
        return DeviceBacklog(
            pendingOps: pending, oldestPendingAgeSeconds: oldest.flatMap { UTCTime.date($0) }.map { age(since: $0, now: now) },
            lastError: error, lastErrorCode: error == nil ? nil : try state?[1],
            lastErrorAgeSeconds: error == nil ? nil : attempt.flatMap { UTCTime.date($0) }.map { age(since: $0, now: now) }
        )
    }

    /// Seconds from `date` to `now` on this device's clock, never negative (a clock set back).
    static func age(since date: Date, now: Date) -> Int {
        max(0, Int(now.timeIntervalSince(date)))
    }
}
