import CSystem
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An HTTP/1.1 server on POSIX sockets (server HTTP): one event-loop thread with epoll holds every connection,
/// handlers run as Swift tasks, so a slow client or a long poll holds no thread. Every request is bounded in
/// header size, body size and time — the time to arrive and the time its handler may take; excess connections
/// get 503; shutdown lets requests in flight finish. Each connection's keep-alive cycle is `HTTPConnection`'s;
/// the server listens, accepts, runs the loop and the handlers.
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
        /// A handler must answer within this time from the whole request (else the handler's
        /// `deadlineExceeded(for:)` answer, 503 by default, and the connection is closed). Longer than the longest
        /// wait a handler may choose (a long poll).
        public var handlerDeadline: TimeInterval

        public init(
            host: String = "127.0.0.1", port: Int = 8080, limits: HTTPDecoder.Limits = HTTPDecoder.Limits(),
            readTimeout: TimeInterval = 10, idleTimeout: TimeInterval = 60, maxConnections: Int = 4096,
            shutdownGrace: TimeInterval = 10, handlerDeadline: TimeInterval = 60
        ) {
            self.host = host
            self.port = port
            self.limits = limits
            self.readTimeout = readTimeout
            self.idleTimeout = idleTimeout
            self.maxConnections = maxConnections
            self.shutdownGrace = shutdownGrace
            self.handlerDeadline = handlerDeadline
        }
    }

    private struct Completion {
        let fd: Int32
        let generation: UInt64
        let serial: UInt64
        let response: HTTPResponse
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

    /// The address could not be taken. `code` is bind's errno, kept so that the command line can tell an address
    /// already in use (another server listening there) from one that is not this machine's.
    public struct BindFailure: Error, CustomStringConvertible {
        public let host: String
        public let port: Int
        public let code: Int32

        public var addressInUse: Bool { code == EADDRINUSE }
        public var description: String { "bind \(host):\(port): \(String(cString: strerror(code)))" }
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
            throw BindFailure(host: configuration.host, port: configuration.port, code: code)
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
                        if flags & EPOLLIN.rawValue != 0 { connection.readAvailable(now: now) }
                        if flags & EPOLLOUT.rawValue != 0, connections[fd] === connection { connection.writable(now: now) }
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
            for connection in Array(connections.values) { connection.expireTimeouts(now: now, stopping: stopping) }
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
            let connection = HTTPConnection(fd: fd, remote: Socket.describe(address), generation: nextGeneration, now: now,
                                            owner: self, configuration: configuration)
            connections[fd] = connection
            register(fd, events: EPOLLIN.rawValue | EPOLLRDHUP.rawValue)
        }
    }

    private func complete(_ completion: Completion) {
        lock.withLock { completions.append(completion) }
        wake()
    }

    private func deliver(_ completion: Completion, now: Date) {
        guard let connection = connections[completion.fd], connection.generation == completion.generation else { return }
        connection.finish(serial: completion.serial, response: completion.response, now: now)
    }

    func closeConnection(_ connection: HTTPConnection) {
        guard connections[connection.fd] === connection else { return }
        epoll_ctl(epollFD, EPOLL_CTL_DEL, connection.fd, nil)
        close(connection.fd)
        connections[connection.fd] = nil
    }
}

extension HTTPServer: HTTPConnectionOwner {
    var isStopping: Bool { lock.withLock { stopRequested } }

    func watch(_ connection: HTTPConnection, events: UInt32) {
        modify(connection.fd, events: events)
    }

    func startHandler(_ request: HTTPRequest, on connection: HTTPConnection, serial: UInt64) -> Task<Void, Never> {
        let fd = connection.fd, generation = connection.generation
        let handler = self.handler
        return Task(executorPreference: executor) { [weak self] in
            let response: HTTPResponse
            do {
                response = try await handler.handle(request)
            } catch {
                response = .text("Internal Server Error\n", status: .internalServerError)
            }
            self?.complete(Completion(fd: fd, generation: generation, serial: serial, response: response))
        }
    }

    func deadlineExceeded(for request: HTTPRequest) -> HTTPResponse {
        handler.deadlineExceeded(for: request)
    }

    func answered(_ entry: AccessLogEntry) {
        accessLog?(entry)
    }
}
