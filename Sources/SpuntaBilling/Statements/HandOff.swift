import Dispatch
import Synchronization

/// A bounded queue from one producing thread to one consuming thread, in order: `billing run` computes the next group
/// of families on one core while the writer stores the group before on the other. The producer stops at its next
/// `put` when the consumer gives up (`cancel`), and `close` hands the consumer the producer's error, if any.
final class HandOff<Element: Sendable>: Sendable {
    private struct State {
        var items: [Element] = []
        var closed = false
        var cancelled = false
        var error: (any Error)?
    }

    private let state = Mutex(State())
    /// Free places: the producer waits for one before each `put`, so at most `capacity` elements wait in memory.
    private let space: DispatchSemaphore
    /// One signal per element put, and one when closed.
    private let ready = DispatchSemaphore(value: 0)

    init(capacity: Int) {
        space = DispatchSemaphore(value: max(1, capacity))
    }

    /// Adds `element` once there is room; false when the consumer has given up (the producer should stop).
    func put(_ element: Element) -> Bool {
        space.wait()
        let accepted = state.withLock { state in
            guard !state.cancelled else { return false }
            state.items.append(element)
            return true
        }
        if accepted { ready.signal() } else { space.signal() }
        return accepted
    }

    /// No more elements: the consumer gets `error` (if any) after the ones already put.
    func close(_ error: (any Error)?) {
        state.withLock { state in
            state.closed = true
            state.error = error
        }
        ready.signal()
    }

    /// The next element in order, waiting for it; nil once the producer has closed without error.
    func take() throws -> Element? {
        ready.wait()
        let next: Result<Element?, any Error> = state.withLock { state in
            if !state.items.isEmpty { return .success(state.items.removeFirst()) }
            if let error = state.error { return .failure(error) }
            return .success(nil)
        }
        if case .success(let element?) = next {
            space.signal()
            return element
        }
        return try next.get()
    }

    /// The consumer gives up: the producer's next `put` returns false.
    func cancel() {
        state.withLock { $0.cancelled = true }
        space.signal()
    }
}
