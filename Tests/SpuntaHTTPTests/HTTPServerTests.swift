import Foundation
import Synchronization
import Testing
@testable import SpuntaHTTP
#if canImport(Glibc)
import Glibc
#endif

/// A loopback port reserved by a socket that is bound but never listens: connecting to it is refused.
final class ClosedPort {
    let fd: Int32
    let port: Int

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard descriptor >= 0, bound == 0 else {
            if descriptor >= 0 { close(descriptor) }
            throw POSIXError(.EADDRNOTAVAIL)
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        fd = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(fd) }
}

/// A raw TCP connection for tests that must misbehave (trickle bytes, vanish mid-response).
final class RawConnection {
    let fd: Int32
    /// Whether the last `readAll` ended because the server closed the connection (not because time ran out).
    private(set) var closedByPeer = false

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = try Socket.resolve("127.0.0.1", port: port)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { throw Socket.Failure(call: "connect", code: errno) }
    }

    func write(_ text: String) {
        _ = Array(text.utf8).withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Half-close: the client says it will send nothing more, and still reads the answer.
    func finishWriting() {
        shutdown(fd, Int32(SHUT_WR))
    }

    /// Reads until the peer closes or `seconds` pass.
    func readAll(seconds: Double = 5) -> String {
        closedByPeer = false
        var result: [UInt8] = []
        let deadline = Date().addingTimeInterval(seconds)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while Date() < deadline {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, 100) > 0 else { continue }
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 {
                closedByPeer = true
                break
            }
            result.append(contentsOf: buffer[0..<n])
        }
        return String(decoding: result, as: UTF8.self)
    }

    /// Reads until a whole response head has arrived (the connection stays open).
    func readHead(seconds: Double = 5) -> String {
        var result: [UInt8] = []
        let deadline = Date().addingTimeInterval(seconds)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while Date() < deadline, !String(decoding: result, as: UTF8.self).contains("\r\n\r\n") {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, 100) > 0 else { continue }
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            result.append(contentsOf: buffer[0..<n])
        }
        return String(decoding: result, as: UTF8.self)
    }

    deinit { close(fd) }
}

/// Runs a blocking call on its own thread and lets a test await its result.
final class BlockingCall<T: Sendable>: Sendable {
    private let result = Mutex<Result<T, any Error>?>(nil)
    private let done = DispatchSemaphore(value: 0)

    init(_ body: @escaping @Sendable () throws -> T) {
        let thread = Thread { [self] in
            let outcome = Result { try body() }
            result.withLock { $0 = outcome }
            done.signal()
        }
        thread.start()
    }

    var isDone: Bool { result.withLock { $0 != nil } }

    func value() async throws -> T {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                self.done.wait()
                self.done.signal()
                c.resume()
            }
        }
        guard let outcome = result.withLock({ $0 }) else { throw CancellationError() }
        return try outcome.get()
    }
}

/// Lets a test hold a handler until it says so.
final class Gate: Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    func open() { semaphore.signal() }
    func wait() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                self.semaphore.wait()
                c.resume()
            }
        }
    }
}

/// Collects access-log entries.
final class LogCollector: Sendable {
    private let stored = Mutex<[AccessLogEntry]>([])
    func add(_ entry: AccessLogEntry) { stored.withLock { $0.append(entry) } }
    var entries: [AccessLogEntry] { stored.withLock { $0 } }
}

@Suite("HTTP server and client", .serialized)
struct HTTPServerTests {
    static func server(
        readTimeout: TimeInterval = 2, idleTimeout: TimeInterval = 60, maxConnections: Int = 64,
        handlerDeadline: TimeInterval = 60, gate: Gate? = nil, log: LogCollector? = nil
    ) throws -> HTTPServer {
        var router = Router()
        router.get("/hello") { request in .text("ciao \(request.query["name"] ?? "")") }
        router.post("/echo") { request in HTTPResponse(status: .ok, body: request.body) }
        router.get("/slow") { _ in
            await gate?.wait()
            return .text("fatto")
        }
        router.get("/fail") { _ in throw CancellationError() }
        router.get("/items/:id") { request in .text("item \(request.parameters["id"] ?? "")") }
        let config = HTTPServer.Configuration(
            host: "127.0.0.1", port: 0, limits: .init(maxHeaderBytes: 1024, maxHeaderCount: 20, maxBodyBytes: 1024),
            readTimeout: readTimeout, idleTimeout: idleTimeout, maxConnections: maxConnections, shutdownGrace: 5,
            handlerDeadline: handlerDeadline
        )
        var accessLog: (@Sendable (AccessLogEntry) -> Void)?
        if let log {
            accessLog = { entry in log.add(entry) }
        }
        let server = HTTPServer(configuration: config, handler: router, accessLog: accessLog)
        try server.start()
        return server
    }

    @Test("serves several requests on one kept-alive connection, with routes, parameters and 404/405")
    func keepAlive() throws {
        let server = try Self.server()
        defer { server.shutdown() }
        let client = try HTTPClient(baseURL: "http://127.0.0.1:\(server.port)")
        for name in ["anna", "bruno", "carla"] {
            let response = try client.send(method: "GET", path: "/hello?name=\(name)")
            #expect(response.status == 200)
            #expect(String(decoding: response.body, as: UTF8.self) == "ciao \(name)")
        }
        #expect(try client.send(method: "POST", path: "/echo", body: Data("abc".utf8)).body == Data("abc".utf8))
        #expect(try client.send(method: "GET", path: "/items/42").body == Data("item 42".utf8))
        #expect(try client.send(method: "GET", path: "/nothing").status == 404)
        let wrong = try client.send(method: "POST", path: "/hello")
        #expect(wrong.status == 405)
        #expect(wrong.headers["Allow"] == "GET")
        #expect(try client.send(method: "GET", path: "/fail").status == 500)
        #expect(try client.send(method: "GET", path: "/hello").status == 200)
    }

    @Test("a client trickling its headers gets 408 while another is served at once")
    func slowloris() async throws {
        // The trickler times out after 5 s; the other client is answered well before, whatever the load.
        let server = try Self.server(readTimeout: 5)
        defer { server.shutdown() }
        let slow = try RawConnection(port: server.port)
        slow.write("GET /hello HTTP/1.1\r\nHost: x\r\n")
        let started = Date()
        let client = try HTTPClient(baseURL: "http://127.0.0.1:\(server.port)")
        #expect(try client.send(method: "GET", path: "/hello").status == 200)
        #expect(Date().timeIntervalSince(started) < 4)
        let answer = slow.readAll(seconds: 20)
        #expect(answer.hasPrefix("HTTP/1.1 408"))
    }

    @Test("oversize body and headers get 413 and 431, and the server goes on")
    func limits() throws {
        let server = try Self.server()
        defer { server.shutdown() }
        let big = try RawConnection(port: server.port)
        big.write("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n")
        #expect(big.readAll().hasPrefix("HTTP/1.1 413"))
        let headers = try RawConnection(port: server.port)
        headers.write("GET /hello HTTP/1.1\r\nHost: x\r\nX-Pad: \(String(repeating: "a", count: 2000))\r\n\r\n")
        #expect(headers.readAll().hasPrefix("HTTP/1.1 431"))
        let junk = try RawConnection(port: server.port)
        junk.write("\u{16}\u{03}\u{01}\u{00}binary tls hello\r\n\r\n")
        #expect(junk.readAll().hasPrefix("HTTP/1.1 400"))
        let client = try HTTPClient(baseURL: "http://127.0.0.1:\(server.port)")
        #expect(try client.send(method: "GET", path: "/hello").status == 200)
    }

    @Test("connections beyond the limit get 503, not a stall")
    func connectionLimit() throws {
        let server = try Self.server(maxConnections: 3)
        defer { server.shutdown() }
        let held = try (0..<3).map { _ in try RawConnection(port: server.port) }
        // The three are answered, so they are accepted and held open before the fourth arrives.
        for connection in held {
            connection.write("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(connection.readHead().hasPrefix("HTTP/1.1 200"))
        }
        let extra = try RawConnection(port: server.port)
        #expect(extra.readAll(seconds: 3).hasPrefix("HTTP/1.1 503"))
        _ = held.count
    }

    @Test("a handler that does not answer by its deadline: 503 in Italian, the connection closed, the late answer dropped")
    func handlerDeadline() async throws {
        let gate = Gate()
        let log = LogCollector()
        let server = try Self.server(handlerDeadline: 0.3, gate: gate, log: log)
        defer { server.shutdown() }
        let raw = try RawConnection(port: server.port)
        // Kept alive by the client: it is the server that closes, because of the deadline.
        raw.write("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
        let answer = raw.readAll(seconds: 20)
        #expect(answer.hasPrefix("HTTP/1.1 503"), "\(answer)")
        #expect(answer.contains("Connection: close"), "\(answer)")
        #expect(answer.hasSuffix("Il server non ha risposto in tempo: riprovare tra poco.\n"), "\(answer)")
        #expect(raw.closedByPeer, "the server must close the connection after the late answer")
        // The handler answers after all: nobody receives it, and the server goes on serving.
        gate.open()
        let client = try HTTPClient(baseURL: "http://127.0.0.1:\(server.port)")
        #expect(try client.send(method: "GET", path: "/hello?name=dopo").body == Data("ciao dopo".utf8))
        #expect(log.entries.map(\.status).prefix(1) == [503], "the access log records the 503 given in the handler's place")
    }

    @Test("a handler's deadline answer can be the application's own")
    func handlerDeadlineAnswer() async throws {
        let gate = Gate()
        var router = Router()
        router.get("/slow") { _ in
            await gate.wait()
            return .text("fatto")
        }
        router.deadlineExceeded = { request in .text("troppo lento: \(request.path)", status: HTTPStatus(504)) }
        let server = HTTPServer(configuration: .init(host: "127.0.0.1", port: 0, handlerDeadline: 0.3), handler: router)
        try server.start()
        defer { server.shutdown() }
        defer { gate.open() }
        let raw = try RawConnection(port: server.port)
        raw.write("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
        let answer = raw.readAll(seconds: 20)
        #expect(answer.hasPrefix("HTTP/1.1 504"), "\(answer)")
        #expect(answer.hasSuffix("troppo lento: /slow"), "\(answer)")
    }

    @Test("routes of a group pass their shared check first; routes outside the group do not")
    func routeGroup() async throws {
        var router = Router()
        router.group("/v1", middleware: { request, next in
            guard request.headers["X-Version"] == "1" else { return .text("versione mancante", status: .upgradeRequired) }
            var response = try await next(request)
            response.headers.set("X-Checked", "yes")
            return response
        }) { v1 in
            v1.get("/items/:id") { request in .text("item \(request.parameters["id"] ?? "")") }
            v1.post("/items") { _ in .text("creato") }
        }
        router.get("/v1/open") { _ in .text("aperto") }
        let plain = HTTPRequest(method: "GET", target: "/v1/items/7")
        #expect(try await router.handle(plain).status == .upgradeRequired)
        let versioned = HTTPRequest(method: "GET", target: "/v1/items/7", headers: ["X-Version": "1"])
        let answer = try await router.handle(versioned)
        #expect(answer.body == Data("item 7".utf8))
        #expect(answer.headers["X-Checked"] == "yes")
        #expect(try await router.handle(HTTPRequest(method: "POST", target: "/v1/items", headers: ["X-Version": "1"])).body == Data("creato".utf8))
        #expect(try await router.handle(HTTPRequest(method: "GET", target: "/v1/open")).body == Data("aperto".utf8))
        // Unknown paths and wrong methods are the router's, before any check.
        #expect(try await router.handle(HTTPRequest(method: "GET", target: "/v1/nothing")).status == .notFound)
        #expect(try await router.handle(HTTPRequest(method: "DELETE", target: "/v1/items")).status == .methodNotAllowed)
        #expect(router.pattern(of: "/v1/items/9") == "/v1/items/:id")
    }

    @Test("a client that vanishes mid-response does not take the server down")
    func peerGone() throws {
        let server = try Self.server()
        defer { server.shutdown() }
        for _ in 0..<20 {
            let raw = try RawConnection(port: server.port)
            raw.write("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n\(String(repeating: "z", count: 1000))")
        }
        let client = try HTTPClient(baseURL: "http://127.0.0.1:\(server.port)")
        #expect(try client.send(method: "GET", path: "/hello").status == 200)
    }

    @Test("shutdown waits for a request in flight, then returns")
    func gracefulShutdown() async throws {
        let gate = Gate()
        let server = try Self.server(gate: gate)
        let port = server.port
        // Blocking calls run on their own threads: the server's handlers need the cooperative pool.
        let answer = BlockingCall { () throws -> Int in
            let client = try HTTPClient(baseURL: "http://127.0.0.1:\(port)")
            return try client.send(method: "GET", path: "/slow").status
        }
        try await Task.sleep(for: .milliseconds(200))
        let stopped = BlockingCall { server.shutdown() }
        try await Task.sleep(for: .milliseconds(200))
        #expect(!stopped.isDone, "shutdown must wait for the request in flight")
        gate.open()
        try await stopped.value()
        #expect(try await answer.value() == 200)
        // After shutdown nothing listens.
        #expect(throws: HTTPClientError.self) {
            _ = try HTTPClient(baseURL: "http://127.0.0.1:\(port)").send(method: "GET", path: "/hello")
        }
    }

    @Test("the client reconnects when the server closed an idle connection, and reports refused and timed-out servers")
    func clientErrors() async throws {
        let server = try Self.server(idleTimeout: 0.3)
        let client = try HTTPClient(baseURL: "http://127.0.0.1:\(server.port)")
        #expect(try client.send(method: "GET", path: "/hello").status == 200)
        try await Task.sleep(for: .milliseconds(800))
        #expect(try client.send(method: "GET", path: "/hello").status == 200)
        server.shutdown()
        // A port held by a bound socket that does not listen: refused for sure, and no other test's server can
        // be handed the same port meanwhile (as could happen with the port of the server just shut down).
        let closed = try ClosedPort()
        do {
            _ = try HTTPClient(baseURL: "http://127.0.0.1:\(closed.port)").send(method: "GET", path: "/hello")
            Issue.record("a closed port must fail")
        } catch {
            #expect(error == .connectionRefused("127.0.0.1:\(closed.port)"))
            #expect(error.userMessage.contains("offline"))
        }
        let gate = Gate()
        let slow = try Self.server(gate: gate)
        defer { gate.open(); slow.shutdown() }
        do {
            _ = try HTTPClient(baseURL: "http://127.0.0.1:\(slow.port)").send(method: "GET", path: "/slow", timeout: 0.3)
            Issue.record("a slow server must time out")
        } catch {
            #expect(error == .timeout("127.0.0.1:\(slow.port)"))
        }
        #expect(throws: HTTPClientError.self) { _ = try HTTPClient(baseURL: "ftp://x") }
    }

    @Test("the access log receives one entry per request")
    func accessLog() throws {
        let log = LogCollector()
        let server = try Self.server(log: log)
        let client = try HTTPClient(baseURL: "http://127.0.0.1:\(server.port)")
        _ = try client.send(method: "GET", path: "/hello")
        _ = try client.send(method: "GET", path: "/missing")
        server.shutdown()
        let entries = log.entries
        #expect(entries.map(\.status) == [200, 404])
        #expect(entries.first?.line.contains("\"GET /hello\" 200") == true)
    }

    @Test("a request followed by a half-close is answered, then the connection is closed", arguments: [
        "GET /hello?name=eva HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /hello?name=eva HTTP/1.0\r\n\r\n",
        "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 9\r\n\r\nciao eva\n",
    ])
    func halfClose(request: String) throws {
        let server = try Self.server()
        defer { server.shutdown() }
        let raw = try RawConnection(port: server.port)
        raw.write(request)
        raw.finishWriting()
        let answer = raw.readAll()
        #expect(answer.hasPrefix("HTTP/1.1 200"), "\(answer)")
        #expect(answer.hasSuffix("ciao eva") || answer.hasSuffix("ciao eva\n"), "\(answer)")
        // Whether the answer says "close" depends on whether the end of input reached the server before the
        // handler finished; either way the server must then close the connection rather than wait for more.
        #expect(raw.closedByPeer, "the server kept the half-closed connection open: \(answer)")
        #expect(answer.components(separatedBy: "HTTP/1.1 200").count == 2, "\(answer)")
    }

    @Test("a half-close while the handler is still working: the answer is delivered when it is ready")
    func halfCloseDuringHandler() async throws {
        let gate = Gate()
        let server = try Self.server(gate: gate)
        defer { server.shutdown() }
        let raw = try RawConnection(port: server.port)
        raw.write("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
        raw.finishWriting()
        // The end of the client's input reaches the server while the handler waits at the gate.
        try await Task.sleep(for: .milliseconds(200))
        gate.open()
        let answer = raw.readAll()
        #expect(answer.hasPrefix("HTTP/1.1 200"), "\(answer)")
        #expect(answer.hasSuffix("fatto"), "\(answer)")
    }

    @Test("two pipelined requests and a half-close: both answered, in order; an incomplete one after them is dropped")
    func halfClosePipelined() throws {
        let server = try Self.server()
        defer { server.shutdown() }
        let raw = try RawConnection(port: server.port)
        raw.write("GET /hello?name=uno HTTP/1.1\r\nHost: x\r\n\r\nGET /hello?name=due HTTP/1.1\r\nHost: x\r\n\r\nGET /hel")
        raw.finishWriting()
        let answer = raw.readAll()
        #expect(answer.components(separatedBy: "HTTP/1.1 200").count == 3, "\(answer)")
        let first = try #require(answer.range(of: "ciao uno"))
        let second = try #require(answer.range(of: "ciao due"))
        #expect(first.lowerBound < second.lowerBound)
    }
}
