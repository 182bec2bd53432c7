import Foundation
import Synchronization

/// State that some threads change and others wait on: every change wakes every waiter, which then checks
/// whether what it waits for has come. Tests wait on the thing itself this way instead of sleeping and looking.
public final class Watched<State: Sendable>: Sendable {
    private let state: Mutex<State>
    /// Changes are made while holding it, so a waiter that has just looked cannot miss the next change.
    private let changed = NSCondition()

    public init(_ initial: State) {
        state = Mutex(initial)
    }

    /// Changes the state and wakes every waiter.
    @discardableResult
    public func update<R: Sendable>(_ body: (inout State) -> R) -> R {
        changed.lock()
        defer {
            changed.broadcast()
            changed.unlock()
        }
        return state.withLock { body(&$0) }
    }

    /// Reads the state.
    public func read<R: Sendable>(_ body: (State) -> R) -> R {
        state.withLock { body($0) }
    }

    /// Waits until `condition` holds or `deadline` passes; returns whether it holds.
    public func wait(until deadline: Date, for condition: (State) -> Bool) -> Bool {
        changed.lock()
        defer { changed.unlock() }
        while !state.withLock({ condition($0) }) {
            if !changed.wait(until: deadline) { return state.withLock { condition($0) } }
        }
        return true
    }

    /// `wait` for async code: the waiting happens on a thread of its own, so that no thread of Swift's shared pool
    /// (two on a two-core machine) is held while what is awaited may need one.
    public func wait(until deadline: Date, for condition: @escaping @Sendable (State) -> Bool) async -> Bool {
        await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            Thread { continuation.resume(returning: self.wait(until: deadline, for: condition)) }.start()
        }
    }
}
