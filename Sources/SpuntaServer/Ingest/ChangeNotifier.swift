import Foundation

/// Wakes long-polling pulls when a commit touches their scope (notifica delle novità), so devices learn of new
/// ops within moments without polling.
///
/// Each key remembers the last log position that touched it: a pull that saw the log up to `observed` and
/// registers afterwards is answered at once if something of its keys was committed in between, so no
/// notification is ever missed.
///
/// `@unchecked Sendable`: all state is read and written under `lock`.
public final class ChangeNotifier: @unchecked Sendable {
    private struct Waiter {
        let keys: Set<String>
        let continuation: CheckedContinuation<Bool, Never>
    }

    private let lock = NSLock()
    private var waiters: [UInt64: Waiter] = [:]
    private var nextID: UInt64 = 0
    private var lastSeqByKey: [String: Int64] = [:]
    private var closed = false

    public init() {}

    /// Number of pulls waiting now (for metrics).
    public var waiting: Int { lock.withLock { waiters.count } }

    /// Records a commit at log position `head` touching `keys`, and wakes the pulls it concerns.
    public func notify(keys: Set<String>, head: Int64) {
        guard !keys.isEmpty else { return }
        var woken: [CheckedContinuation<Bool, Never>] = []
        lock.withLock {
            for key in keys { lastSeqByKey[key] = max(lastSeqByKey[key] ?? 0, head) }
            for (id, waiter) in waiters where !waiter.keys.isDisjoint(with: keys) {
                woken.append(waiter.continuation)
                waiters[id] = nil
            }
        }
        for continuation in woken { continuation.resume(returning: true) }
    }

    /// Waits until a commit after `observed` touches one of `keys`, or `timeout` passes, or the notifier closes.
    /// Returns true when there is news.
    public func wait(for keys: Set<String>, after observed: Int64, timeout: Duration) async -> Bool {
        let id: UInt64 = lock.withLock {
            nextID += 1
            return nextID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let immediate: Bool? = lock.withLock {
                    if closed { return false }
                    if keys.contains(where: { (lastSeqByKey[$0] ?? 0) > observed }) { return true }
                    waiters[id] = Waiter(keys: keys, continuation: continuation)
                    return nil
                }
                if let immediate {
                    continuation.resume(returning: immediate)
                    return
                }
                // A dispatch timer, not a task: waiting holds no thread of any pool.
                let (seconds, attoseconds) = timeout.components
                let delay = Double(seconds) + Double(attoseconds) / 1e18
                DispatchQueue.global().asyncAfter(deadline: .now() + delay) { [weak self] in
                    self?.finish(id, news: false)
                }
            }
        } onCancel: {
            finish(id, news: false)
        }
    }

    /// Wakes every waiting pull (shutdown) and answers future waits at once.
    public func close() {
        let all: [CheckedContinuation<Bool, Never>] = lock.withLock {
            closed = true
            let list = waiters.values.map(\.continuation)
            waiters.removeAll()
            return list
        }
        for continuation in all { continuation.resume(returning: false) }
    }

    private func finish(_ id: UInt64, news: Bool) {
        let waiter = lock.withLock { waiters.removeValue(forKey: id) }
        waiter?.continuation.resume(returning: news)
    }
}
