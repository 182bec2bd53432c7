import Foundation

/// A physical clock the test sets by hand, read by the clock under test through `read`.
final class ManualClock: @unchecked Sendable {
    // Safe to share: `milliseconds` is read and written only while `lock` is held.
    private let lock = NSLock()
    private var milliseconds: Int64

    init(_ milliseconds: Int64) {
        self.milliseconds = milliseconds
    }

    func set(_ value: Int64) {
        lock.withLock { milliseconds = value }
    }

    func advance(by delta: Int64) {
        lock.withLock { milliseconds += delta }
    }

    var read: @Sendable () -> Int64 {
        { [self] in lock.withLock { milliseconds } }
    }
}
