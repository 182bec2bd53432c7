import Foundation
import Testing
import SpuntaDomain
import SpuntaProtocol
import SpuntaServerStore
import SpuntaStore
@testable import SpuntaSync

@Suite("Alerts to the office, once per event")
struct OfficeAlertsTests {
    static func withRecipients() throws -> SyncFixture {
        let f = try SyncFixture()
        try f.queue.write { db in
            try AlertRecipients.add(db, channel: .email, address: "ufficio.scuola@comune.example.it", actor: "mrossi", now: SyncFixture.now)
            try AlertRecipients.add(db, channel: .sms, address: "+39 333 123 4567", actor: "mrossi", now: SyncFixture.now)
        }
        return f
    }

    static func check(_ f: SyncFixture, at now: Date) throws -> [OfficeAlerts.Alert] {
        try f.queue.write { db in try OfficeAlerts.check(db, now: now) }
    }

    static func outbox(_ f: SyncFixture, kind: OfficeAlerts.Kind) throws -> [(channel: String, to: String, subject: String, body: String)] {
        try f.queue.read { db in
            try db.fetchAll("SELECT channel, recipient, subject, body FROM outbox_message WHERE kind = ? ORDER BY id", ["office_alert_\(kind.rawValue)"])
                .map { (try $0[0], try $0[1], try $0[2], try $0[3]) }
        }
    }

    static func seen(_ f: SyncFixture, _ device: String, at date: Date) throws {
        try f.queue.write { db in try db.run("UPDATE device SET last_seen_at = ? WHERE id = ?", [UTCTime.string(date, fractional: true), device]) }
    }

    @Test("a child left aboard: nothing before the run is over, then one alert to every recipient, never again")
    func childLeftAboard() throws {
        let f = try Self.withRecipients()
        let (bus, _) = try f.device(.bus, ["route:L2"], name: "Scuolabus 2")
        let rider = try f.rider(route: "L2")
        _ = try f.push(bus, [f.boarding(OpMaker(device: bus.deviceId), rider, route: "L2", at: romeMs(7, 20))])
        try Self.seen(f, bus.deviceId, at: rome(7, 20))
        let end = try f.lastOutboundStop("L2")
        let due = BusinessCalendar.instant(date: LocalDate(year: 2026, month: 10, day: 5)!, time: end).addingTimeInterval(31 * 60)
        #expect(try Self.check(f, at: due.addingTimeInterval(-120)).filter { $0.kind == "child_left_aboard" }.isEmpty)
        let raised = try Self.check(f, at: due).filter { $0.kind == "child_left_aboard" }
        #expect(raised.count == 1)
        #expect(raised.first?.messages == 2)
        let name = try #require(f.sample.beneficiaries.first { $0.id == rider.child }.map { "\($0.surname) \($0.givenName)" })
        #expect(raised.first?.title == "URGENTE: \(name) risulta ancora a bordo (linea L2)")
        let messages = try Self.outbox(f, kind: .childLeftAboard)
        #expect(messages.map(\.channel) == ["email", "sms"])
        #expect(messages.map(\.to) == ["ufficio.scuola@comune.example.it", "3331234567"])
        #expect(messages[0].body.contains("sale a bordo alle 07:20"))
        #expect(messages[0].body.contains(", registrato dal dispositivo «Scuolabus 2»"), "\(messages[0].body)")
        #expect(messages[0].body.contains("sale a bordo alle 07:20 alla fermata "), "the stop named as a stop: \(messages[0].body)")
        #expect(messages[1].body.count <= 160, "an SMS fits one message: \(messages[1].body)")
        for minutes in 1...5 {
            #expect(try Self.check(f, at: due.addingTimeInterval(Double(minutes) * 60)).filter { $0.kind == "child_left_aboard" }.isEmpty)
        }
        #expect(try Self.outbox(f, kind: .childLeftAboard).count == 2)
    }

    @Test("the ride-closed hook and the 30-minute check are one event: whichever comes first alerts")
    func oneEventTwoSources() throws {
        let f = try Self.withRecipients()
        let (bus, _) = try f.device(.bus, ["route:L2"], name: "Scuolabus 2")
        let rider = try f.rider(route: "L2")
        let boarding = f.boarding(OpMaker(device: bus.deviceId), rider, route: "L2", at: romeMs(7, 20))
        _ = try f.push(bus, [boarding])
        let closed = try f.queue.write { db in
            try OfficeAlerts.childLeftAboard(db, OfficeAlerts.ChildAboard(
                beneficiaryId: rider.child, routeId: "L2", date: LocalDate(year: 2026, month: 10, day: 5)!, direction: .outbound,
                boardingOpId: boarding.id, boardingStopId: rider.stop, closedBy: (bus.deviceId, rome(7, 50))
            ), now: rome(7, 50))
        }
        #expect(closed?.body.contains("la corsa è stata chiusa dal dispositivo «Scuolabus 2» alle 07:50") == true)
        #expect(try Self.check(f, at: rome(11, 0)).filter { $0.kind == "child_left_aboard" }.isEmpty)
        #expect(try Self.outbox(f, kind: .childLeftAboard).count == 2)
    }

    @Test("a bus silent in service: one alert per silence; heard again, the next silence is a new event")
    func silentDevice() throws {
        let f = try Self.withRecipients()
        let (bus, _) = try f.device(.bus, ["route:L1"], name: "Scuolabus 1")
        try Self.seen(f, bus.deviceId, at: rome(7, 5))
        #expect(try Self.check(f, at: rome(7, 30)).isEmpty)
        let raised = try Self.check(f, at: rome(7, 36))
        #expect(raised.map(\.kind) == ["device_silent"])
        #expect(raised.first?.title == "Dispositivo silenzioso: Scuolabus 1")
        // The journal says the kind once: the title already starts with it.
        #expect(raised.first?.journalLine == "avviso all'ufficio #\(raised.first?.id ?? 0): Dispositivo silenzioso: Scuolabus 1 — 2 messaggi in coda")
        #expect(raised.first?.body.contains("Ultimo contatto: 05/10/2026 07:05.") == true)
        #expect(try Self.check(f, at: rome(7, 50)).isEmpty)
        try Self.seen(f, bus.deviceId, at: rome(7, 55))
        #expect(try Self.check(f, at: rome(7, 56)).isEmpty)
        let cleared = try f.queue.read { try OfficeAlerts.list($0) }.first { $0.kind == "device_silent" }
        #expect(cleared?.clearedAt != nil)
        #expect(try Self.check(f, at: rome(8, 30)).map(\.kind) == ["device_silent"])
        #expect(try Self.outbox(f, kind: .deviceSilent).count == 4)
    }

    @Test("a wrong clock: one alert until the clock is right again")
    func wrongClock() throws {
        let f = try Self.withRecipients()
        let (door, _) = try f.device(.canteen, ["site:S01"], name: "Mensa Rodari 1")
        func offset(_ ms: Int64) throws {
            try f.queue.write { db in try db.run("UPDATE device SET clock_offset_ms = ? WHERE id = ?", [ms, door.deviceId]) }
        }
        try offset(-3_600_000)
        let raised = try Self.check(f, at: SyncFixture.now)
        #expect(raised.map(\.title) == ["Orologio sbagliato: Mensa Rodari 1 (-1 h)"])
        #expect(try Self.check(f, at: SyncFixture.now.addingTimeInterval(60)).isEmpty)
        try offset(800)
        #expect(try Self.check(f, at: SyncFixture.now.addingTimeInterval(120)).isEmpty)
        try offset(-3_600_000)
        #expect(try Self.check(f, at: SyncFixture.now.addingTimeInterval(180)).map(\.kind) == ["clock_wrong"])
    }

    @Test("conflicts open longer than the admin's limit: reported once, together in one message")
    func oldConflicts() throws {
        let f = try Self.withRecipients()
        let (t1, _) = try f.device(.teacher, ["class:S01-1A"], name: "maestra-1A")
        let (t2, _) = try f.device(.teacher, ["class:S01-1A"], name: "maestra-1A-bis")
        let children = Array(f.children(ofClass: "S01-1A").prefix(2))
        let a = OpMaker(device: t1.deviceId), b = OpMaker(device: t2.deviceId)
        for child in children {
            _ = try f.push(t1, [a.mark(child, classID: "S01-1A", .absent)])
            _ = try f.push(t2, [b.mark(child, classID: "S01-1A", .present)])
        }
        try f.queue.write { db in try MonitoringSettings.setConflictAlertHours(db, 4, actor: "mrossi", now: SyncFixture.now) }
        #expect(try Self.check(f, at: SyncFixture.now.addingTimeInterval(3 * 3_600)).filter { $0.kind == "conflict_old" }.isEmpty)
        let raised = try Self.check(f, at: SyncFixture.now.addingTimeInterval(4 * 3_600 + 60)).filter { $0.kind == "conflict_old" }
        #expect(raised.count == 2)
        #expect(raised.first?.title == "2 conflitti aperti da più di 4 ore")
        #expect(raised.first?.body.contains("maestra-1A alle") == true)
        let messages = try Self.outbox(f, kind: .conflictOld)
        #expect(messages.count == 2, "one message per recipient for both conflicts")
        #expect(try Self.check(f, at: SyncFixture.now.addingTimeInterval(5 * 3_600)).filter { $0.kind == "conflict_old" }.isEmpty)
    }

    /// A line of an alert's body that names a command: the commands a person runs from the alert stand alone,
    /// indented, and run as printed on the server the alert came from.
    static func commandLines(_ body: String, database: String) -> (commands: [String], strays: [String]) {
        var commands: [String] = [], strays: [String] = []
        for line in body.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("    spunta-server ") || line.hasPrefix("    sudo -u ") {
                commands.append(String(line.dropFirst(4)))
            } else if line.contains("spunta-server") {
                strays.append(line)
            }
        }
        return (commands, strays)
    }

    @Test("every alert that names a command, in the list and in the mail, gives it on a line of its own with the server's --db and nothing after it")
    func commandsStandAlone() throws {
        let f = try Self.withRecipients()
        let database = f.dir.appendingPathComponent("server.sqlite").path
        // Old conflicts.
        let (t1, _) = try f.device(.teacher, ["class:S01-1A"], name: "maestra-1A")
        let (t2, _) = try f.device(.teacher, ["class:S01-1A"], name: "maestra-1A-bis")
        let child = try #require(f.children(ofClass: "S01-1A").first)
        _ = try f.push(t1, [OpMaker(device: t1.deviceId).mark(child, classID: "S01-1A", .absent)])
        _ = try f.push(t2, [OpMaker(device: t2.deviceId).mark(child, classID: "S01-1A", .present)])
        // A child the server does not know, listed aboard when the ride was closed; a bus silent in service; a wrong clock.
        let (bus, _) = try f.device(.bus, ["route:L1"], name: "Scuolabus 1")
        let (door, _) = try f.device(.canteen, ["site:S01"], name: "Mensa Rodari 1")
        try f.queue.write { db in try db.run("UPDATE device SET clock_offset_ms = -3600000 WHERE id = ?", [door.deviceId]) }
        try Self.seen(f, bus.deviceId, at: rome(7, 5))
        try f.queue.write { db in
            let aboard = OfficeAlerts.ChildAboard(beneficiaryId: "K999", routeId: "L1", date: LocalDate(year: 2026, month: 10, day: 5)!,
                                                  direction: .outbound, boardingOpId: nil, boardingStopId: nil,
                                                  closedBy: (deviceId: bus.deviceId, at: rome(7, 50)))
            _ = try OfficeAlerts.childLeftAboard(db, aboard, now: rome(7, 50))
        }
        try f.queue.write { db in try MonitoringSettings.setConflictAlertHours(db, 1, actor: "mrossi", now: SyncFixture.now) }
        _ = try Self.check(f, at: SyncFixture.now.addingTimeInterval(2 * 3_600))
        let alerts = try f.queue.read { try OfficeAlerts.list($0) }
        #expect(Set(alerts.map(\.kind)) == Set(OfficeAlerts.Kind.allCases.map(\.rawValue)), "every kind: \(alerts.map(\.kind))")
        let mails = try OfficeAlerts.Kind.allCases.map { kind in try Self.outbox(f, kind: kind).filter { $0.channel == "email" }.map(\.body) }
        #expect(mails.allSatisfy { !$0.isEmpty }, "a mail of every kind")
        for body in alerts.map(\.body) + mails.joined() {
            let (commands, strays) = Self.commandLines(body, database: database)
            #expect(strays.isEmpty, "a command in a sentence: \(strays)")
            for command in commands {
                #expect(command.contains(" --db \(database)"), "\(command)")
                #expect(!command.hasSuffix(".") && !command.hasSuffix(")") && !command.hasSuffix(":"), "\(command)")
            }
        }
        let unknown = try #require(alerts.first { $0.kind == "child_left_aboard" })
        #expect(Self.commandLines(unknown.body, database: database).commands == [
            "spunta-server list beneficiaries --db \(database) --route L1", "spunta-server import --db \(database) FILE",
        ], "\(unknown.body)")
        let old = try #require(alerts.first { $0.kind == "conflict_old" })
        #expect(Self.commandLines(old.body, database: database).commands == ["spunta-server conflicts --db \(database)"], "\(old.body)")
        // The status page reads the same lines back: the command as its words, the text around it as text.
        #expect(old.lines.contains(.command(["spunta-server", "conflicts", "--db", database])), "\(old.lines)")
        #expect(old.lines.first == .text("1 conflitto aperto da più di 1 ora, da decidere:"), "\(old.lines)")
    }

    @Test("an alert's command on a server whose archive a service account owns runs through sudo -u, on a line of its own")
    func commandsAsServiceAccount() throws {
        let shell = ServerShell(database: "/var/lib/spunta/comune.sqlite", serviceUser: "spunta")
        let alert = "Per vederli:\n\(CommandHint.server("conflicts"))\nPoi decidere." as HintedText
        let text = OfficeAlerts.body(alert, shell: shell)
        #expect(text == "Per vederli:\n    sudo -u spunta spunta-server conflicts --db /var/lib/spunta/comune.sqlite\nPoi decidere.")
    }

    @Test("the server's archive is named by its absolute path; an owner with a login shell runs the commands without sudo")
    func servingShell() throws {
        let f = try SyncFixture()
        let shell = try f.queue.read { db in ServerShell.serving(db) }
        #expect(shell.database == f.dir.appendingPathComponent("server.sqlite").standardizedFileURL.path)
        let account = try #require(ServerShell.account(uid: getuid()))
        #expect(shell.serviceUser == ServerShell.serviceUser(owner: account.name, shell: account.shell))
    }

    @Test("with no recipient the alert is still recorded, with no message")
    func noRecipients() throws {
        let f = try SyncFixture()
        let (bus, _) = try f.device(.bus, ["route:L1"], name: "Scuolabus 1")
        try Self.seen(f, bus.deviceId, at: rome(7, 5))
        let raised = try Self.check(f, at: rome(7, 40))
        #expect(raised.map(\.messages) == [0])
        #expect(raised.map(\.awaitingRecipient) == [true])
        #expect(try f.queue.read { try $0.scalar("SELECT COUNT(*) FROM outbox_message") } == 0)
    }

    @Test("an alert raised with nobody to receive it goes to the first recipient added while it still matters, once")
    func firstRecipientLearnsOpenAlerts() throws {
        let f = try SyncFixture()
        let (silent, _) = try f.device(.bus, ["route:L1"], name: "Scuolabus 1")
        let (back, _) = try f.device(.bus, ["route:L2"], name: "Scuolabus 2")
        try Self.seen(f, silent.deviceId, at: rome(7, 5))
        try Self.seen(f, back.deviceId, at: rome(7, 5))
        #expect(try Self.check(f, at: rome(7, 40)).map(\.title).sorted() == ["Dispositivo silenzioso: Scuolabus 1", "Dispositivo silenzioso: Scuolabus 2"])
        // The second bus is heard again: its silence is over, and nobody needs to hear of it now.
        try Self.seen(f, back.deviceId, at: rome(7, 45))
        #expect(try Self.check(f, at: rome(7, 46)).isEmpty)

        let added = try f.queue.write { db in
            try AlertRecipients.add(db, channel: .email, address: "ufficio.scuola@comune.example.it", actor: "mrossi", now: rome(8, 0))
        }
        #expect(added.queued.map(\.title) == ["Dispositivo silenzioso: Scuolabus 1"])
        #expect(added.queued.map(\.messages) == [1])
        let messages = try Self.outbox(f, kind: .deviceSilent)
        #expect(messages.map(\.to) == ["ufficio.scuola@comune.example.it"])
        #expect(messages.first?.subject == "Dispositivo silenzioso: Scuolabus 1")
        #expect(messages.first?.body.contains("avviso dato il 05/10/2026 07:40 quando nessuno era indicato per riceverlo") == true,
                "\(messages.first?.body ?? "")")

        // A second recipient does not get it again; the cleared one stays listed as never sent.
        let second = try f.queue.write { db in
            try AlertRecipients.add(db, channel: .sms, address: "333 1234567", actor: "mrossi", now: rome(8, 5))
        }
        #expect(second.queued.isEmpty)
        #expect(try Self.outbox(f, kind: .deviceSilent).count == 1)
        let listed = try f.queue.read { try OfficeAlerts.list($0) }
        #expect(listed.map { "\($0.subject) \($0.awaitingRecipient) \($0.messages)" }.sorted()
                == ["\(back.deviceId) true 0", "\(silent.deviceId) false 1"].sorted())
    }

    @Test("old conflicts that went to nobody: their one message goes to the first recipient while one of them is still open")
    func awaitingConflicts() throws {
        let f = try SyncFixture()
        let (t1, _) = try f.device(.teacher, ["class:S01-1A"], name: "maestra-1A")
        let (t2, _) = try f.device(.teacher, ["class:S01-1A"], name: "maestra-1A-bis")
        let a = OpMaker(device: t1.deviceId), b = OpMaker(device: t2.deviceId)
        for child in f.children(ofClass: "S01-1A").prefix(2) {
            _ = try f.push(t1, [a.mark(child, classID: "S01-1A", .absent)])
            _ = try f.push(t2, [b.mark(child, classID: "S01-1A", .present)])
        }
        try f.queue.write { db in try MonitoringSettings.setConflictAlertHours(db, 4, actor: "mrossi", now: SyncFixture.now) }
        let raised = try Self.check(f, at: SyncFixture.now.addingTimeInterval(4 * 3_600 + 60)).filter { $0.kind == "conflict_old" }
        #expect(raised.map(\.awaitingRecipient) == [true, false], "the first carries the batch's message")
        // The conflict of the first alert is decided; the other is still open.
        try f.queue.write { db in try db.run("UPDATE conflict SET status = 'resolved' WHERE id = ?", [raised[0].subject]) }
        let added = try f.queue.write { db in
            try AlertRecipients.add(db, channel: .email, address: "ufficio.scuola@comune.example.it", actor: "mrossi",
                                    now: SyncFixture.now.addingTimeInterval(5 * 3_600))
        }
        #expect(added.queued.filter { $0.kind == "conflict_old" }.map(\.title) == ["2 conflitti aperti da più di 4 ore"])
        #expect(try Self.outbox(f, kind: .conflictOld).count == 1)
    }

    @Test("an alert that went to nobody more than a day ago is not sent when the first recipient comes")
    func awaitingExpires() throws {
        let f = try SyncFixture()
        let (bus, _) = try f.device(.bus, ["route:L1"], name: "Scuolabus 1")
        try Self.seen(f, bus.deviceId, at: rome(7, 5))
        #expect(try Self.check(f, at: rome(7, 40)).count == 1)
        let added = try f.queue.write { db in
            try AlertRecipients.add(db, channel: .email, address: "ufficio.scuola@comune.example.it", actor: "mrossi",
                                    now: rome(7, 41).addingTimeInterval(Double(OfficeAlerts.awaitingHours) * 3_600))
        }
        #expect(added.queued.isEmpty)
        #expect(try f.queue.read { try $0.scalar("SELECT COUNT(*) FROM outbox_message") } == 0)
        #expect(try f.queue.read { try OfficeAlerts.list($0) }.map(\.awaitingRecipient) == [true])
    }

    @Test("recipients are validated, kept once, and every change is in the audit trail with who did it")
    func recipients() throws {
        let f = try Self.withRecipients()
        #expect(throws: AlertRecipients.RecipientError.alreadyThere("3331234567")) {
            try f.queue.write { db in try AlertRecipients.add(db, channel: .sms, address: "333 1234567", actor: "x", now: SyncFixture.now) }
        }
        #expect(throws: MobileNumberError.self) {
            try f.queue.write { db in try AlertRecipients.add(db, channel: .sms, address: "06 1234567", actor: "x", now: SyncFixture.now) }
        }
        #expect(throws: EmailAddressError.self) {
            try f.queue.write { db in try AlertRecipients.add(db, channel: .email, address: "ufficio@", actor: "x", now: SyncFixture.now) }
        }
        try f.queue.write { db in try AlertRecipients.remove(db, channel: .sms, address: "+39 333 1234567", actor: "lbianchi", now: SyncFixture.now) }
        try f.queue.read { db in
            #expect(try AlertRecipients.all(db).map(\.address) == ["ufficio.scuola@comune.example.it"])
            let trail = try db.fetchAll("SELECT actor, action FROM audit_log WHERE action LIKE 'alert_recipient%' ORDER BY id")
                .map { "\(try $0[0] as String) \(try $0[1] as String)" }
            #expect(trail == ["mrossi alert_recipient_add", "mrossi alert_recipient_add", "lbianchi alert_recipient_remove"])
        }
    }
}
