import Foundation

/// Runs blocking work (a blocking HTTP client, a child process) on its own thread and awaits it, so that it
/// never occupies the cooperative threads the in-process server's handlers need.
func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            continuation.resume(with: Result { try body() })
        }
        thread.stackSize = 4 << 20
        thread.start()
    }
}
