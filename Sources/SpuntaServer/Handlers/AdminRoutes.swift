import Foundation
import SpuntaDomain
import SpuntaHTTP
import SpuntaMarkup
import SpuntaServerStore
import SpuntaStore
import SpuntaSync
import SpuntaWeb

/// The admin web page's routes. `/admin` and the logout need a signed-in session; the login page and the
/// stylesheet are the only things served without one.
enum AdminRoutes {
    static func add(to router: inout Router, _ web: AdminWeb) {
        router.get("/admin") { request in await web.status(request) }
        router.get("/admin/login") { request in await web.loginForm(request) }
        router.post("/admin/login") { request in await web.login(request) }
        router.post("/admin/logout") { request in await web.logout(request) }
        router.get(Stylesheet.path) { _ in
            var response = HTTPResponse(status: .ok, headers: ["Content-Type": "text/css; charset=utf-8"], body: Data(Stylesheet.css.utf8))
            response.headers.set("Cache-Control", "max-age=3600")
            return response
        }
    }
}

/// The admin page as functions of the request: sessions in the database (`AdminSessions`), pages from
/// `SpuntaWeb`, data from the same queries as the command line.
struct AdminWeb: Sendable {
    static let cookie = "spunta_admin"
    let service: SyncService

    /// Headers every admin page carries: never cached, never framed, no script, forms only to ourselves.
    static func page(_ html: HTML, status: HTTPStatus = .ok) -> HTTPResponse {
        var response = HTTPResponse(status: status, headers: ["Content-Type": "text/html; charset=utf-8"], body: Data(html.text.utf8))
        response.headers.set("Cache-Control", "no-store")
        response.headers.set("Content-Security-Policy",
                             "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
        response.headers.set("X-Content-Type-Options", "nosniff")
        response.headers.set("Referrer-Policy", "no-referrer")
        return response
    }

    static func redirect(_ location: String) -> HTTPResponse {
        var response = HTTPResponse(status: .seeOther, headers: ["Location": location])
        response.headers.set("Cache-Control", "no-store")
        return response
    }

    /// The session cookie: HttpOnly (no script reads it), SameSite=Strict (no other site sends it), only for
    /// `/admin`, ending with the session; `Secure` when the reverse proxy says the browser came over HTTPS.
    static func setCookie(_ response: inout HTTPResponse, id: String, maxAge: Int, request: HTTPRequest) {
        var value = "\(cookie)=\(id); Path=/admin; HttpOnly; SameSite=Strict; Max-Age=\(maxAge)"
        if request.headers["X-Forwarded-Proto"]?.lowercased() == "https" { value += "; Secure" }
        response.headers.add("Set-Cookie", value)
    }

    func session(_ request: HTTPRequest) async throws -> (id: String, session: AdminSessions.Session)? {
        guard let id = request.cookie(Self.cookie), !id.isEmpty else { return nil }
        let now = service.clock()
        return try await service.readers.read { db in try AdminSessions.find(db, id: id, now: now) }.map { (id, $0) }
    }

    func municipality() async throws -> String {
        try await service.readers.read { db in try db.scalar("SELECT name FROM municipality WHERE id = 1") } ?? "Spunta"
    }

    // MARK: Pages

    func status(_ request: HTTPRequest) async -> HTTPResponse {
        do {
            guard let (_, session) = try await session(request), session.signedIn else { return Self.redirect("/admin/login") }
            let now = service.clock()
            let content = try await service.readers.read { db in
                StatusPage.Content(
                    municipality: try db.scalar("SELECT name FROM municipality WHERE id = 1") ?? "",
                    now: now, devices: try AdminQueries.devices(db, now: now),
                    conflicts: try AdminQueries.conflicts(db, status: "open", date: nil),
                    alerts: try OfficeAlerts.list(db, since: now.addingTimeInterval(-24 * 3_600)),
                    today: try AdminQueries.today(db, now: now),
                    meals: try CatererCounts.report(db, date: BusinessCalendar.date(of: now)),
                    actor: session.actor ?? "", formToken: session.formToken, shell: ServerShell.serving(db)
                )
            }
            return Self.page(StatusPage.render(content))
        } catch {
            return failure(error)
        }
    }

    func loginForm(_ request: HTTPRequest, error: String? = nil, status: HTTPStatus = .ok) async -> HTTPResponse {
        do {
            if error == nil, let (_, session) = try await session(request), session.signedIn { return Self.redirect("/admin") }
            let now = service.clock()
            let (id, session) = try await service.writer.submit { db in (try AdminSessions.start(db, now: now), Set<String>()) }
            let shell = try await service.readers.read { db in ServerShell.serving(db) }
            var response = Self.page(LoginPage.render(municipality: try await municipality(), formToken: session.formToken, shell: shell,
                                                      error: error),
                                     status: status)
            Self.setCookie(&response, id: id, maxAge: Int(AdminSessions.lifetime), request: request)
            return response
        } catch {
            return failure(error)
        }
    }

    func login(_ request: HTTPRequest) async -> HTTPResponse {
        let form = request.formFields
        let now = service.clock()
        let sessionID = request.cookie(Self.cookie) ?? ""
        do {
            let (id, _) = try await service.writer.submit { db in
                (try AdminSessions.signIn(db, sessionID: sessionID, formToken: form["form_token"], credential: form["credential"] ?? "",
                                          actor: form["actor"] ?? "", now: now), Set<String>())
            }
            var response = Self.redirect("/admin")
            Self.setCookie(&response, id: id, maxAge: Int(AdminSessions.lifetime), request: request)
            return response
        } catch let error as AdminSessions.SignInError {
            return await loginForm(request, error: error.userMessage, status: error == .wrongCredential ? .forbidden : .badRequest)
        } catch {
            return failure(error)
        }
    }

    func logout(_ request: HTTPRequest) async -> HTTPResponse {
        let form = request.formFields
        let now = service.clock()
        let sessionID = request.cookie(Self.cookie) ?? ""
        do {
            try await service.writer.submit { db in
                (try AdminSessions.signOut(db, sessionID: sessionID, formToken: form["form_token"], now: now), Set<String>())
            }
        } catch is AdminSessions.SignInError {
            // A stale logout form: the session, if any, stays; the login page says nothing more.
        } catch {
            return failure(error)
        }
        var response = Self.redirect("/admin/login")
        Self.setCookie(&response, id: "", maxAge: 0, request: request)
        return response
    }

    func failure(_ error: any Error) -> HTTPResponse {
        FileHandle.standardError.write(Data("pagina di amministrazione: \(error)\n".utf8))
        return Self.page(ErrorPage.render(), status: .internalServerError)
    }
}
