import Foundation
import SpuntaHTTP
import SpuntaTestSupport
import Testing

/// `spunta-server admin-token` replaces the credential: whoever signed in with the old one (a colleague who left, a
/// credential that leaked) loses the status page at once, not when the session's 8 hours run out.
@Suite("A new admin credential")
struct AdminTokenSessionTests {
    static func newToken(_ db: String) throws -> (token: String, errors: String) {
        let process = try ChildProcess("spunta-server", ["admin-token", "--db", db])
        #expect(process.wait() == 0, "\(process.errors)")
        return (process.output.joined(), process.errors)
    }

    /// Signs in over HTTP with `credential`; the session cookie (`name=value`) of the answer, or nil when refused.
    static func signIn(_ client: HTTPClient, credential: String) throws -> String? {
        let login = try client.send(method: "GET", path: "/admin/login")
        let cookie = String((login.headers["Set-Cookie"] ?? "").prefix { $0 != ";" })
        let html = String(decoding: login.body, as: UTF8.self)
        let form = html.range(of: "name=\"form_token\" value=\"").map { String(html[$0.upperBound...].prefix { $0 != "\"" }) } ?? ""
        let signed = try client.send(method: "POST", path: "/admin/login",
                                     headers: ["Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie],
                                     body: Data("form_token=\(form)&credential=\(credential)&actor=Maria".utf8))
        guard signed.status == 303, signed.headers["Location"] == "/admin", let set = signed.headers["Set-Cookie"] else { return nil }
        return String(set.prefix { $0 != ";" })
    }

    @Test("running admin-token again ends at once every session opened with the old credential, which no longer signs in")
    func newCredentialEndsOldSessions() throws {
        let f = try ServerFixture()
        defer { f.stop() }
        let client = try HTTPClient(baseURL: f.baseURL)
        let old = try Self.newToken(f.dbPath).token
        let session = try #require(try Self.signIn(client, credential: old))
        #expect(try client.send(method: "GET", path: "/admin", headers: ["Cookie": session]).status == 200)

        let replaced = try Self.newToken(f.dbPath)
        #expect(replaced.errors.contains("1 sessione aperta con la credenziale precedente è stata chiusa"), "\(replaced.errors)")
        let after = try client.send(method: "GET", path: "/admin", headers: ["Cookie": session])
        #expect(after.status == 303)
        #expect(after.headers["Location"] == "/admin/login")
        #expect(try Self.signIn(client, credential: old) == nil)
        let fresh = try #require(try Self.signIn(client, credential: replaced.token))
        #expect(try client.send(method: "GET", path: "/admin", headers: ["Cookie": fresh]).status == 200)
    }
}
