import Foundation
import SpuntaHTTP
import SpuntaProtocol
import SpuntaTestSupport
import Testing
@testable import SpuntaServer
@testable import SpuntaSync
import Synchronization

/// A clock the test moves by hand, and what the server logged and waited.
final class AttemptRecorder: Sendable {
    private struct Record {
        var now: Date
        var lines: [String] = []
        var waits: [TimeInterval] = []
    }

    private let record: Mutex<Record>

    init(_ start: Date) {
        record = Mutex(Record(now: start))
    }

    var clock: @Sendable () -> Date { { [self] in record.withLock { $0.now } } }
    var log: @Sendable (String) -> Void { { [self] line in record.withLock { $0.lines.append(line) } } }
    /// Records the wait instead of waiting: the test stays fast and needs no timing.
    var pause: @Sendable (TimeInterval) async -> Void { { [self] seconds in record.withLock { $0.waits.append(seconds) } } }

    func advance(_ seconds: TimeInterval) { record.withLock { $0.now = $0.now.addingTimeInterval(seconds) } }
    var logged: [String] { record.withLock { $0.lines } }
    var waited: [TimeInterval] { record.withLock { $0.waits } }
}

/// Enrollment attempts: a wrong code is counted per client address, slowed down, then refused for a while and
/// logged, without ever reaching the single writer; a used code reads like an unknown one; the device that used
/// a code may ask again with the token it proposed (its answer was lost).
@Suite("Enrollment attempts")
struct EnrollmentAttemptTests {
    static let attacker = "203.0.113.7"
    static let office = "198.51.100.2"

    static func enroll(_ client: HTTPClient, code: String, token: String? = nil, from address: String? = nil) throws -> HTTPClientResponse {
        var headers: HTTPHeaders = ["Spunta-Protocol": "1"]
        if let address { headers.add("X-Forwarded-For", address) }
        let body = try WireCoding.encode(EnrollRequest(code: code, deviceLabel: "palmare", appVersion: "test", token: token))
        return try client.send(method: "POST", path: "/v1/enroll", headers: headers, body: body)
    }

    static func error(_ response: HTTPClientResponse) -> String? {
        (try? WireCoding.decode(WireError.self, from: response.body))?.code
    }

    /// A fixture behind a reverse proxy on loopback: `X-Forwarded-For` names the client.
    static func behindProxy(_ recorder: AttemptRecorder, trusted: Bool = true) throws -> ServerFixture {
        var settings = SyncService.Settings()
        if trusted { settings.trustedProxies = ["127.0.0.1"] }
        return try ServerFixture(settings: settings, clock: recorder.clock, log: recorder.log, pause: recorder.pause)
    }

    @Test("wrong codes from one address are slowed down, then refused for a while and logged; another address enrolls")
    func wrongCodesLockOut() async throws {
        let recorder = AttemptRecorder(Date())
        let f = try Self.behindProxy(recorder)
        defer { f.stop() }
        let policy = EnrollmentGuard.Policy()
        let good = try f.addDevice(.canteen, ["site:S01"], name: "porta")
        let client = try HTTPClient(baseURL: f.baseURL)
        let wrong = (1...policy.maxFailures).map { String(format: "ZZZZ-ZZZZ-%04d", $0) }
        for code in wrong {
            let response = try Self.enroll(client, code: code, from: Self.attacker)
            #expect(response.status == 403)
            #expect(Self.error(response) == WireErrorCode.enrollmentCodeInvalid)
        }
        // Past the free failures each answer waited, doubling up to the cap.
        let expected = (0..<(policy.maxFailures - policy.freeFailures)).map { min(policy.maxDelay, policy.firstDelay * pow(2, Double($0))) }
        #expect(recorder.waited == expected)
        // Now refused without looking at the code, even the right one.
        for code in ["ZZZZ-ZZZZ-9999", good.code] {
            let refused = try Self.enroll(client, code: code, from: Self.attacker)
            #expect(refused.status == 429)
            #expect(Self.error(refused) == WireErrorCode.tooManyAttempts)
            #expect(refused.headers["Retry-After"] == String(Int(policy.lockout)))
            let message = try WireCoding.decode(WireError.self, from: refused.body).message
            #expect(message.contains("riprovare tra 15 minuti"), "\(message)")
        }
        // None of this reached the single writer.
        #expect(f.server.service.metrics.value("spunta_group_commits_total") == 0)
        // The office, at another address, enrolls with the right code.
        let enrolled = try Self.enroll(client, code: good.code, from: Self.office)
        #expect(enrolled.status == 200)
        #expect(try WireCoding.decode(EnrollResponse.self, from: enrolled.body).deviceId == good.deviceId)
        // Every failure is in the log with the address, the lockout too, and never a code.
        let logged = recorder.logged
        #expect(logged.filter { $0.contains("registrazione rifiutata da \(Self.attacker)") }.count == policy.maxFailures)
        #expect(logged.last { $0.contains(Self.attacker) }?.contains("indirizzo bloccato per 15 minuti") == true)
        for code in wrong + [good.code] {
            #expect(!logged.contains { $0.contains(code) || $0.contains(EnrollmentCode.normalize(code)) })
        }
        // After the lockout the address may try again.
        recorder.advance(policy.lockout)
        #expect(try Self.enroll(client, code: "ZZZZ-ZZZZ-0000", from: Self.attacker).status == 403)
    }

    @Test("without a trusted proxy, X-Forwarded-For is ignored: a guesser cannot dodge the count by writing it")
    func forwardedForNotTrusted() async throws {
        let recorder = AttemptRecorder(Date())
        let f = try Self.behindProxy(recorder, trusted: false)
        defer { f.stop() }
        let client = try HTTPClient(baseURL: f.baseURL)
        let policy = EnrollmentGuard.Policy()
        for i in 1...policy.maxFailures {
            #expect(try Self.enroll(client, code: "ZZZZ-ZZZZ-ZZZZ", from: "10.0.0.\(i)").status == 403)
        }
        #expect(try Self.enroll(client, code: "ZZZZ-ZZZZ-ZZZZ", from: "10.0.0.99").status == 429)
        #expect(recorder.logged.allSatisfy { $0.contains("da 127.0.0.1") })
    }

    @Test("a used code is answered exactly like an unknown one, unless the device that used it asks again with its token")
    func usedCode() async throws {
        let recorder = AttemptRecorder(Date())
        let f = try Self.behindProxy(recorder)
        defer { f.stop() }
        let added = try f.addDevice(.teacher, ["class:S01-1A"], name: "maestra")
        let client = try HTTPClient(baseURL: f.baseURL)
        let token = "dGhlLXRva2VuLXRoZS1kZXZpY2UtcHJvcG9zZWQtZm9yLWl0c2VsZg"
        let first = try Self.enroll(client, code: added.code, token: token)
        try #require(first.status == 200)
        let answer = try WireCoding.decode(EnrollResponse.self, from: first.body)
        #expect(answer.token == token)

        let unknown = try Self.enroll(client, code: "ZZZZ-ZZZZ-ZZZZ")
        for response in [
            try Self.enroll(client, code: added.code),
            try Self.enroll(client, code: added.code, token: "YW5vdGhlci10b2tlbi1ieS1zb21lYm9keS1lbHNlLXdobw"),
        ] {
            #expect(response.status == unknown.status)
            #expect(response.body == unknown.body)
        }
        // The device whose answer was lost asks again: the same answer, the same device, nothing written.
        let commits = f.server.service.metrics.value("spunta_group_commits_total")
        let again = try Self.enroll(client, code: added.code.lowercased().replacingOccurrences(of: "-", with: " "), token: token)
        #expect(again.status == 200)
        let repeated = try WireCoding.decode(EnrollResponse.self, from: again.body)
        #expect(repeated.deviceId == answer.deviceId)
        #expect(repeated.token == token)
        #expect(f.server.service.metrics.value("spunta_group_commits_total") == commits)
        #expect(recorder.logged.contains { $0.contains("registrazione di \(answer.deviceId) ripetuta") })
        // A revoked device cannot get its answer again.
        try f.admin { db in try DeviceRegistry.revoke(db, id: answer.deviceId, reason: "smarrito", actor: "test", now: Date()) }
        #expect(try Self.enroll(client, code: added.code, token: token).body == unknown.body)
    }

    @Test("a proposed token that is not 32 random bytes in base64url is refused", arguments: [
        "corto", String(repeating: "a", count: 129), "dGhlLXRva2VuLXRoZS1kZXZpY2UtcHJvcG9zZWQtZm9yLWl0c2VsZg==", "dGhlLXRva2VuLXRoZS1kZXZpY2UtcHJvc GVkLWZvci1pdHNlbGY",
    ])
    func malformedToken(token: String) async throws {
        let f = try ServerFixture()
        defer { f.stop() }
        let added = try f.addDevice(.teacher, ["class:S01-1A"], name: "maestra")
        let client = try HTTPClient(baseURL: f.baseURL)
        let response = try Self.enroll(client, code: added.code, token: token)
        #expect(response.status == 400)
        #expect(Self.error(response) == WireErrorCode.malformedRequest)
        // The code is still unused.
        #expect(try Self.enroll(client, code: added.code, token: String(repeating: "b", count: 43)).status == 200)
    }
}
