import Foundation

/// Says yes at most once per interval (for periodic work done on the way of requests).
///
/// `@unchecked Sendable`: `last` is read and written only under `lock`.
final class Throttle: @unchecked Sendable {
    private let lock = NSLock()
    private var last = Date.distantPast
    private let interval: TimeInterval

    init(every interval: TimeInterval) {
        self.interval = interval
    }

    func due(_ now: Date) -> Bool {
        lock.withLock {
            guard now.timeIntervalSince(last) >= interval else { return false }
            last = now
            return true
        }
    }
}
