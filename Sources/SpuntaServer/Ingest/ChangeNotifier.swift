import Foundation
import Synchronization

/// Wakes long-polling pulls when a commit touches their scope (notifica delle novità), so devices learn of new
/// ops within moments without polling.
///
/// Each key remembers the last log position that touched it: a pull that saw the log up to `observed` and
/// registers afterwards is answered at once if something of its keys was committed in between, so no
/// notification is ever missed.
public final class ChangeNotifier: Sendable {
    private struct Waiter {
        let keys: Set<String>
        let continuation: CheckedContinuation<Bool, Never>
    }

    private struct State {
        var waiters: [UInt64: Waiter] = [:]
        var nextID: UInt64 = 0
        var lastSeqByKey: [String: Int64] = [:]
        var closed = false
        /// What runs once a number of pulls are waiting (`whenWaiting`).
        var watchers: [(count: Int, action: @Sendable () -> Void)] = []
    }

    private let state = Mutex(State())

    public init() {}

    /// Number of pulls waiting now (for metrics).
    public var waiting: Int { state.withLock { $0.waiters.count } }

    /// Records a commit at log position `head` touching `keys`, and wakes the pulls it concerns.
    public func notify(keys: Set<String>, head: Int64) {
        guard !keys.isEmpty else { return }
        var woken: [CheckedContinuation<Bool, Never>] = []
        state.withLock { state in
            for key in keys { state.lastSeqByKey[key] = max(state.lastSeqByKey[key] ?? 0, head) }
            for (id, waiter) in state.waiters where !waiter.keys.isDisjoint(with: keys) {
                woken.append(waiter.continuation)
                state.waiters[id] = nil
            }
        }
        for continuation in woken { continuation.resume(returning: true) }
    }

    /// Waits until a commit after `observed` touches one of `keys`, or `timeout` passes, or the notifier closes.
    /// Returns true when there is news.
    public func wait(for keys: Set<String>, after observed: Int64, timeout: Duration) async -> Bool {
        let id: UInt64 = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let (immediate, watchers) = state.withLock { state -> (Bool?, [@Sendable () -> Void]) in
                    if state.closed { return (false, []) }
                    if keys.contains(where: { (state.lastSeqByKey[$0] ?? 0) > observed }) { return (true, []) }
                    state.waiters[id] = Waiter(keys: keys, continuation: continuation)
                    let count = state.waiters.count
                    let reached = state.watchers.filter { $0.count <= count }.map(\.action)
                    state.watchers.removeAll { $0.count <= count }
                    return (nil, reached)
                }
                for watcher in watchers { watcher() }
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

    /// Runs `action` once `count` pulls are waiting (at once if they are), on the thread that parks the last of
    /// them: `action` must only hand work on. A test learns this way that a long poll is parked, and commits the
    /// change that must wake it, whatever else keeps the machine busy.
    func whenWaiting(_ count: Int, _ action: @escaping @Sendable () -> Void) {
        let reached = state.withLock { state -> Bool in
            guard state.waiters.count < count else { return true }
            state.watchers.append((count, action))
            return false
        }
        if reached { action() }
    }

    /// Wakes every waiting pull (shutdown) and answers future waits at once.
    public func close() {
        let all: [CheckedContinuation<Bool, Never>] = state.withLock { state in
            state.closed = true
            let list = state.waiters.values.map(\.continuation)
            state.waiters.removeAll()
            return list
        }
        for continuation in all { continuation.resume(returning: false) }
    }

    private func finish(_ id: UInt64, news: Bool) {
        let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
        waiter?.continuation.resume(returning: news)
    }
}
