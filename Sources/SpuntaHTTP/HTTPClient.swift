import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The response the client received.
public struct HTTPClientResponse: Sendable {
    public let status: Int
    public let headers: HTTPHeaders
    public let body: Data
}

/// A small blocking HTTP/1.1 client (client HTTP) for the field program and the tests: one keep-alive
/// connection to one server, timeouts on connect and on the whole exchange, typed errors. Not shared between
/// threads: each thread or task makes its own.
public final class HTTPClient {
    public struct Configuration: Sendable {
        public var connectTimeout: TimeInterval = 5
        public var requestTimeout: TimeInterval = 30
        public var maxResponseBytes = 64 * 1024 * 1024

        public init() {}
    }

    public let host: String
    public let port: Int
    public let configuration: Configuration
    private var fd: Int32 = -1
    private var leftover: [UInt8] = []

    /// `baseURL` is `http://host[:port]` (no TLS: a reverse proxy terminates it, see the README).
    public init(baseURL: String, configuration: Configuration = Configuration()) throws(HTTPClientError) {
        var rest = Substring(baseURL.trimmingCharacters(in: .whitespaces))
        guard rest.lowercased().hasPrefix("http://") else { throw .invalidURL(baseURL) }
        rest = rest.dropFirst(7)
        if let slash = rest.firstIndex(of: "/") { rest = rest[..<slash] }
        var port = 80
        var host = String(rest)
        if let colon = rest.lastIndex(of: ":") {
            guard let p = Int(rest[rest.index(after: colon)...]), (1...65_535).contains(p) else { throw .invalidURL(baseURL) }
            port = p
            host = String(rest[..<colon])
        }
        guard !host.isEmpty else { throw .invalidURL(baseURL) }
        self.host = host
        self.port = port
        self.configuration = configuration
    }

    deinit {
        disconnect()
    }

    public func disconnect() {
        if fd >= 0 { close(fd) }
        fd = -1
        leftover = []
    }

    private var hostLabel: String { "\(host):\(port)" }

    /// Sends one request and reads the whole response. A request on a kept-alive connection that the server
    /// had already closed is sent once more on a new connection when `retryIfStale` (safe for idempotent calls).
    public func send(
        method: String, path: String, headers: HTTPHeaders = HTTPHeaders(), body: Data = Data(),
        timeout: TimeInterval? = nil, retryIfStale: Bool = true
    ) throws(HTTPClientError) -> HTTPClientResponse {
        let deadline = Date().addingTimeInterval(timeout ?? configuration.requestTimeout)
        let reused = fd >= 0
        do {
            return try exchange(method: method, path: path, headers: headers, body: body, deadline: deadline)
        } catch let error where reused && retryIfStale && error == .connectionClosed(hostLabel) {
            disconnect()
            return try exchange(method: method, path: path, headers: headers, body: body, deadline: deadline)
        }
    }

    private func exchange(method: String, path: String, headers: HTTPHeaders, body: Data, deadline: Date) throws(HTTPClientError) -> HTTPClientResponse {
        if fd < 0 { try connect(deadline: deadline) }
        let bytes = HTTPEncoder.encodeRequest(method: method, target: path, host: hostLabel, headers: headers, body: body)
        do {
            try writeAll(bytes, deadline: deadline)
            let response = try readResponse(method: method, deadline: deadline)
            if response.headers["Connection"]?.lowercased().contains("close") == true { disconnect() }
            return response
        } catch {
            disconnect()
            throw error
        }
    }

    private func connect(deadline: Date) throws(HTTPClientError) {
        let address: sockaddr_in
        do {
            address = try Socket.resolve(host, port: port)
        } catch {
            throw .unreachable(hostLabel, reason: "nome non risolto")
        }
        let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard s >= 0 else { throw .unreachable(hostLabel, reason: String(cString: strerror(errno))) }
        do {
            try Socket.setNonBlocking(s)
        } catch {
            close(s)
            throw .unreachable(hostLabel, reason: "socket")
        }
        Socket.setNoDelay(s)
        var copy = address
        let result = withUnsafePointer(to: &copy) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(s, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if result != 0 {
            guard errno == EINPROGRESS else {
                let code = errno
                close(s)
                throw code == ECONNREFUSED ? .connectionRefused(hostLabel) : .unreachable(hostLabel, reason: String(cString: strerror(code)))
            }
            let connectDeadline = min(deadline, Date().addingTimeInterval(configuration.connectTimeout))
            guard wait(s, for: Int16(POLLOUT), until: connectDeadline) else {
                close(s)
                throw .timeout(hostLabel)
            }
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(s, SOL_SOCKET, SO_ERROR, &error, &length)
            if error != 0 {
                close(s)
                throw error == ECONNREFUSED ? .connectionRefused(hostLabel) : .unreachable(hostLabel, reason: String(cString: strerror(error)))
            }
        }
        fd = s
        leftover = []
    }

    /// Waits until `socket` is ready for `events` or the deadline passes.
    private func wait(_ socket: Int32, for events: Int16, until deadline: Date) -> Bool {
        while true {
            let remaining = deadline.timeIntervalSinceNow
            if remaining <= 0 { return false }
            var pfd = pollfd(fd: socket, events: events, revents: 0)
            let n = poll(&pfd, 1, Int32(min(remaining * 1000, 1_000_000)) + 1)
            if n > 0 { return true }
            if n < 0 && errno != EINTR { return true }
        }
    }

    private func writeAll(_ bytes: [UInt8], deadline: Date) throws(HTTPClientError) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if n > 0 {
                offset += n
            } else if n < 0 && errno == EINTR {
                continue
            } else if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                guard wait(fd, for: Int16(POLLOUT), until: deadline) else { throw .timeout(hostLabel) }
            } else {
                throw .connectionClosed(hostLabel)
            }
        }
    }

    /// Reads more bytes into `leftover`; false at end of stream.
    private func fill(deadline: Date) throws(HTTPClientError) -> Bool {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 {
                leftover.append(contentsOf: buffer[0..<n])
                if leftover.count > configuration.maxResponseBytes { throw .responseTooLarge(leftover.count) }
                return true
            }
            if n == 0 { return false }
            if errno == EINTR { continue }
            if errno == EAGAIN || errno == EWOULDBLOCK {
                guard wait(fd, for: Int16(POLLIN), until: deadline) else { throw .timeout(hostLabel) }
                continue
            }
            throw .connectionClosed(hostLabel)
        }
    }

    private func readResponse(method: String, deadline: Date) throws(HTTPClientError) -> HTTPClientResponse {
        let separator: [UInt8] = [13, 10, 13, 10]
        var headerEnd: Int?
        while headerEnd == nil {
            headerEnd = Self.find(separator, in: leftover)
            if headerEnd == nil {
                guard try fill(deadline: deadline) else { throw .connectionClosed(hostLabel) }
                if leftover.count > 64 * 1024 && Self.find(separator, in: leftover) == nil {
                    throw .malformedResponse("intestazioni troppo lunghe")
                }
            }
        }
        guard let headerEnd else { throw .malformedResponse("intestazioni") }
        let head = String(decoding: leftover[0..<headerEnd], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst()
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]) else {
            throw .malformedResponse("riga di stato «\(statusLine.prefix(40))»")
        }
        var headers = HTTPHeaders()
        for line in lines where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { throw .malformedResponse("intestazione senza «:»") }
            headers.add(String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        leftover.removeFirst(headerEnd + 4)
        let noBody = method == "HEAD" || status == 204 || status == 304 || (100..<200).contains(status)
        var body: [UInt8] = []
        if noBody {
            body = []
        } else if let lengthText = headers["Content-Length"] {
            guard let length = Int(lengthText), length >= 0 else { throw .malformedResponse("Content-Length «\(lengthText)»") }
            guard length <= configuration.maxResponseBytes else { throw .responseTooLarge(length) }
            while leftover.count < length {
                guard try fill(deadline: deadline) else { throw .connectionClosed(hostLabel) }
            }
            body = Array(leftover[0..<length])
            leftover.removeFirst(length)
        } else {
            // No length: the body runs to the end of the connection.
            while try fill(deadline: deadline) {}
            body = leftover
            leftover = []
            disconnect()
        }
        return HTTPClientResponse(status: status, headers: headers, body: Data(body))
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for i in 0...(haystack.count - needle.count) where haystack[i] == needle[0] {
            if Array(haystack[i..<(i + needle.count)]) == needle { return i }
        }
        return nil
    }
}
