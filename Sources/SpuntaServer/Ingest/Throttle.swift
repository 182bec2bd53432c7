import Foundation
import Synchronization

/// Says yes at most once per interval (for periodic work done on the way of requests).
final class Throttle: Sendable {
    private let last = Mutex(Date.distantPast)
    private let interval: TimeInterval

    init(every interval: TimeInterval) {
        self.interval = interval
    }

    func due(_ now: Date) -> Bool {
        last.withLock { last in
            guard now.timeIntervalSince(last) >= interval else { return false }
            last = now
            return true
        }
    }
}
