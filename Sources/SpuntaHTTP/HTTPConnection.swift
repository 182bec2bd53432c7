import Foundation

/// One client socket on the server: its buffers and where it is in the keep-alive cycle. Owned by the event
/// loop thread; handlers never touch it.
final class HTTPConnection {
    enum State {
        /// Waiting for the first byte of the next request.
        case idle(since: Date)
        /// Part of a request has arrived; it must be complete by the read timeout.
        case reading(since: Date)
        /// A handler is working on the request.
        case handling
        /// The response is being written.
        case writing
    }

    let fd: Int32
    let remote: String
    /// Distinguishes this connection from a later one that reuses the same descriptor number.
    let generation: UInt64
    var input: [UInt8] = []
    var output: [UInt8] = []
    var outputOffset = 0
    var state: State
    /// Close once the current response is written.
    var closeAfterWrite = false
    /// The peer half-closed (`shutdown(SHUT_WR)`) or closed: no more bytes will come. What arrived whole is
    /// still answered; then the connection is closed.
    var inputClosed = false
    /// The request being answered, for the access log.
    var current: (method: String, path: String, started: Date)?

    init(fd: Int32, remote: String, generation: UInt64, now: Date) {
        self.fd = fd
        self.remote = remote
        self.generation = generation
        self.state = .idle(since: now)
    }

    var hasPendingOutput: Bool { outputOffset < output.count }

    var isBusy: Bool {
        switch state {
        case .handling, .writing: return true
        case .idle, .reading: return false
        }
    }
}

/// One line of the access log.
public struct AccessLogEntry: Sendable {
    public let remote: String
    public let method: String
    public let path: String
    public let status: Int
    public let bytes: Int
    public let duration: TimeInterval

    /// `127.0.0.1:5000 "POST /v1/push" 200 1234 3.2ms`
    public var line: String {
        String(format: "%@ \"%@ %@\" %d %d %.1fms", remote, method, path, status, bytes, duration * 1000)
    }
}
