import Foundation
import Testing
import SpuntaDomain
import SpuntaProtocol
import SpuntaServerStore
import SpuntaStore
@testable import SpuntaSync

/// Monday 5 October 2026, a school day of the sample Comune, at `hh:mm` in Rome.
func rome(_ hour: Int, _ minute: Int, day: Int = 5) -> Date {
    BusinessCalendar.instant(date: LocalDate(year: 2026, month: 10, day: day)!, time: LocalTime(hour: hour, minute: minute)!)
}

@Suite("Device state from the admin's thresholds")
struct DeviceHealthTests {
    static let busRule = HealthRule(role: .bus, serviceHours: ServiceHours("07:00-09:00 13:00-17:00")!, silentMinutes: 30, silentHours: 72,
                                    backlogMinutes: 30)

    static func facts(seen: Date?, serviceDay: Bool = true, offset: Int64? = 0, blocked: String? = nil, backlog: (Int, Date)? = nil) -> DeviceHealth.Facts {
        DeviceHealth.Facts(enrolled: true, revoked: false, codeExpiresAt: nil, blockedReason: blocked, lastSeen: seen, clockOffsetMs: offset,
                           backlogOps: backlog?.0, backlogOldestSince: backlog?.1, serviceDay: serviceDay)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let what: String
        let facts: DeviceHealth.Facts
        let now: Date
        let state: DeviceHealth.State
        let reasons: [String]
        var testDescription: String { what }
    }

    static let cases: [Case] = [
        Case(what: "a bus heard 15 minutes ago in service is ok", facts: facts(seen: rome(7, 5)), now: rome(7, 20), state: .ok, reasons: []),
        Case(what: "a bus silent since 07:05 is silent at 07:40, in service", facts: facts(seen: rome(7, 5)), now: rome(7, 40),
             state: .silent, reasons: ["silent_in_service"]),
        Case(what: "silence before the service starts does not count: last heard yesterday, ok at 07:20",
             facts: facts(seen: rome(17, 0, day: 4)), now: rome(7, 20), state: .ok, reasons: []),
        Case(what: "… and silent at 07:31", facts: facts(seen: rome(17, 0, day: 4)), now: rome(7, 31), state: .silent, reasons: ["silent_in_service"]),
        Case(what: "heard after the run, only the long limit counts until the next run", facts: facts(seen: rome(9, 30)), now: rome(12, 50),
             state: .ok, reasons: []),
        Case(what: "silent through the morning run, still silent at 11:00 until heard again", facts: facts(seen: rome(7, 5)), now: rome(11, 0),
             state: .silent, reasons: ["silent_in_service"]),
        Case(what: "the afternoon run counts as the morning's", facts: facts(seen: rome(12, 0)), now: rome(13, 40), state: .silent,
             reasons: ["silent_in_service"]),
        Case(what: "on a day its services do not run, the same", facts: facts(seen: rome(7, 5), serviceDay: false), now: rome(8, 30),
             state: .ok, reasons: []),
        Case(what: "not heard for four days is silent, service or not", facts: facts(seen: rome(11, 0, day: 1), serviceDay: false), now: rome(11, 0),
             state: .silent, reasons: ["silent"]),
        Case(what: "a clock an hour behind needs a look", facts: facts(seen: rome(7, 30), offset: -3_600_000), now: rome(7, 31), state: .check,
             reasons: ["clock_wrong"]),
        Case(what: "a blocked device needs a look", facts: facts(seen: rome(7, 30), blocked: "op x has seq 1 after 4"), now: rome(7, 31),
             state: .check, reasons: ["blocked"]),
        Case(what: "scans waiting 45 minutes on a bus need a look", facts: facts(seen: rome(7, 44), backlog: (12, rome(7, 0))), now: rome(7, 45),
             state: .check, reasons: ["backlog_old"]),
        Case(what: "scans waiting 10 minutes are normal", facts: facts(seen: rome(7, 50), backlog: (3, rome(7, 40))), now: rome(7, 50),
             state: .ok, reasons: []),
        Case(what: "silent and with a wrong clock: silent, both reasons", facts: facts(seen: rome(7, 0), offset: 600_000), now: rome(7, 45),
             state: .silent, reasons: ["silent_in_service", "clock_wrong"]),
    ]

    @Test("state and reasons", arguments: cases)
    func state(_ c: Case) {
        let assessment = DeviceHealth.assess(c.facts, rule: Self.busRule, now: c.now)
        #expect(assessment.state == c.state)
        #expect(assessment.reasons.map(\.code) == c.reasons)
        #expect(assessment.silentInService == c.reasons.contains("silent_in_service"))
    }

    @Test("the reasons speak Italian with local times and durations")
    func words() {
        let silent = DeviceHealth.assess(Self.facts(seen: rome(7, 5)), rule: Self.busRule, now: rome(7, 40))
        #expect(silent.reasons.first?.message == "nessun contatto da 35 min (ultimo: 07:05), durante il servizio 07:00–09:00")
        let days = DeviceHealth.assess(Self.facts(seen: rome(11, 0, day: 1), serviceDay: false), rule: Self.busRule, now: rome(11, 0))
        #expect(days.reasons.first?.message == "nessun contatto da 4 g (ultimo: 01/10/2026 11:00)")
        let clock = DeviceHealth.assess(Self.facts(seen: rome(7, 30), offset: -3_600_000), rule: Self.busRule, now: rome(7, 31))
        #expect(clock.reasons.first?.message == "orologio sbagliato di -1 h")
        let backlog = DeviceHealth.assess(Self.facts(seen: rome(7, 44), backlog: (12, rome(7, 0))), rule: Self.busRule, now: rome(7, 45))
        #expect(backlog.reasons.first?.message == "12 registrazioni da inviare, la più vecchia da 45 min")
        #expect(DeviceHealth.State.check.italian == "da controllare")
    }

    @Test("revoked and not yet enrolled devices are neither healthy nor unhealthy")
    func lifecycle() {
        var facts = Self.facts(seen: nil)
        facts.revoked = true
        #expect(DeviceHealth.assess(facts, rule: Self.busRule, now: rome(8, 0)).state == .revoked)
        facts.revoked = false
        facts.enrolled = false
        facts.codeExpiresAt = rome(7, 0)
        let pending = DeviceHealth.assess(facts, rule: Self.busRule, now: rome(8, 0))
        #expect(pending.state == .pending)
        #expect(pending.reasons.first?.message == "codice di registrazione scaduto il 05/10/2026 07:00: crearne uno nuovo")
        #expect(!DeviceHealth.State.pending.isUnhealthy && !DeviceHealth.State.revoked.isUnhealthy)
    }

    @Test("service hours are read and written as the admin types them", arguments: [
        ("07:00-09:00 13:00-17:00", "07:00-09:00 13:00-17:00"),
        ("13:00-17:00,7:00-9:00", "07:00-09:00 13:00-17:00"),
        ("none", "none"),
        ("", "none"),
    ])
    func serviceHours(text: String, written: String) throws {
        #expect(try #require(ServiceHours(text)).description == written)
    }

    @Test("bad service hours are refused", arguments: ["07:00", "09:00-07:00", "7-9", "07:00-25:00", "mattina"])
    func badServiceHours(text: String) {
        #expect(ServiceHours(text) == nil)
    }

    @Test("the admin changes a role's thresholds; the change and the old values are in the audit trail")
    func setThresholds() throws {
        let f = try SyncFixture()
        let rule = try f.queue.write { db in
            try HealthRule.set(db, role: .bus, HealthRule.Change(serviceHours: ServiceHours("06:45-09:15"), silentMinutes: 20),
                               actor: "mrossi", now: SyncFixture.now)
        }
        #expect(rule.silentMinutes == 20)
        #expect(rule.serviceHours.description == "06:45-09:15")
        #expect(rule.silentHours == 72, "values not given stay")
        try f.queue.read { db in
            #expect(try HealthRule.all(db)[.bus] == rule)
            let row = try #require(try db.fetchOne("SELECT actor, details FROM audit_log WHERE action = 'health_rule_set'"))
            #expect(try row[0] as String == "mrossi")
            let details: String = try row[1]
            #expect(details.contains("\"silent_minutes\":30") && details.contains("\"silent_minutes\":20"))
        }
        #expect(throws: HealthRule.RuleError.outOfRange(field: "--silent-minutes", value: 0, range: 1...1440)) {
            try f.queue.write { db in try HealthRule.set(db, role: .bus, HealthRule.Change(silentMinutes: 0), actor: "x", now: SyncFixture.now) }
        }
        #expect(try f.queue.read { try HealthRule.all($0)[.bus]?.silentMinutes } == 20, "a refused change changes nothing")
    }

    @Test("a bus is not expected on a day every school of its line is closed, though the transport service runs elsewhere")
    func busLineSchoolsClosed() throws {
        let f = try SyncFixture()
        let (bus, _) = try f.device(.bus, ["route:L1"], name: "Scuolabus 1")
        let (other, _) = try f.device(.bus, ["route:L2"], name: "Scuolabus 2")
        // A snow day at the schools of line L1 only; line L2 also serves a school that stays open.
        try f.queue.write { db in
            let schools: [String] = try db.fetchAll("SELECT site_id FROM route_school WHERE route_id = 'L1' ORDER BY site_id").map { try $0[0] }
            try db.run("INSERT INTO route_school (route_id, position, site_id, stop_id, arrival, return_time) VALUES ('L2', 9, 'S03', 'L2-01', '08:10', '16:00')")
            try db.run("""
                INSERT INTO closure (year_id, position, from_date, to_date, reason, site_ids)
                VALUES ((SELECT id FROM school_year LIMIT 1), 99, '2026-10-05', '2026-10-05', 'Neve', ?)
                """, [schools.joined(separator: ",") + ",S02"])
            for device in [bus.deviceId, other.deviceId] {
                try db.run("UPDATE device SET last_seen_at = ? WHERE id = ?", [UTCTime.string(rome(7, 5), fractional: true), device])
            }
        }
        let devices = try f.queue.read { try AdminQueries.devices($0, now: rome(7, 40)) }
        let closed = try #require(devices.first { $0.id == bus.deviceId })
        #expect(!closed.silentInService, "its schools are closed: a silent bus is expected")
        #expect(closed.state == .ok)
        #expect(try #require(devices.first { $0.id == other.deviceId }).silentInService, "one school of line L2 is open")
    }

    @Test("a device's last error is in its note only while nothing good followed it: a push or a pull after it clears it", arguments: [
        // (error at, last pull, last push, shown)
        ((7, 10), (7, 5), nil, true), ((7, 10), (7, 20), nil, false), ((7, 10), (7, 5), (7, 15), false), ((7, 10), nil, nil, true),
    ] as [((Int, Int), (Int, Int)?, (Int, Int)?, Bool)])
    func staleErrorLeavesTheNote(error: (Int, Int), pull: (Int, Int)?, push: (Int, Int)?, shown: Bool) throws {
        let f = try SyncFixture()
        let (bus, _) = try f.device(.bus, ["route:L1"], name: "Scuolabus 1")
        func stored(_ time: (Int, Int)?) -> String? { time.map { UTCTime.string(rome($0.0, $0.1), fractional: true) } }
        try f.queue.write { db in
            try db.run("""
                UPDATE device SET last_seen_at = ?, last_pull_at = ?, last_push_at = ?, last_error = 'corpo della richiesta illeggibile',
                    last_error_at = ?, backlog_ops = 0, backlog_error = 'rete assente', backlog_error_code = 'offline', backlog_error_at = ?,
                    backlog_reported_at = ?
                WHERE id = ?
                """, [stored(error), stored(pull), stored(push), stored(error), stored(error), stored(error), bus.deviceId])
        }
        let device = try #require(try f.queue.read { try AdminQueries.devices($0, now: rome(7, 25)) }.first { $0.id == bus.deviceId })
        #expect(device.notesItalian.contains("errore al server: corpo della richiesta illeggibile (05/10/2026 07:10)") == shown,
                "\(device.notesItalian)")
        #expect(device.notesItalian.contains("errore sul dispositivo: rete assente") == shown, "\(device.notesItalian)")
        #expect(device.lastError == "corpo della richiesta illeggibile", "the error stays in the JSON, history")
    }

    @Test("the device list reads the rule of the role and the calendar of its services")
    func listing() throws {
        let f = try SyncFixture()
        let (bus, _) = try f.device(.bus, ["route:L1"], name: "Scuolabus 1")
        try f.queue.write { db in
            try db.run("UPDATE device SET last_seen_at = ?, clock_offset_ms = -3600000 WHERE id = ?", [UTCTime.string(rome(7, 5), fractional: true), bus.deviceId])
        }
        let morning = try #require(try f.queue.read { try AdminQueries.devices($0, now: rome(7, 40)) }.first { $0.id == bus.deviceId })
        #expect(morning.state == .silent)
        #expect(morning.silentInService)
        #expect(morning.clockItalian == "-1 h")
        #expect(morning.seenItalian == "35 min fa")
        // Sunday: no service, the same silence is not a problem yet (the clock still is).
        try f.queue.write { db in
            try db.run("UPDATE device SET last_seen_at = ? WHERE id = ?", [UTCTime.string(rome(7, 5, day: 4), fractional: true), bus.deviceId])
        }
        let sunday = try #require(try f.queue.read { try AdminQueries.devices($0, now: rome(10, 5, day: 4)) }.first { $0.id == bus.deviceId })
        #expect(sunday.state == .check)
        #expect(sunday.reasons.map(\.code) == ["clock_wrong"])
        #expect(sunday.seenItalian == "3 h fa")
    }

    @Test("a count of devices in a state agrees with it", arguments: [
        (DeviceHealth.State.silent, 1, "1 silenzioso"), (.silent, 6, "6 silenziosi"), (.revoked, 1, "1 revocato"), (.revoked, 2, "2 revocati"),
        (.ok, 3, "3 ok"), (.check, 2, "2 da controllare"), (.pending, 2, "2 da registrare"),
    ])
    func stateCounted(state: DeviceHealth.State, count: Int, expected: String) {
        #expect(state.italian(count: count) == expected)
    }
}
