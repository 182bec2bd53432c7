import Foundation
import SpuntaTestSupport
import Testing
import SpuntaDomain
import SpuntaHTTP
import SpuntaProtocol
@testable import SpuntaServer
@testable import SpuntaSync

@Suite("The admin's day: alerts to the office and the status page")
struct AdminDayTests {
    @Test("a bus stops syncing and another ends its run with a child aboard: both alerts are in the outbox within a minute, once each")
    func alerts() async throws {
        let day = try await AdminDay.play()
        defer { day.fixture.stop() }
        let byKind = Dictionary(grouping: day.raised, by: \.alert.kind)
        #expect(byKind.keys.sorted() == ["child_left_aboard", "device_silent"], "no other alert: \(byKind.keys.sorted())")
        let silent = try #require(byKind["device_silent"])
        let aboard = try #require(byKind["child_left_aboard"])
        #expect(silent.count == 1 && aboard.count == 1, "once each, though the checks ran every minute until 09:10")
        #expect(silent[0].at > day.silentDue && silent[0].at <= day.silentDue.addingTimeInterval(60), "silent alert at \(silent[0].at)")
        #expect(aboard[0].at > day.aboardDue && aboard[0].at <= day.aboardDue.addingTimeInterval(60), "aboard alert at \(aboard[0].at)")
        #expect(silent[0].alert.title == "Dispositivo silenzioso: Scuolabus Nord")
        #expect(aboard[0].alert.title == "URGENTE: \(try day.childName()) risulta ancora a bordo (linea L2)")
        #expect(silent[0].alert.messages == 2 && aboard[0].alert.messages == 2)

        // The outbox holds them, once per recipient, and `outbox` shows them in words.
        let queued = try day.fixture.admin { db in
            try db.fetchAll("SELECT kind, channel, recipient FROM outbox_message ORDER BY id").map { "\(try $0[0] as String) \(try $0[1] as String) \(try $0[2] as String)" }
        }
        #expect(queued == [
            "office_alert_device_silent email ufficio.scuola@comune.example.it", "office_alert_device_silent sms 3337654321",
            "office_alert_child_left_aboard email ufficio.scuola@comune.example.it", "office_alert_child_left_aboard sms 3337654321",
        ])
        let outbox = try day.admin(["outbox"])
        #expect(outbox.status == 0)
        #expect(outbox.output.contains("in coda — avviso all'ufficio (bambino rimasto a bordo) per e-mail a ufficio.scuola@comune.example.it: URGENTE:"))
        #expect(outbox.output.contains("avviso all'ufficio (dispositivo silenzioso) per SMS a 3337654321: Dispositivo silenzioso: Scuolabus Nord"))
        #expect(outbox.output.contains("05/10/2026 07:36"), "created at 07:36 in Rome's time: \(outbox.output)")

        // A check run again at the same moment (as cron would) finds nothing new.
        let clock = day.clock.read()
        #expect(try day.fixture.admin { db in try OfficeAlerts.check(db, now: clock) }.isEmpty)
        let list = try day.admin(["alerts", "list"])
        #expect(list.output.contains("#1 05/10/2026 07:36 Dispositivo silenzioso: Scuolabus Nord — 2 messaggi in coda"))
        #expect(list.output.contains("2 avvisi."))

        // The admin status (the JSON of `devices --json`, at the server's clock) says the same.
        let token = try day.fixture.admin { db in try AdminToken.create(db, actor: "test", now: clock) }
        let status = try HTTPClient(baseURL: day.fixture.baseURL).send(method: "GET", path: "/v1/admin/status",
                                                                       headers: ["Authorization": "Bearer \(token)"])
        let devices = (try JSONSerialization.jsonObject(with: status.body) as? [String: Any])?["devices"] as? [[String: Any]] ?? []
        let nord = try #require(devices.first { $0["name"] as? String == "Scuolabus Nord" })
        #expect(nord["state"] as? String == "silent")
        #expect(nord["silent_in_service"] as? Bool == true)
        #expect((nord["last_seen_at"] as? String)?.hasSuffix("Z") == true, "JSON keeps UTC")
        #expect(devices.first { $0["name"] as? String == "Scuolabus Sud" }?["state"] as? String == "ok")
        let metrics = String(decoding: try HTTPClient(baseURL: day.fixture.baseURL).send(method: "GET", path: "/metrics").body, as: UTF8.self)
        #expect(metrics.contains("spunta_office_alerts_total{kind=\"device_silent\"} 1\n"))
        #expect(metrics.contains("spunta_office_alerts_total{kind=\"child_left_aboard\"} 1\n"))
        #expect(metrics.contains("spunta_device_unhealthy{device=\"\(day.nord.id)\",name=\"Scuolabus Nord\",role=\"bus\"} 1\n"))
        #expect(metrics.contains("\nspunta_devices_unhealthy 1\n"))
        #expect(metrics.contains("\nspunta_conflicts_open 1\n"))
        #expect(metrics.contains("spunta_device_backlog_ops{device=\"\(day.sud.id)\",name=\"Scuolabus Sud\",role=\"bus\"} 0\n"))
    }

    /// JavaScript giving the words (runs of non-spaces) of the elements `selector` matches that the browser laid
    /// out on more than one line, joined by `|`: "" when every word is whole on its line.
    static func wordsSplit(_ selector: String) -> String {
        """
        [...document.querySelectorAll('\(selector)')].flatMap(element => {
          const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
          const cut = [];
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            for (const word of node.data.matchAll(/\\S+/g)) {
              const range = document.createRange();
              range.setStart(node, word.index);
              range.setEnd(node, word.index + word[0].length);
              if (new Set([...range.getClientRects()].map(r => Math.round(r.top))).size > 1) cut.push(word[0]);
            }
          }
          return cut;
        }).join('|')
        """
    }

    @Test("the status page shows both alerts, the devices and today's numbers in Chromium, by keyboard, at 1280 and 360 pixels",
          .enabled(if: Chromium.executable != nil, "chromium is not installed here: .ci/run installs it with apt-get"))
    func statusPageInChromium() async throws {
        let day = try await AdminDay.play()
        defer { day.fixture.stop() }
        // Besides the two buses: a teacher of two classes and a canteen door, whose scopes read as the office says them,
        // and an error of the southern bus at 07:02 that its syncs until 09:10 followed — history, not a note.
        _ = try day.fixture.enrolledDevice(.teacher, ["class:S02-1A", "class:S02-2A"], name: "Maestra Montessori 1A-2A")
        _ = try day.fixture.enrolledDevice(.canteen, ["site:S02"], name: "Mensa Montessori")
        try day.fixture.admin { db in
            try db.run("UPDATE device SET last_error = 'corpo della richiesta illeggibile', last_error_at = ? WHERE id = ?",
                       [UTCTime.string(AdminDay.day(7, 2), fractional: true), day.sud.id])
        }
        let credential = try day.admin(["admin-token", "--actor", "mrossi"])
        #expect(credential.status == 0)
        let token = credential.output.trimmingCharacters(in: .whitespacesAndNewlines)
        let folder = try TemporaryFolder("spunta-chromium")
        let browser = try Chromium(profile: folder.url.appendingPathComponent("profile"))
        defer { browser.close() }
        let page = try browser.newPage()
        let base = day.fixture.baseURL

        // Nothing without the credential: /admin sends to the login form.
        try page.navigate(base + "/admin")
        #expect(try page.string("location.pathname") == "/admin/login")
        #expect(try page.string("document.documentElement.lang") == "it")
        #expect(try page.number("[...document.querySelectorAll('input:not([type=hidden])')].filter(i => i.labels.length === 0).length") == 0,
                "every field has its label")
        // Where the credential comes from: the command, alone in a block, runnable on this server as printed.
        let loginCommands = try page.string("[...document.querySelectorAll('pre.command')].map(p => p.textContent).join('|')")
        #expect(loginCommands == "spunta-server admin-token --db \(day.fixture.dbPath)", "\(loginCommands)")
        #expect(!(try page.string("document.body.innerText")).contains("…"))
        // Logged in by keyboard alone: skip link, credential, name, button, Enter.
        try page.press(.tab)
        let first = try page.focused()
        #expect(first == "A:Vai al contenuto", "\(first)")
        try page.press(.tab)
        #expect(try page.focused() == "INPUT:credential")
        try page.type(token)
        try page.press(.tab)
        #expect(try page.focused() == "INPUT:actor")
        try page.type("Maria Rossi")
        try page.press(.tab)
        #expect(try page.focused() == "BUTTON:Entra")
        try page.pressAndWaitForLoad(.enter)
        #expect(try page.string("location.pathname") == "/admin")
        #expect(try page.string("document.cookie") == "", "the session cookie is HttpOnly")
        #expect(try page.number("document.scripts.length") == 0)
        #expect(try page.string("document.querySelector('meta[http-equiv=refresh]').content") == "60")

        let text = try page.string("document.body.innerText")
        #expect(text.contains("URGENTE: \(try day.childName()) risulta ancora a bordo (linea L2)"))
        #expect(text.contains("Dispositivo silenzioso: Scuolabus Nord"))
        #expect(text.contains("Scuolabus Nord") && text.contains("silenzioso"))
        #expect(text.contains("Scuolabus Sud") && text.contains("ok"))
        #expect(text.contains("aggiornato alle 09:10 del 05/10/2026"))
        #expect(text.contains("Bambini a bordo\n1"), "today's numbers: \(text.prefix(600))")
        #expect(text.contains("salito ma mai sceso"), "the open conflict in words")
        #expect(text.contains("classe 1A (S02), classe 2A (S02)") && text.contains("plesso S02") && text.contains("linea L1"), "\(text)")
        #expect(!text.contains("class:") && !text.contains("route:") && !text.contains("site:"), "scopes in words: \(text)")
        #expect(!text.contains("corpo della richiesta illeggibile"), "an error a good sync followed is not a note: \(text)")
        #expect(text.contains("durante il servizio 07:00–09:00"), "\(text)")
        // Every command the page suggests is a block of its own: copied whole, it is the command, with the real
        // conflict number and nothing of the sentence after it.
        let conflict: Int64 = try #require(try day.fixture.admin { db in try db.scalar("SELECT id FROM conflict WHERE status = 'open' ORDER BY id LIMIT 1") })
        let resolve = "spunta-server conflicts resolve --db \(day.fixture.dbPath) \(conflict) --note MOTIVO"
        let commands = try page.string("[...document.querySelectorAll('pre.command')].map(p => p.textContent).join('|')")
            .split(separator: "|").map(String.init)
        #expect(commands.contains(resolve), "\(commands)")
        #expect(commands.allSatisfy { $0.hasPrefix("spunta-server ") && !$0.hasSuffix(".") && !$0.contains("\n") }, "\(commands)")
        #expect(text.contains("Per chiuderlo, scrivendo al posto di MOTIVO come è stato deciso (tra virgolette):\n\(resolve)"), "\(text)")
        #expect(text.split(separator: "\n").contains { $0 == resolve }, "the command is a line of its own: \(text)")
        #expect(!text.contains("NUMERO"), "\(text)")
        #expect(text.contains("Pasti da preparare oggi") && text.contains("non ancora (ora limite 09:15)") && !text.contains("cut-off"),
                "the kitchen's numbers before the sample's first cut-off")
        let headers = try page.string("[...document.querySelectorAll('table thead th[scope=col]')].map(th => th.textContent).join('|')")
        #expect(headers.contains("Dispositivo|Ruolo|Stato|Visto|Registrazioni ricevute|Da inviare|Novità da scaricare|Orologio|Note"))
        try page.press(.tab)
        #expect(try page.focused() == "A:Vai al contenuto")
        try page.press(.tab)
        #expect(try page.focused() == "BUTTON:Esci (Maria Rossi)")

        // Screenshots at a desk and on a phone; the page fits each width and keeps its words.
        for (width, mobile) in [(1280, false), (360, true)] {
            try page.setViewport(width: width, height: 900, mobile: mobile)
            let png = try page.screenshot(fullPage: true)
            try png.write(to: folder.url.appendingPathComponent("admin-\(width).png"))
            if let keep = ProcessInfo.processInfo.environment["SPUNTA_SCREENSHOTS"] {
                try? png.write(to: URL(fileURLWithPath: keep).appendingPathComponent("admin-\(width).png"))
            }
            let size = try #require(Chromium.pngSize(png))
            #expect(size.width == width)
            #expect(png.count > 10_000, "a page, not a blank image")
            #expect(try page.number("document.documentElement.scrollWidth") <= width, "nothing cut or scrolled sideways at \(width) px")
            // A command block wraps only between words: no word of it is split across two lines (not after the
            // hyphens of `--note`, not inside a path), and on a phone the long ones do wrap rather than run off.
            let cut = try page.string(Self.wordsSplit("pre.command"))
            #expect(cut == "", "words split across lines at \(width) px: \(cut)")
            let wrapped = try page.number("""
                [...document.querySelectorAll('pre.command')].filter(pre => {
                  const range = document.createRange();
                  range.selectNodeContents(pre);
                  return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size > 1;
                }).length
                """)
            #expect(mobile ? wrapped > 0 : wrapped == 0, "\(wrapped) command blocks on more than one line at \(width) px")
            let shown = try page.string("document.body.innerText")
            #expect(shown.contains("Scuolabus Nord") && shown.contains("silenzioso") && shown.contains("Scuolabus Sud"))
            // The device table wraps only between words, at a desk and on a phone: no name, id, class, scope or time
            // range (`S02-1A`, `07:00–09:00`) is cut after its hyphen or dash, and a scope item stays on one line.
            let split = try page.string(Self.wordsSplit("#dispositivi ~ table td"))
            #expect(split == "", "words of the device table split across lines at \(width) px: \(split)")
            let broken = try page.string("""
                [...document.querySelectorAll('#dispositivi ~ table .whole')]
                  .filter(e => new Set([...e.getClientRects()].map(r => Math.round(r.top))).size > 1).map(e => e.textContent).join('|')
                """)
            #expect(broken == "", "kept-whole items on two lines at \(width) px: \(broken)")
        }

        // Logging out by keyboard ends the session.
        try page.pressAndWaitForLoad(.enter)
        #expect(try page.string("location.pathname") == "/admin/login")
        try page.navigate(base + "/admin")
        #expect(try page.string("location.pathname") == "/admin/login")
    }
}

@Suite("The admin page over HTTP")
struct AdminPageHTTPTests {
    @Test("nothing of the page without a session; a wrong credential or a form from elsewhere is refused in Italian")
    func guarded() async throws {
        let f = try ServerFixture()
        defer { f.stop() }
        let client = try HTTPClient(baseURL: f.baseURL)
        let page = try client.send(method: "GET", path: "/admin")
        #expect(page.status == 303)
        #expect(page.headers["Location"] == "/admin/login")
        #expect(!String(decoding: page.body, as: UTF8.self).contains("Dispositivi"))
        let forged = try client.send(method: "GET", path: "/admin", headers: ["Cookie": "spunta_admin=inventato"])
        #expect(forged.status == 303)

        let login = try client.send(method: "GET", path: "/admin/login")
        #expect(login.status == 200)
        let cookie = try #require(login.headers["Set-Cookie"])
        #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/admin") && cookie.contains("Max-Age="))
        #expect(!cookie.contains("Secure"), "plain HTTP on loopback")
        #expect(login.headers["Content-Security-Policy"]?.contains("default-src 'none'") == true)
        let session = String(cookie.prefix { $0 != ";" })
        let html = String(decoding: login.body, as: UTF8.self)
        let form = try #require(html.range(of: "name=\"form_token\" value=\"").map { String(html[$0.upperBound...].prefix { $0 != "\"" }) })
        let token = try f.admin { db in try AdminToken.create(db, actor: "test", now: Date()) }
        func post(_ fields: String, cookie: String? = nil) throws -> HTTPClientResponse {
            var headers: HTTPHeaders = ["Content-Type": "application/x-www-form-urlencoded"]
            if let cookie { headers.add("Cookie", cookie) }
            return try client.send(method: "POST", path: "/admin/login", headers: headers, body: Data(fields.utf8))
        }
        let wrong = try post("form_token=\(form)&credential=sbagliata&actor=x", cookie: session)
        #expect(wrong.status == 403)
        #expect(String(decoding: wrong.body, as: UTF8.self).contains("Credenziale non valida"))
        let elsewhere = try post("form_token=altro&credential=\(token)&actor=x", cookie: session)
        #expect(elsewhere.status == 400)
        #expect(String(decoding: elsewhere.body, as: UTF8.self).contains("Modulo scaduto o aperto da un&#39;altra pagina"))
        let noSession = try post("form_token=\(form)&credential=\(token)&actor=x")
        #expect(noSession.status == 400)
        // Behind the reverse proxy (HTTPS), the cookie is Secure.
        let proxied = try client.send(method: "GET", path: "/admin/login", headers: ["X-Forwarded-Proto": "https"])
        #expect(proxied.headers["Set-Cookie"]?.contains("; Secure") == true)
        let css = try client.send(method: "GET", path: "/admin/spunta.css")
        #expect(css.status == 200 && css.headers["Content-Type"]?.hasPrefix("text/css") == true)
    }
}

/// JSON arrays printed by the commands.
enum JSONRows {
    static func array(_ text: String) -> [[String: Any]] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]]) ?? []
    }
}
