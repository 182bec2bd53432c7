import CSystem
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What a connection needs from the event loop that owns it: the loop owns the descriptors' registration, the
/// handlers and the access log; the connection decides when each is needed.
protocol HTTPConnectionOwner: AnyObject {
    /// Whether the server is stopping: a request taken now is answered with `Connection: close`.
    var isStopping: Bool { get }
    /// Listen for these epoll events on the connection's socket.
    func watch(_ connection: HTTPConnection, events: UInt32)
    /// Forget the connection and close its socket.
    func closeConnection(_ connection: HTTPConnection)
    /// Starts the handler of `request`; its answer comes back through `HTTPConnection.finish`.
    func startHandler(_ request: HTTPRequest, on connection: HTTPConnection, serial: UInt64) -> Task<Void, Never>
    /// What to answer when the handler of `request` has not answered by its deadline.
    func deadlineExceeded(for request: HTTPRequest) -> HTTPResponse
    /// One answer given, for the access log.
    func answered(_ entry: AccessLogEntry)
}

/// One client socket on the server and its keep-alive cycle — idle, reading a request, handling it, writing the
/// answer — with the time each step may take. Owned by the event loop thread; handlers never touch it.
final class HTTPConnection {
    enum State {
        /// Waiting for the first byte of the next request (closed after the idle timeout).
        case idle(since: Date)
        /// Part of a request has arrived; it must be complete by the read timeout (else 408).
        case reading(since: Date)
        /// A handler is working on the request; it must answer by the handler deadline.
        case handling(Handling)
        /// The response is being written.
        case writing
    }

    /// The request a handler is working on.
    struct Handling {
        let request: HTTPRequest
        /// Tells this request's answer from a late one of an earlier request.
        let serial: UInt64
        let since: Date
        let keepAlive: Bool
        let task: Task<Void, Never>
    }

    let fd: Int32
    let remote: String
    /// Distinguishes this connection from a later one that reuses the same descriptor number.
    let generation: UInt64
    private unowned let owner: any HTTPConnectionOwner
    private let configuration: HTTPServer.Configuration
    private(set) var state: State
    private var input: [UInt8] = []
    private var output: [UInt8] = []
    private var outputOffset = 0
    /// Close once the current response is written.
    private var closeAfterWrite = false
    /// The peer half-closed (`shutdown(SHUT_WR)`) or closed: no more bytes will come. What arrived whole is
    /// still answered; then the connection is closed.
    private(set) var inputClosed = false
    /// The request being answered, for the access log.
    private var current: (method: String, path: String, started: Date)?
    private var nextSerial: UInt64 = 0

    init(fd: Int32, remote: String, generation: UInt64, now: Date, owner: any HTTPConnectionOwner, configuration: HTTPServer.Configuration) {
        self.fd = fd
        self.remote = remote
        self.generation = generation
        self.owner = owner
        self.configuration = configuration
        self.state = .idle(since: now)
    }

    var hasPendingOutput: Bool { outputOffset < output.count }

    /// What the loop waits for: input until the peer half-closes, and room to write while a response is pending.
    /// (An ended input stays readable forever: asking for it again would spin.)
    var events: UInt32 {
        var events: UInt32 = inputClosed ? 0 : EPOLLIN.rawValue | EPOLLRDHUP.rawValue
        if hasPendingOutput { events |= EPOLLOUT.rawValue }
        return events
    }

    // MARK: Events from the loop

    /// The socket is readable: takes what arrived, then goes on with the cycle.
    func readAvailable(now: Date) {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var failed = false
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 {
                if case .idle = state { state = .reading(since: now) }
                input.append(contentsOf: buffer[0..<n])
                // A client that keeps sending while its request is handled cannot grow the buffer without bound.
                if input.count > configuration.limits.maxHeaderBytes + configuration.limits.maxBodyBytes + 65_536 {
                    close()
                    return
                }
                continue
            }
            if n == 0 {
                // End of input: a peer that has gone, or one that half-closed after its request and waits for the
                // answer. Both are answered what arrived whole (a write to a peer that has gone fails and closes).
                inputClosed = true
                owner.watch(self, events: events)
            } else if errno == EINTR {
                continue
            } else if errno != EAGAIN && errno != EWOULDBLOCK {
                failed = true
            }
            break
        }
        if failed {
            // A reset connection: nothing can be answered; a handler in flight finishes and is discarded.
            close()
            return
        }
        parseNext(now: now)
    }

    /// The socket has room again: writes what is pending.
    func writable(now: Date) {
        flush(now: now)
    }

    /// A handler answered. An answer that comes after its deadline passed (and the connection was answered
    /// 503 and closed), or for an earlier request, is dropped.
    func finish(serial: UInt64, response: HTTPResponse, now: Date) {
        guard case .handling(let handling) = state, handling.serial == serial else { return }
        respond(response, keepAlive: handling.keepAlive, headOnly: handling.request.method == "HEAD", now: now)
    }

    /// Applies the time limits of the current step; while stopping, an idle connection is closed at once.
    func expireTimeouts(now: Date, stopping: Bool) {
        switch state {
        case .idle(let since):
            if stopping || now.timeIntervalSince(since) > configuration.idleTimeout {
                close()
            }
        case .reading(let since):
            if now.timeIntervalSince(since) > configuration.readTimeout {
                input.removeAll()
                current = ("-", "-", since)
                respond(.text("Request Timeout\n", status: .requestTimeout), keepAlive: false, headOnly: false, now: now)
            }
        case .handling(let handling):
            if now.timeIntervalSince(handling.since) > configuration.handlerDeadline {
                // The answer is given now; what the handler still does is of no use to anyone.
                handling.task.cancel()
                input.removeAll()
                respond(owner.deadlineExceeded(for: handling.request), keepAlive: false,
                        headOnly: handling.request.method == "HEAD", now: now)
            }
        case .writing:
            break
        }
    }

    // MARK: The cycle

    private func parseNext(now: Date) {
        switch state {
        case .handling, .writing: return
        case .idle, .reading: break
        }
        guard !input.isEmpty else {
            if inputClosed {
                close()
                return
            }
            state = .idle(since: now)
            return
        }
        switch HTTPDecoder.decode(input, limits: configuration.limits, remoteAddress: remote) {
        case .needMore:
            // A request cut short by the end of input can never complete.
            if inputClosed {
                close()
                return
            }
            if case .idle = state { state = .reading(since: now) }
        case .failure(let status, let reason):
            input.removeAll()
            current = ("-", "-", now)
            respond(HTTPResponse.text("\(status.reason): \(reason)\n", status: status), keepAlive: false, headOnly: false, now: now)
        case .request(let request, let consumed):
            input.removeFirst(consumed)
            current = (request.method, request.path, now)
            nextSerial += 1
            let task = owner.startHandler(request, on: self, serial: nextSerial)
            state = .handling(Handling(request: request, serial: nextSerial, since: now,
                                       keepAlive: request.keepAlive && !owner.isStopping, task: task))
        }
    }

    private func respond(_ response: HTTPResponse, keepAlive: Bool, headOnly: Bool, now: Date) {
        // After the end of input, the last request's answer says the connection closes.
        let keepAlive = keepAlive && !(inputClosed && input.isEmpty)
        output = HTTPEncoder.encode(response, keepAlive: keepAlive, headOnly: headOnly)
        outputOffset = 0
        closeAfterWrite = !keepAlive
        state = .writing
        if let current {
            owner.answered(AccessLogEntry(remote: remote, method: current.method, path: current.path, status: response.status.code,
                                          bytes: response.body.count, duration: now.timeIntervalSince(current.started)))
        }
        flush(now: now)
    }

    private func flush(now: Date) {
        while hasPendingOutput {
            let n = output.withUnsafeBytes { raw in
                send(fd, raw.baseAddress! + outputOffset, raw.count - outputOffset, Int32(MSG_NOSIGNAL))
            }
            if n > 0 {
                outputOffset += n
            } else if n < 0 && errno == EINTR {
                continue
            } else if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                owner.watch(self, events: events)
                return
            } else {
                close()
                return
            }
        }
        output = []
        outputOffset = 0
        owner.watch(self, events: events)
        current = nil
        if closeAfterWrite {
            close()
            return
        }
        state = .idle(since: now)
        parseNext(now: now)
    }

    private func close() {
        owner.closeConnection(self)
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
