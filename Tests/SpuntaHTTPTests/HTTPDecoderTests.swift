import Foundation
import Testing
import SpuntaDomain
@testable import SpuntaHTTP

@Suite("HTTP decoder")
struct HTTPDecoderTests {
    static func decode(_ text: String, limits: HTTPDecoder.Limits = .init()) -> HTTPDecoder.Result {
        HTTPDecoder.decode(Array(text.utf8), limits: limits)
    }

    @Test("decodes a request with a body and leaves the next pipelined request in place")
    func pipelined() throws {
        let text = "POST /v1/push?x=1&name=a%20b HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhelloGET /healthz HTTP/1.1\r\nHost: h\r\n\r\n"
        guard case .request(let first, let used) = Self.decode(text) else {
            Issue.record("first request not decoded")
            return
        }
        #expect(first.method == "POST")
        #expect(first.path == "/v1/push")
        #expect(first.query == ["x": "1", "name": "a b"])
        #expect(String(decoding: first.body, as: UTF8.self) == "hello")
        #expect(first.headers["content-length"] == "5")
        let rest = Array(Array(text.utf8)[used...])
        guard case .request(let second, let used2) = HTTPDecoder.decode(rest) else {
            Issue.record("second request not decoded")
            return
        }
        #expect(second.path == "/healthz")
        #expect(used2 == rest.count)
    }

    @Test("waits for more bytes while the request is incomplete", arguments: [
        "GET / HTTP/1.1\r\nHost: h\r\n", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n12345", "GE", "",
    ])
    func needMore(text: String) {
        if case .needMore = Self.decode(text) {} else { Issue.record("expected needMore for \(text.debugDescription)") }
    }

    @Test("refuses malformed requests with the right status", arguments: [
        ("GET /\r\nHost: h\r\n\r\n", 400),
        ("GET / HTTP/1.1 extra\r\nHost: h\r\n\r\n", 400),
        ("GET / HTTP/2.0\r\nHost: h\r\n\r\n", 505),
        ("GET / HTTX/1.1\r\nHost: h\r\n\r\n", 400),
        ("GET http://example.com/ HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost h\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost : h\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: h\r\n folded\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999\r\n\r\n", 413),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 9000000\r\n\r\n", 413),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 501),
        ("G\u{01}T / HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: h\u{7F}\r\n\r\n", 400),
        ("GET / HTTP/1.1\nHost: h\n\n", 400),
    ])
    func malformed(text: String, status: Int) {
        guard case .failure(let got, _) = Self.decode(text) else {
            Issue.record("expected \(status) for \(text.debugDescription)")
            return
        }
        #expect(got.code == status, "\(text.debugDescription)")
    }

    @Test("headers larger than the limit get 431, even before they end")
    func headersTooLarge() {
        let limits = HTTPDecoder.Limits(maxHeaderBytes: 200, maxHeaderCount: 5, maxBodyBytes: 100)
        let long = "GET / HTTP/1.1\r\nHost: h\r\nX-Pad: " + String(repeating: "a", count: 400)
        guard case .failure(let status, _) = Self.decode(long, limits: limits) else {
            Issue.record("oversize header not refused")
            return
        }
        #expect(status.code == 431)
        let many = "GET / HTTP/1.1\r\nHost: h\r\n" + (0..<6).map { "X-\($0): 1\r\n" }.joined() + "\r\n"
        guard case .failure(let status2, _) = Self.decode(many, limits: limits) else {
            Issue.record("too many headers not refused")
            return
        }
        #expect(status2.code == 431)
    }

    /// The head of a request that three more body bytes complete, once an empty line ends it.
    static let junkPrefix = Array("POST /v1/push HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n".utf8)
    static let junkLimits = HTTPDecoder.Limits(maxHeaderBytes: 256, maxHeaderCount: 8, maxBodyBytes: 64)

    @Test("random junk never crashes the decoder and is never taken for a request by accident", arguments: [UInt64(1), 2, 3, 4, 5])
    func junk(seed: UInt64) {
        // The one way junk after the prefix makes a request: it starts with the empty line, and the body follows.
        guard case .request(let control, let used) = HTTPDecoder.decode(Self.junkPrefix + Array("\r\nabc".utf8), limits: Self.junkLimits),
              used == Self.junkPrefix.count + 5, control.body == Data("abc".utf8) else {
            Issue.record("the prefix and an empty line do not make a request: the check below would prove nothing")
            return
        }
        var rng = SeededGenerator(seed: seed)
        for round in 0..<2_000 {
            let length = Int.random(in: 0..<300, using: &rng)
            let junk = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            // Half the time the junk follows the head of a real request, to reach deeper states.
            let framed = Bool.random(using: &rng)
            let bytes = framed ? Self.junkPrefix + junk : junk
            let completes = framed && junk.count >= 5 && junk[0] == 13 && junk[1] == 10
            switch HTTPDecoder.decode(bytes, limits: Self.junkLimits) {
            case .needMore, .failure:
                #expect(!completes, "seed \(seed), round \(round): a whole request was not decoded")
            case .request(let request, let used):
                #expect(completes, "seed \(seed), round \(round): junk taken for a request: \(bytes)")
                #expect(used == Self.junkPrefix.count + 5, "seed \(seed), round \(round)")
                #expect(request.body == Data(junk[2..<min(5, junk.count)]), "seed \(seed), round \(round)")
            }
        }
    }
}

@Suite("Client address")
struct ClientAddressTests {
    static let proxy: Set<String> = ["127.0.0.1", "10.0.0.2"]

    @Test("the socket's peer, or what a trusted proxy says in X-Forwarded-For", arguments: [
        // (peer, X-Forwarded-For lines, expected)
        ("192.0.2.5:40000", [], "192.0.2.5"),
        ("192.0.2.5:40000", ["198.51.100.9"], "192.0.2.5"),
        ("127.0.0.1:40000", [], "127.0.0.1"),
        ("127.0.0.1:40000", ["198.51.100.9"], "198.51.100.9"),
        ("127.0.0.1:40000", ["1.2.3.4, 198.51.100.9"], "198.51.100.9"),
        ("127.0.0.1:40000", ["1.2.3.4", "198.51.100.9"], "198.51.100.9"),
        ("127.0.0.1:40000", ["198.51.100.9, 10.0.0.2"], "198.51.100.9"),
        ("127.0.0.1:40000", ["10.0.0.2"], "127.0.0.1"),
        ("127.0.0.1:40000", ["2001:db8::7"], "2001:db8::7"),
        ("127.0.0.1:40000", ["1.2.3.4, not an address"], "127.0.0.1"),
        ("127.0.0.1:40000", [""], "127.0.0.1"),
    ])
    func resolve(peer: String, forwarded: [String], expected: String) {
        var headers = HTTPHeaders()
        for line in forwarded { headers.add("X-Forwarded-For", line) }
        let request = HTTPRequest(method: "POST", target: "/v1/enroll", headers: headers, remoteAddress: peer)
        #expect(ClientAddress.of(request, trustedProxies: Self.proxy) == expected)
    }
}
