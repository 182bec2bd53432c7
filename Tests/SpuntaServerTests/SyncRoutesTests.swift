import Foundation
import Testing
import SpuntaHTTP
import SpuntaProtocol
@testable import SpuntaServer
@testable import SpuntaSync

@Suite("The endpoint table")
struct SyncRoutesTests {
    @Test("every device endpoint under /v1 checks the protocol version first", arguments: [
        ("POST", "/v1/enroll"), ("POST", "/v1/push"), ("GET", "/v1/pull"), ("GET", "/v1/device"),
    ])
    func versionGroup(method: String, path: String) throws {
        let f = try ServerFixture()
        defer { f.stop() }
        let client = try HTTPClient(baseURL: f.baseURL)
        for version in [nil, "2"] as [String?] {
            var headers: HTTPHeaders = ["Authorization": "Bearer nessuno"]
            if let version { headers.add(ProtocolVersion.header, version) }
            let answer = try client.send(method: method, path: path, headers: headers, body: Data("{}".utf8))
            #expect(answer.status == 426, "\(method) \(path) with version \(version ?? "none")")
            #expect(answer.headers[ProtocolVersion.header] == String(ProtocolVersion.current))
            let error = try WireCoding.decode(WireError.self, from: answer.body)
            #expect(error.code == WireErrorCode.protocolVersionUnsupported)
        }
        // With the version, the endpoint itself answers (here: the token is unknown, or the enrollment body bad).
        var headers: HTTPHeaders = ["Authorization": "Bearer nessuno"]
        headers.add(ProtocolVersion.header, String(ProtocolVersion.current))
        let answer = try client.send(method: method, path: path, headers: headers, body: Data("{}".utf8))
        #expect(answer.status != 426)
    }

    @Test("the admin's status, read by admin tools, needs no protocol version; unknown paths under /v1 are 404")
    func outsideTheGroup() throws {
        let f = try ServerFixture()
        defer { f.stop() }
        let client = try HTTPClient(baseURL: f.baseURL)
        #expect(try client.send(method: "GET", path: "/v1/admin/status").status == 401)
        #expect(try client.send(method: "GET", path: "/v1/nothing").status == 404)
        #expect(try client.send(method: "GET", path: "/v1/push").status == 405)
    }

    @Test("a late answer of the sync server is a wire error with the protocol header, which a device can read")
    func deadlineAnswer() throws {
        let f = try ServerFixture()
        defer { f.stop() }
        let router = SyncRoutes.router(f.server.service)
        let answer = router.deadlineExceeded(for: HTTPRequest(method: "POST", target: "/v1/push"))
        #expect(answer.status == .serviceUnavailable)
        #expect(answer.headers[ProtocolVersion.header] == String(ProtocolVersion.current))
        let error = try WireCoding.decode(WireError.self, from: answer.body)
        #expect(error.code == WireErrorCode.deadlineExceeded)
        #expect(error.message.contains("riprovare"))
    }
}
