import Foundation
import SpuntaTestSupport
import Testing
import SpuntaHTTP
import SpuntaServerStore
import SpuntaStore
@testable import SpuntaServer
@testable import SpuntaSync

/// The admin commands as run from a shell: who did it, in Italian, checks for cron.
@Suite("Admin commands")
struct AdminCommandTests {
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, output: String, errors: String) {
        let process = try ChildProcess("spunta-server", arguments, environment: environment)
        let status = process.wait()
        return (status, process.output.joined(separator: "\n"), process.errors)
    }

    /// Stands for the name of the account the tests run as, in a table of cases.
    static let accountMarker = "<account>"

    static func account() -> String? {
        guard let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name else { return nil }
        return String(cString: name)
    }

    /// The status page's HTML, signed in over HTTP with a new admin credential.
    static func statusPage(_ f: ServerFixture) throws -> String {
        let client = try HTTPClient(baseURL: f.baseURL)
        let login = try client.send(method: "GET", path: "/admin/login")
        let cookie = String((login.headers["Set-Cookie"] ?? "").prefix { $0 != ";" })
        let html = String(decoding: login.body, as: UTF8.self)
        let form = html.range(of: "name=\"form_token\" value=\"").map { String(html[$0.upperBound...].prefix { $0 != "\"" }) } ?? ""
        let token = try f.admin { db in try AdminToken.create(db, actor: "test", now: Date()) }
        let signedIn = try client.send(method: "POST", path: "/admin/login",
                                       headers: ["Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie],
                                       body: Data("form_token=\(form)&credential=\(token)&actor=test".utf8))
        let session = String((signedIn.headers["Set-Cookie"] ?? cookie).prefix { $0 != ";" })
        return String(decoding: try client.send(method: "GET", path: "/admin", headers: ["Cookie": session]).body, as: UTF8.self)
    }

    static func lastActor(_ f: ServerFixture, _ action: String) throws -> String? {
        try f.admin { db in try db.scalar("SELECT actor FROM audit_log WHERE action = ? ORDER BY id DESC LIMIT 1", [action]) }
    }

    @Test("every admin command records who did it: --actor, else the user behind sudo, else the Unix user", arguments: [
        (["--actor", "Luca Bianchi"], ["SUDO_USER": "mrossi", "USER": "spunta"], "Luca Bianchi"),
        ([], ["SUDO_USER": "mrossi", "USER": "spunta"], "mrossi"),
        ([], ["SUDO_USER": "", "USER": "lbianchi"], "lbianchi"),
        // What cron sets: LOGNAME only; with nothing set at all, the account the command runs as.
        ([], ["SUDO_USER": "", "USER": "", "LOGNAME": "spunta"], "spunta"),
        ([], ["SUDO_USER": "", "USER": "", "LOGNAME": ""], Self.accountMarker),
    ])
    func actor(flags: [String], environment: [String: String], expected marker: String) throws {
        let expected = marker == Self.accountMarker ? try #require(Self.account()) : marker
        let f = try ServerFixture()
        defer { f.stop() }
        let added = try Self.run(["device", "add", "--db", f.dbPath, "--name", "Mensa", "--role", "canteen", "--scope", "site:S01"] + flags,
                                 environment: environment)
        #expect(added.status == 0, "\(added.errors)")
        #expect(added.output.contains("Valido fino al "), "the code's expiry in Rome's time: \(added.output)")
        #expect(try Self.lastActor(f, "device_add") == expected)
        let set = try Self.run(["devices", "set-thresholds", "--db", f.dbPath, "--role", "bus", "--silent-minutes", "20"] + flags,
                               environment: environment)
        #expect(set.status == 0, "\(set.errors)")
        #expect(try Self.lastActor(f, "health_rule_set") == expected)
        let recipient = try Self.run(["alerts", "add-recipient", "--db", f.dbPath, "--email", "ufficio@comune.example.it"] + flags,
                                     environment: environment)
        #expect(recipient.status == 0)
        #expect(try Self.lastActor(f, "alert_recipient_add") == expected)
        let token = try Self.run(["admin-token", "--db", f.dbPath] + flags, environment: environment)
        #expect(token.status == 0)
        #expect(try Self.lastActor(f, "admin_token_create") == expected)
        let audit = try Self.run(["audit", "--db", f.dbPath])
        #expect(audit.output.contains("\(expected) soglie di controllo cambiate bus"))
        #expect(audit.output.contains("\(expected) dispositivo creato D-"))
    }

    @Test("backup and restore refused before they start say in Italian which path is wrong and what to do, once, never as unexpected",
          arguments: [
              (["backup", "--db", "<db>", "--to", "<folder>/manca/copia.sqlite"],
               "Impossibile scrivere la copia <folder>/manca/copia.sqlite: la cartella <folder>/manca non esiste o non è scrivibile"),
              (["backup", "--db", "<db>", "--to", "<db>"], "Il file <db> esiste già: scegliere un altro nome per la copia (--to)."),
              (["backup", "--db", "<folder>/altro.sqlite", "--to", "<folder>/copia.sqlite"],
               "L'archivio <folder>/altro.sqlite non esiste: controllare il percorso indicato con --db (o SPUNTA_DB)."),
              (["restore", "--db", "<folder>/nuovo.sqlite", "--from", "<folder>/manca.sqlite"],
               "La copia <folder>/manca.sqlite non esiste: indicare con --from il file di una copia fatta con spunta-server backup."),
          ])
    func backupRefusals(arguments: [String], expected: String) throws {
        let folder = try TemporaryFolder("spunta-backup-errors")
        let db = folder.path("comune.sqlite")
        _ = try ServerDatabase.open(path: db)
        let fill = { (text: String) in text.replacingOccurrences(of: "<db>", with: db).replacingOccurrences(of: "<folder>", with: folder.url.path) }
        let ran = try Self.run(arguments.map(fill))
        #expect(ran.status == 1, "\(ran.errors)")
        #expect(ran.errors.contains(fill(expected)), "\(ran.errors)")
        #expect(!ran.errors.contains("imprevisto") && !ran.errors.contains("..") && !ran.errors.contains("unable"), "\(ran.errors)")
        #expect(!FileManager.default.fileExists(atPath: folder.path("copia.sqlite")) && !FileManager.default.fileExists(atPath: folder.path("nuovo.sqlite")))
    }

    @Test("a device for a scope that does not exist is refused with the listing of that kind, which runs with the same --db",
          arguments: [("teacher", "class:S01-9Z", "classes"), ("canteen", "site:S99", "sites"), ("bus", "route:L99", "routes")])
    func unknownScopeHint(role: String, scope: String, kind: String) throws {
        let f = try ServerFixture()
        defer { f.stop() }
        let added = try Self.run(["device", "add", "--db", f.dbPath, "--name", "Nuovo", "--role", role, "--scope", scope])
        #expect(added.status == 1)
        #expect(added.errors.contains("Ambito \(scope) inesistente: controllare l'identificativo con:\n  spunta-server list \(kind) --db \(f.dbPath)\n"),
                "\(added.errors)")
        let listed = try Self.run(["list", kind, "--db", f.dbPath])
        #expect(listed.status == 0, "\(listed.errors)")
    }

    @Test("thresholds are shown and changed in words; a bad value is refused in Italian and changes nothing")
    func thresholds() throws {
        let f = try ServerFixture()
        defer { f.stop() }
        let shown = try Self.run(["devices", "thresholds", "--db", f.dbPath])
        #expect(shown.output.contains("scuolabus (bus): in servizio 07:00–09:00 e 13:00–17:00 nei giorni dei suoi servizi; silenzioso dopo 30 min in servizio"))
        let bad = try Self.run(["devices", "set-thresholds", "--db", f.dbPath, "--role", "bus", "--service-hours", "9-7"])
        #expect(bad.status == 2)
        #expect(bad.errors.contains("--service-hours «9-7» non valido"))
        let none = try Self.run(["devices", "set-thresholds", "--db", f.dbPath, "--role", "bus"])
        #expect(none.status == 1)
        #expect(none.errors.contains("Indicare almeno una soglia da cambiare"))
        let set = try Self.run(["devices", "set-thresholds", "--db", f.dbPath, "--role", "bus", "--service-hours", "06:50-09:10", "--actor", "x"])
        #expect(set.output.contains("Soglie di scuolabus: in servizio 06:50–09:10"))
        let json = try Self.run(["devices", "thresholds", "--db", f.dbPath, "--json"])
        #expect(json.output.contains("\"service_hours\":\"06:50-09:10\""))
    }

    @Test("alerts check for cron: a wrong clock is reported once; a bad recipient is refused in Italian")
    func cronCheck() throws {
        let f = try ServerFixture()
        defer { f.stop() }
        let device = try f.enrolledDevice(.canteen, ["site:S01"], name: "Mensa Rodari 1")
        try f.admin { db in try db.run("UPDATE device SET clock_offset_ms = -3600000 WHERE id = ?", [device.id]) }
        let first = try Self.run(["alerts", "check", "--db", f.dbPath])
        #expect(first.status == 0)
        // The alert's kind is its title's first words: said once.
        #expect(first.output.contains(" Orologio sbagliato: Mensa Rodari 1 (-1 h) — "), "\(first.output)")
        #expect(!first.output.lowercased().contains("orologio sbagliato: orologio sbagliato"), "\(first.output)")
        #expect(first.errors.contains("Nessun destinatario degli avvisi"))
        let second = try Self.run(["alerts", "check", "--db", f.dbPath, "--quiet"])
        #expect(second.status == 0)
        #expect(second.output.isEmpty)
        let unsent = try Self.run(["alerts", "list", "--db", f.dbPath])
        #expect(unsent.output.contains("(-1 h) — non inviato: nessun destinatario:\n  spunta-server alerts add-recipient --db "), "\(unsent.output)")
        #expect(try Self.statusPage(f).contains("non inviato: nessun destinatario degli avvisi"), "the status page says it too")
        let bad = try Self.run(["alerts", "add-recipient", "--db", f.dbPath, "--sms", "06 1234567"])
        #expect(bad.status == 1)
        #expect(!bad.errors.isEmpty && bad.errors.contains("06 1234567"), "\(bad.errors)")
        // The first recipient added learns of the wrong clock, still wrong, that went to nobody.
        // The hint runs as printed, once the address it names is written in.
        let hint = try #require(CopiedCommand.all("spunta-server", in: unsent.output).first, "\(unsent.output)")
        #expect(hint.hasSuffix(" --email INDIRIZZO"), "\(hint)")
        let command = hint.replacingOccurrences(of: "INDIRIZZO", with: "ced@comune.example.it") + " --actor mrossi"
        let added = try SystemTool.run("sh", ["-c", "PATH=\(ChildProcess.productsDirectory.path):$PATH; cd / && " + command])
        #expect(added.status == 0, "\(command)\n\(added.errors)")
        #expect(added.output.contains("ora in coda anche per ced@comune.example.it (li consegna outbox send): 1."), "\(added.output)")
        #expect(added.output.contains(" Orologio sbagliato: Mensa Rodari 1 (-1 h)") && !added.output.contains("orologio sbagliato: Orologio"), "\(added.output)")
        let sent = try Self.run(["alerts", "list", "--db", f.dbPath])
        #expect(sent.output.contains("(-1 h) — 1 messaggio in coda"), "\(sent.output)")
        let outbox = try Self.run(["outbox", "--db", f.dbPath])
        #expect(outbox.output.contains("per e-mail a ced@comune.example.it: Orologio sbagliato: Mensa Rodari 1 (-1 h)"), "\(outbox.output)")
        let devices = try Self.run(["devices", "--db", f.dbPath])
        #expect(devices.status == 3)
        #expect(devices.output.contains("orologio sbagliato di -1 h"))
        #expect(devices.output.contains("-1 h"))
        #expect(devices.output.contains("Novità da scaricare"))
        // One device: the count and its noun agree.
        #expect(devices.output.contains("\n1 dispositivo: 1 da controllare."), "\(devices.output)")
    }
}

