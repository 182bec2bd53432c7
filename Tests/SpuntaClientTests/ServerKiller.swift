import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A loopback relay between devices and the server that plays the server's sudden death at an exact request:
/// before the n-th request of a path reaches the server, or after the server has answered it (the answer is
/// lost). The connection to the device is then dropped, as a dead server's would be. It can also play a server
/// too busy to take pushes: the first n requests of a path are answered `503 server_busy` with a `Retry-After`,
/// as the real server answers beyond its admission bound, and never reach it. Requests are relayed one at a
/// time per connection (`Content-Length` bodies only, as spunta-sync/1 uses).
final class ServerKiller: Sendable {
    enum Moment: Sendable {
        case beforeForwarding
        case afterServerAnswered
    }

    private struct Trigger {
        let request: String
        let occurrence: Int
        let moment: Moment
        let action: @Sendable () -> Void
    }

    /// What the relay threads and the test share.
    private struct Plan {
        var upstreamPort: Int
        var trigger: Trigger?
        var counts: [String: Int] = [:]
        var didFire = false
        var busy: Busy?
    }

    /// The requests answered busy instead of being forwarded.
    private struct Busy {
        let request: String
        var remaining: Int
        let retryAfter: Int
        /// The head (request line and headers) of every request of that path, busy or forwarded, in order.
        var seen: [String] = []
    }

    private let plan: Mutex<Plan>
    private let listenFD: Int32
    let port: Int

    init(upstreamPort: Int) throws {
        plan = Mutex(Plan(upstreamPort: upstreamPort))
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard fd >= 0, bound == 0, listen(fd, 64) == 0 else { throw DeploymentError.command("relay: cannot listen") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listenFD = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        // The loop holds the relay weakly, so that releasing it closes the socket and ends the loop.
        Thread { [weak self] in
            while true {
                let client = accept(fd, nil, nil)
                if client < 0 {
                    if errno == EINTR { continue }
                    return
                }
                guard let self else {
                    close(client)
                    return
                }
                Thread { self.relay(client) }.start()
            }
        }.start()
    }

    var url: String { "http://127.0.0.1:\(port)" }

    /// Where requests go from now on (the server restarted on another port).
    func setUpstream(_ port: Int) { plan.withLock { $0.upstreamPort = port } }

    /// At the `occurrence`-th request whose line starts with `request` (e.g. "POST /v1/push"), run `action`
    /// (kill the server) at `moment` and drop the device's connection.
    func arm(_ request: String, occurrence: Int, _ moment: Moment, action: @escaping @Sendable () -> Void) {
        plan.withLock { plan in
            plan.trigger = Trigger(request: request, occurrence: occurrence, moment: moment, action: action)
            plan.counts = [:]
            plan.didFire = false
        }
    }

    var fired: Bool { plan.withLock { $0.didFire } }

    /// Answers the next `times` requests whose line starts with `request` with `503 server_busy` and
    /// `Retry-After: retryAfter`, as the server does when it holds as many pushes as it may; the ones after
    /// reach the server.
    func answerBusy(_ request: String, times: Int, retryAfter: Int) {
        plan.withLock { $0.busy = Busy(request: request, remaining: times, retryAfter: retryAfter) }
    }

    /// The heads of the requests `answerBusy` watches, lower-cased, in the order they came.
    var busyWatched: [String] { plan.withLock { $0.busy?.seen ?? [] } }

    /// The answer of a busy server, byte for byte as the real one gives it (status, headers, error body).
    private static func busyAnswer(retryAfter: Int) -> [UInt8] {
        let body = #"{"error":{"code":"server_busy","message":"Il server è occupato: l'invio sarà ripetuto tra poco, senza contare nulla due volte."}}"#
        let head = "HTTP/1.1 503 Service Unavailable\r\nSpunta-Protocol: 1\r\nRetry-After: \(retryAfter)\r\n"
            + "Content-Type: application/json; charset=utf-8\r\nContent-Length: \(body.utf8.count)\r\n\r\n"
        return Array((head + body).utf8)
    }

    private func relay(_ client: Int32) {
        defer { close(client) }
        var fromDevice: [UInt8] = []
        while let request = Self.readMessage(client, &fromDevice) {
            let line = String(decoding: request.prefix { $0 != 13 }, as: UTF8.self)
            let busyAnswer: [UInt8]? = plan.withLock { plan in
                guard var busy = plan.busy, line.hasPrefix(busy.request) else { return nil }
                let head = String(decoding: request, as: UTF8.self).components(separatedBy: "\r\n\r\n").first ?? ""
                busy.seen.append(head.lowercased())
                defer { plan.busy = busy }
                guard busy.remaining > 0 else { return nil }
                busy.remaining -= 1
                return Self.busyAnswer(retryAfter: busy.retryAfter)
            }
            if let busyAnswer {
                guard Self.writeAll(client, busyAnswer) else { return }
                continue
            }
            let moment: Moment? = plan.withLock { plan in
                guard let trigger = plan.trigger, !plan.didFire, line.hasPrefix(trigger.request) else { return nil }
                plan.counts[trigger.request, default: 0] += 1
                return plan.counts[trigger.request] == trigger.occurrence ? trigger.moment : nil
            }
            if moment == .beforeForwarding { return fire() }
            guard let response = forward(request) else { return }
            if moment == .afterServerAnswered { return fire() }
            guard Self.writeAll(client, response) else { return }
        }
    }

    private func fire() {
        let action = plan.withLock { plan -> (@Sendable () -> Void)? in
            plan.didFire = true
            return plan.trigger?.action
        }
        action?()
    }

    /// One request to the server on a connection of its own; its whole answer, or nil when it is not there.
    private func forward(_ request: [UInt8]) -> [UInt8]? {
        let port = plan.withLock { $0.upstreamPort }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0, Self.writeAll(fd, request) else { return nil }
        var buffer: [UInt8] = []
        return Self.readMessage(fd, &buffer)
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent <= 0 { return false }
            offset += sent
        }
        return true
    }

    /// One HTTP message (head and `Content-Length` body) from `fd`, keeping what follows in `buffer`.
    private static func readMessage(_ fd: Int32, _ buffer: inout [UInt8]) -> [UInt8]? {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        func more() -> Bool {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return false }
            buffer.append(contentsOf: chunk[0..<n])
            return true
        }
        let separator: [UInt8] = [13, 10, 13, 10]
        var headEnd: Int?
        while headEnd == nil {
            if buffer.count >= 4 {
                headEnd = (0...(buffer.count - 4)).first { buffer[$0..<($0 + 4)].elementsEqual(separator) }.map { $0 + 4 }
            }
            if headEnd == nil, !more() { return nil }
        }
        guard let headEnd else { return nil }
        let head = String(decoding: buffer[0..<headEnd], as: UTF8.self).lowercased()
        let length = head.components(separatedBy: "\r\n").first { $0.hasPrefix("content-length:") }
            .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
        while buffer.count < headEnd + length {
            if !more() { return nil }
        }
        let message = Array(buffer[0..<(headEnd + length)])
        buffer.removeFirst(headEnd + length)
        return message
    }

    deinit {
        shutdown(listenFD, Int32(SHUT_RDWR))
        close(listenFD)
    }
}
