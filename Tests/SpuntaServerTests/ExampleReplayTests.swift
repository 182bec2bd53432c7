import Foundation
import SpuntaTestSupport
import Testing
import SpuntaBilling
import SpuntaDomain
import SpuntaHTTP
import SpuntaProtocol
@testable import SpuntaServer
@testable import SpuntaSync

/// Replays protocol/examples/*.json against the real server: the protocol document and the code agree.
@Suite("Protocol examples replayed against the server")
struct ExampleReplayTests {
    static let examplesDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("protocol/examples")

    static var files: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: examplesDir.path)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
    }

    @Test("the examples exist")
    func examplesExist() {
        #expect(Self.files.count >= 3)
    }

    @Test("each example exchange gives exactly the documented answers", arguments: files)
    func replay(file: String) async throws {
        try await Self.replay(file: file)
    }

    /// A request sent on its own thread (`"background": true`), answered later: a push the server holds.
    struct Pending {
        let label: String
        let expected: [String: Any]
        let answer: Watched<HTTPClientResponse?>
    }

    static func replay(file: String) async throws {
        let data = try Data(contentsOf: examplesDir.appendingPathComponent(file))
        let example = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        var settings = SyncService.Settings()
        if let budget = (example["server"] as? [String: Any])?["push_bytes_budget"] as? Int { settings.pushBytesBudget = budget }
        let fixture = try ServerFixture(settings: settings)
        defer { fixture.stop() }
        let deadline = Date().addingTimeInterval(600)
        var hold: WriterHold?
        var pending: [Pending] = []
        defer { hold?.release.signal() }
        var variables: [String: String] = [:]
        for device in example["devices"] as? [[String: Any]] ?? [] {
            let name = try #require(device["name"] as? String)
            let role = try #require(DeviceRole(rawValue: device["role"] as? String ?? ""))
            let added = try fixture.addDevice(role, device["scope"] as? [String] ?? [], name: name)
            variables["code:\(name)"] = added.code
        }
        let client = try HTTPClient(baseURL: fixture.baseURL)
        for (index, step) in (example["steps"] as? [[String: Any]] ?? []).enumerated() {
            let label = "\(file) step \(index + 1)"
            if let admin = step["admin"] as? [String: Any], let revoke = admin["revoke"] as? String {
                let id = Self.substitute(revoke, variables) as? String ?? revoke
                try fixture.admin { db in try DeviceRegistry.revoke(db, id: id, reason: "smarrito", actor: "test", now: Date()) }
            }
            if let admin = step["admin"] as? [String: Any], let topUp = admin["topup"] as? [String: Any] {
                let payer = try #require(topUp["payer"] as? String), beneficiary = try #require(topUp["beneficiary"] as? String)
                let service = try #require(topUp["service"] as? String), cents = try #require(topUp["amount_cents"] as? Int)
                try fixture.admin { db in
                    try PrepaidLedger.topUp(db, payer: payer, beneficiary: beneficiary, service: service, amount: Money(cents: Int64(cents)),
                                            date: BusinessCalendar.date(of: Date()), method: "pagopa", source: label, actor: "test", now: Date())
                }
            }
            if let admin = step["admin"] as? [String: Any], let variable = admin["admin_token"] as? String {
                variables[variable] = try fixture.admin { db in try AdminToken.create(db, actor: "test", now: Date()) }
            }
            if let admin = step["admin"] as? [String: Any], admin["hold_writer"] as? Bool == true {
                let held: WriterHold = try #require(await fixture.holdWriter(until: deadline), "\(label): the writer never ran the hold")
                hold = held
            }
            if let admin = step["admin"] as? [String: Any], admin["release_writer"] as? Bool == true {
                try await #require(hold).letGo()
                hold = nil
                for waiting in pending {
                    try #require(await waiting.answer.wait(until: deadline) { $0 != nil }, "\(waiting.label): never answered")
                    let response = try #require(waiting.answer.read { $0 })
                    Self.check(response, waiting.expected, label: waiting.label, variables: variables)
                }
                pending = []
            }
            guard step["request"] != nil || step["admin"] == nil else { continue }
            let request = try #require(step["request"] as? [String: Any], "\(label): no request")
            let nowMs = Int64(Date().timeIntervalSince1970 * 1000)
            var headers = HTTPHeaders()
            for (name, value) in (request["headers"] as? [String: String] ?? [:]).sorted(by: { $0.key < $1.key }) {
                headers.add(name, "\(Self.substitute(value, variables, nowMs: nowMs))")
            }
            var body = Data()
            if let raw = request["raw_body"] as? String {
                body = Data(raw.utf8)
            } else if let object = request["body"] {
                body = try JSONSerialization.data(withJSONObject: Self.substitute(object, variables, nowMs: nowMs))
            }
            if !body.isEmpty { headers.add("Content-Type", "application/json") }
            let path = Self.substitute(request["path"] as? String ?? "/", variables) as? String ?? "/"
            let method = request["method"] as? String ?? "GET"
            let expected = try #require(step["response"] as? [String: Any])
            if step["background"] as? Bool == true {
                // Sent on a connection of its own and left waiting; checked when the writer is let go.
                let answer = Watched<HTTPClientResponse?>(nil), baseURL = fixture.baseURL, sent = headers, payload = body
                Thread {
                    let response = try? HTTPClient(baseURL: baseURL).send(method: method, path: path, headers: sent, body: payload, timeout: 600)
                    answer.update { $0 = response }
                }.start()
                // Taken (its bytes counted as held) once it waits in the writer's queue, behind the hold.
                await fixture.server.service.writer.untilQueued(1)
                pending.append(Pending(label: label, expected: expected, answer: answer))
                continue
            }
            let response = try client.send(method: method, path: path, headers: headers, body: body)
            let actual = Self.check(response, expected, label: label, variables: variables)
            for (variable, keyPath) in step["capture"] as? [String: String] ?? [:] {
                var value: Any? = actual
                for key in keyPath.split(separator: ".") { value = (value as? [String: Any])?[String(key)] }
                variables[variable] = value.map { "\($0)" }
            }
        }
    }

    /// Checks an answer against the step's expected `response` (status, `headers` given, body); returns the body read.
    @discardableResult
    static func check(_ response: HTTPClientResponse, _ expected: [String: Any], label: String, variables: [String: String]) -> Any? {
        #expect(response.status == expected["status"] as? Int, "\(label): status \(response.status), body \(String(decoding: response.body, as: UTF8.self).prefix(300))")
        #expect(response.headers["Spunta-Protocol"] == "1", "\(label): protocol header")
        for (name, value) in (expected["headers"] as? [String: String] ?? [:]).sorted(by: { $0.key < $1.key }) {
            #expect(response.headers[name] == value, "\(label): header \(name) is \(response.headers[name] ?? "absent"), expected \(value)")
        }
        let actual = try? JSONSerialization.jsonObject(with: response.body)
        if let expectedBody = expected["body"] {
            let mismatch = Self.mismatch(expected: Self.substitute(expectedBody, variables), actual: actual, path: "")
            #expect(mismatch == nil, "\(label): \(mismatch ?? "")")
        }
        return actual
    }

    /// Replaces `{{name}}` with captured variables, and `{{now_ms}}`, `{{now_ms+N}}`, `{{now_ms-N}}` with the time the
    /// request is sent, moved by N milliseconds: a device clock relative to the server's, whatever day the example
    /// runs. A string that is nothing but such a time becomes a number.
    static func substitute(_ value: Any, _ variables: [String: String], nowMs: Int64 = 0) -> Any {
        switch value {
        case let text as String:
            if let ms = clockTime(text, nowMs: nowMs) { return ms }
            var result = text
            for (name, replacement) in variables { result = result.replacingOccurrences(of: "{{\(name)}}", with: replacement) }
            return result
        case let list as [Any]:
            return list.map { substitute($0, variables, nowMs: nowMs) }
        case let object as [String: Any]:
            return object.mapValues { substitute($0, variables, nowMs: nowMs) }
        default:
            return value
        }
    }

    /// The milliseconds `{{now_ms}}`, `{{now_ms+N}}` or `{{now_ms-N}}` stand for; nil for any other text.
    static func clockTime(_ text: String, nowMs: Int64) -> Int64? {
        guard text.hasPrefix("{{now_ms"), text.hasSuffix("}}") else { return nil }
        let shift = text.dropFirst("{{now_ms".count).dropLast(2)
        if shift.isEmpty { return nowMs }
        guard let sign = shift.first, sign == "+" || sign == "-", let amount = Int64(shift.dropFirst()) else { return nil }
        return sign == "+" ? nowMs + amount : nowMs - amount
    }

    /// nil when `actual` contains everything `expected` says; else where it differs.
    static func mismatch(expected: Any, actual: Any?, path: String) -> String? {
        switch expected {
        case let object as [String: Any]:
            guard let actualObject = actual as? [String: Any] else { return "\(path): expected an object" }
            for (key, value) in object.sorted(by: { $0.key < $1.key }) {
                if let problem = mismatch(expected: value, actual: actualObject[key], path: "\(path).\(key)") { return problem }
            }
            return nil
        case let list as [Any]:
            guard let actualList = actual as? [Any] else { return "\(path): expected an array" }
            guard list.count == actualList.count else { return "\(path): \(actualList.count) elements, expected \(list.count)" }
            for (i, element) in list.enumerated() {
                if let problem = mismatch(expected: element, actual: actualList[i], path: "\(path)[\(i)]") { return problem }
            }
            return nil
        default:
            let a = actual.map { "\($0)" } ?? "nil", e = "\(expected)"
            return a == e ? nil : "\(path): \(a), expected \(e)"
        }
    }
}
