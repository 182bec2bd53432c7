import CSystem
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An HTTP/1.1 server on POSIX sockets (server HTTP): one event-loop thread with epoll holds every connection,
/// handlers run as Swift tasks, so a slow client or a long poll holds no thread. Every request is bounded in
/// header size, body size and time; excess connections get 503; shutdown lets requests in flight finish.
///
/// `@unchecked Sendable`: connection state is touched only on the loop thread; what other threads hand to the
/// loop (`completions`, `stopRequested`) is guarded by `lock` and announced through an eventfd.
public final class HTTPServer: @unchecked Sendable {
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        public var limits: HTTPDecoder.Limits
        /// A request must arrive whole within this time from its first byte (else 408).
        public var readTimeout: TimeInterval
        /// A keep-alive connection with no request for this long is closed.
        public var idleTimeout: TimeInterval
        public var maxConnections: Int
        /// How long shutdown waits for requests in flight.
        public var shutdownGrace: TimeInterval

        public init(
            host: String = "127.0.0.1", port: Int = 8080, limits: HTTPDecoder.Limits = HTTPDecoder.Limits(),
            readTimeout: TimeInterval = 10, idleTimeout: TimeInterval = 60, maxConnections: Int = 4096,
            shutdownGrace: TimeInterval = 10
        ) {
            self.host = host
            self.port = port
            self.limits = limits
            self.readTimeout = readTimeout
            self.idleTimeout = idleTimeout
            self.maxConnections = maxConnections
            self.shutdownGrace = shutdownGrace
        }
    }

    private struct Completion {
        let fd: Int32
        let generation: UInt64
        let response: HTTPResponse
        let keepAlive: Bool
        let headOnly: Bool
    }

    public let configuration: Configuration
    private let handler: any HTTPHandler
    private let accessLog: (@Sendable (AccessLogEntry) -> Void)?

    private let lock = NSLock()
    private var completions: [Completion] = []
    private var stopRequested = false
    private var finished = false
    private let finishedCondition = NSCondition()

    private var listenFD: Int32 = -1
    private var epollFD: Int32 = -1
    private var wakeFD: Int32 = -1
    private var connections: [Int32: HTTPConnection] = [:]
    private var nextGeneration: UInt64 = 0
    private var thread: Thread?
    private let executor = HandlerExecutor(label: "spunta-http-handlers")
    /// The port actually bound (the kernel's choice when configured with 0).
    public private(set) var port: Int = 0

    public init(configuration: Configuration, handler: any HTTPHandler, accessLog: (@Sendable (AccessLogEntry) -> Void)? = nil) {
        self.configuration = configuration
        self.handler = handler
        self.accessLog = accessLog
    }

    /// Binds, listens and starts the event loop. Returns the bound port.
    @discardableResult
    public func start() throws -> Int {
        // A peer that vanishes mid-response must not kill the process (PLATFORM-NOTES: SIGPIPE).
        signal(SIGPIPE, SIG_IGN)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Socket.Failure(call: "socket", code: errno) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = try Socket.resolve(configuration.host == "0.0.0.0" ? "0.0.0.0" : configuration.host, port: configuration.port)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else {
            let code = errno
            close(fd)
            throw Socket.Failure(call: "bind \(configuration.host):\(configuration.port)", code: code)
        }
        guard listen(fd, 1024) == 0 else {
            let code = errno
            close(fd)
            throw Socket.Failure(call: "listen", code: code)
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        port = Int(UInt16(bigEndian: actual.sin_port))
        try Socket.setNonBlocking(fd)
        listenFD = fd
        epollFD = epoll_create1(Int32(EPOLL_CLOEXEC))
        wakeFD = eventfd(0, Int32(EFD_NONBLOCK) | Int32(EFD_CLOEXEC))
        guard epollFD >= 0, wakeFD >= 0 else { throw Socket.Failure(call: "epoll/eventfd", code: errno) }
        register(listenFD, events: EPOLLIN.rawValue)
        register(wakeFD, events: EPOLLIN.rawValue)
        let thread = Thread { [self] in self.loop() }
        thread.name = "spunta-http"
        thread.stackSize = 1 << 20
        self.thread = thread
        thread.start()
        return port
    }

    /// Stops accepting, lets requests in flight finish (up to the grace period), closes everything, returns.
    public func shutdown() {
        // Idempotent: a second call only waits. The eventfd is written only while the loop still owns it,
        // since a closed descriptor number may already belong to another socket of the process.
        let first = lock.withLock { () -> Bool in
            defer { stopRequested = true }
            return !stopRequested && thread != nil
        }
        if first { wake() }
        guard thread != nil else { return }
        finishedCondition.lock()
        while !finished { finishedCondition.wait() }
        finishedCondition.unlock()
    }

    // MARK: Event loop

    private func register(_ fd: Int32, events: UInt32) {
        var event = epoll_event()
        event.events = events
        event.data.fd = fd
        epoll_ctl(epollFD, EPOLL_CTL_ADD, fd, &event)
    }

    private func modify(_ fd: Int32, events: UInt32) {
        var event = epoll_event()
        event.events = events
        event.data.fd = fd
        epoll_ctl(epollFD, EPOLL_CTL_MOD, fd, &event)
    }

    private func wake() {
        lock.withLock {
            guard wakeFD >= 0 else { return }
            var one: UInt64 = 1
            _ = write(wakeFD, &one, 8)
        }
    }

    private func loop() {
        var events = [epoll_event](repeating: epoll_event(), count: 256)
        var stopping = false
        var stopDeadline = Date.distantFuture
        while true {
            let count = epoll_wait(epollFD, &events, Int32(events.count), 100)
            let now = Date()
            if count > 0 {
                for index in 0..<Int(count) {
                    let fd = events[index].data.fd
                    let flags = events[index].events
                    if fd == listenFD {
                        acceptAll(now: now)
                    } else if fd == wakeFD {
                        var value: UInt64 = 0
                        _ = read(wakeFD, &value, 8)
                    } else if let connection = connections[fd] {
                        if flags & (EPOLLERR.rawValue | EPOLLHUP.rawValue) != 0 && flags & EPOLLIN.rawValue == 0 {
                            closeConnection(connection)
                            continue
                        }
                        if flags & EPOLLIN.rawValue != 0 { readAvailable(connection, now: now) }
                        if flags & EPOLLOUT.rawValue != 0, connections[fd] === connection { flush(connection, now: now) }
                    }
                }
            }
            for completion in lock.withLock({ () -> [Completion] in
                defer { completions.removeAll() }
                return completions
            }) {
                deliver(completion, now: now)
            }
            if !stopping, lock.withLock({ stopRequested }) {
                stopping = true
                stopDeadline = now.addingTimeInterval(configuration.shutdownGrace)
                epoll_ctl(epollFD, EPOLL_CTL_DEL, listenFD, nil)
                close(listenFD)
                listenFD = -1
            }
            expireTimeouts(now: now, stopping: stopping)
            if stopping && (connections.isEmpty || now >= stopDeadline) {
                break
            }
        }
        for connection in Array(connections.values) { closeConnection(connection) }
        close(epollFD)
        lock.withLock {
            close(wakeFD)
            wakeFD = -1
        }
        finishedCondition.lock()
        finished = true
        finishedCondition.broadcast()
        finishedCondition.unlock()
    }

    private func acceptAll(now: Date) {
        while listenFD >= 0 {
            var address = sockaddr_in()
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let fd = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    accept(listenFD, $0, &length)
                }
            }
            guard fd >= 0 else { return }
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            if (try? Socket.setNonBlocking(fd)) == nil {
                close(fd)
                continue
            }
            if connections.count >= configuration.maxConnections {
                // Refuse cleanly instead of stalling: a short 503 and close.
                let bytes = HTTPEncoder.encode(.text("Troppe connessioni: riprovare tra poco.\n", status: .serviceUnavailable), keepAlive: false)
                _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT)) }
                close(fd)
                continue
            }
            Socket.setNoDelay(fd)
            nextGeneration += 1
            let connection = HTTPConnection(fd: fd, remote: Socket.describe(address), generation: nextGeneration, now: now)
            connections[fd] = connection
            register(fd, events: EPOLLIN.rawValue | EPOLLRDHUP.rawValue)
        }
    }

    /// What the loop waits for on a connection: its input until the peer half-closes, and room to write
    /// while a response is pending. (An ended input stays readable forever: asking for it again would spin.)
    private func watch(_ connection: HTTPConnection) {
        var events: UInt32 = connection.inputClosed ? 0 : EPOLLIN.rawValue | EPOLLRDHUP.rawValue
        if connection.hasPendingOutput { events |= EPOLLOUT.rawValue }
        modify(connection.fd, events: events)
    }

    private func readAvailable(_ connection: HTTPConnection, now: Date) {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var failed = false
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(connection.fd, $0.baseAddress, $0.count, 0) }
            if n > 0 {
                if case .idle = connection.state { connection.state = .reading(since: now) }
                connection.input.append(contentsOf: buffer[0..<n])
                // A client that keeps sending while its request is handled cannot grow the buffer without bound.
                if connection.input.count > configuration.limits.maxHeaderBytes + configuration.limits.maxBodyBytes + 65_536 {
                    closeConnection(connection)
                    return
                }
                continue
            }
            if n == 0 {
                // End of input: a peer that has gone, or one that half-closed after its request and waits for the
                // answer. Both are answered what arrived whole (a write to a peer that has gone fails and closes).
                connection.inputClosed = true
                watch(connection)
            } else if errno == EINTR {
                continue
            } else if errno != EAGAIN && errno != EWOULDBLOCK {
                failed = true
            }
            break
        }
        if failed {
            // A reset connection: nothing can be answered; a handler in flight finishes and is discarded.
            closeConnection(connection)
            return
        }
        parseNext(connection, now: now)
    }

    private func parseNext(_ connection: HTTPConnection, now: Date) {
        switch connection.state {
        case .handling, .writing: return
        case .idle, .reading: break
        }
        guard !connection.input.isEmpty else {
            if connection.inputClosed {
                closeConnection(connection)
                return
            }
            connection.state = .idle(since: now)
            return
        }
        switch HTTPDecoder.decode(connection.input, limits: configuration.limits, remoteAddress: connection.remote) {
        case .needMore:
            // A request cut short by the end of input can never complete.
            if connection.inputClosed {
                closeConnection(connection)
                return
            }
            if case .idle = connection.state { connection.state = .reading(since: now) }
        case .failure(let status, let reason):
            connection.input.removeAll()
            connection.current = ("-", "-", now)
            respond(connection, HTTPResponse.text("\(status.reason): \(reason)\n", status: status), keepAlive: false, headOnly: false, now: now)
        case .request(let request, let consumed):
            connection.input.removeFirst(consumed)
            connection.state = .handling
            connection.current = (request.method, request.path, now)
            let stopping = lock.withLock { stopRequested }
            let keepAlive = request.keepAlive && !stopping
            let fd = connection.fd, generation = connection.generation
            let handler = self.handler
            let headOnly = request.method == "HEAD"
            Task(executorPreference: executor) { [weak self] in
                let response: HTTPResponse
                do {
                    response = try await handler.handle(request)
                } catch {
                    response = .text("Internal Server Error\n", status: .internalServerError)
                }
                self?.complete(Completion(fd: fd, generation: generation, response: response, keepAlive: keepAlive, headOnly: headOnly))
            }
        }
    }

    private func complete(_ completion: Completion) {
        lock.withLock { completions.append(completion) }
        wake()
    }

    private func deliver(_ completion: Completion, now: Date) {
        guard let connection = connections[completion.fd], connection.generation == completion.generation else { return }
        respond(connection, completion.response, keepAlive: completion.keepAlive, headOnly: completion.headOnly, now: now)
    }

    private func respond(_ connection: HTTPConnection, _ response: HTTPResponse, keepAlive: Bool, headOnly: Bool, now: Date) {
        // After the end of input, the last request's answer says the connection closes.
        let keepAlive = keepAlive && !(connection.inputClosed && connection.input.isEmpty)
        let bytes = HTTPEncoder.encode(response, keepAlive: keepAlive, headOnly: headOnly)
        connection.output = bytes
        connection.outputOffset = 0
        connection.closeAfterWrite = !keepAlive
        connection.state = .writing
        if let accessLog, let current = connection.current {
            accessLog(AccessLogEntry(remote: connection.remote, method: current.method, path: current.path, status: response.status.code,
                                     bytes: response.body.count, duration: now.timeIntervalSince(current.started)))
        }
        flush(connection, now: now)
    }

    private func flush(_ connection: HTTPConnection, now: Date) {
        while connection.hasPendingOutput {
            let n = connection.output.withUnsafeBytes { raw in
                send(connection.fd, raw.baseAddress! + connection.outputOffset, raw.count - connection.outputOffset, Int32(MSG_NOSIGNAL))
            }
            if n > 0 {
                connection.outputOffset += n
            } else if n < 0 && errno == EINTR {
                continue
            } else if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                watch(connection)
                return
            } else {
                closeConnection(connection)
                return
            }
        }
        connection.output = []
        connection.outputOffset = 0
        watch(connection)
        connection.current = nil
        if connection.closeAfterWrite {
            closeConnection(connection)
            return
        }
        connection.state = .idle(since: now)
        parseNext(connection, now: now)
    }

    private func expireTimeouts(now: Date, stopping: Bool) {
        for connection in Array(connections.values) {
            switch connection.state {
            case .idle(let since):
                if stopping || now.timeIntervalSince(since) > configuration.idleTimeout {
                    closeConnection(connection)
                }
            case .reading(let since):
                if now.timeIntervalSince(since) > configuration.readTimeout {
                    connection.input.removeAll()
                    connection.current = ("-", "-", since)
                    respond(connection, .text("Request Timeout\n", status: .requestTimeout), keepAlive: false, headOnly: false, now: now)
                }
            case .handling, .writing:
                break
            }
        }
    }

    private func closeConnection(_ connection: HTTPConnection) {
        guard connections[connection.fd] === connection else { return }
        epoll_ctl(epollFD, EPOLL_CTL_DEL, connection.fd, nil)
        close(connection.fd)
        connections[connection.fd] = nil
    }
}
