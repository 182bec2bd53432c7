import Foundation
import Synchronization

/// A physical clock the test sets by hand, read by the clock under test through `read`.
final class ManualClock: Sendable {
    private let milliseconds: Mutex<Int64>

    init(_ milliseconds: Int64) {
        self.milliseconds = Mutex(milliseconds)
    }

    func set(_ value: Int64) {
        milliseconds.withLock { $0 = value }
    }

    func advance(by delta: Int64) {
        milliseconds.withLock { $0 += delta }
    }

    var read: @Sendable () -> Int64 {
        { [self] in milliseconds.withLock { $0 } }
    }
}
