import Foundation
import SpuntaDomain
import SpuntaStore

/// Monitoring set by the admin and the alerts it raises to the office.
///
/// - `device_health_rule`: per role, the hours a device is in service on the days its services run, how long it
///   may stay silent then and otherwise, how long an op may wait on it; defaults below, changed with
///   `spunta-server devices set-thresholds` (audited).
/// - `monitoring_setting`: after how many hours an open conflict is reported to the office.
/// - `alert_recipient`: the office's addresses (e-mail, SMS) alerts go to.
/// - `office_alert`: each alert raised, once per event (`event_key`); an alert about a state (a silent device, a
///   wrong clock) is `cleared_at` when the state ends, so that the next time it happens is a new event.
enum MonitoringRulesAndAlerts {
    static func apply(_ db: Database) throws {
        try db.execute("""
            CREATE TABLE device_health_rule (
                role TEXT PRIMARY KEY CHECK (role IN ('teacher', 'bus', 'canteen')),
                service_hours TEXT NOT NULL,
                silent_minutes INTEGER NOT NULL CHECK (silent_minutes > 0),
                silent_hours INTEGER NOT NULL CHECK (silent_hours > 0),
                backlog_minutes INTEGER NOT NULL CHECK (backlog_minutes > 0),
                updated_at TEXT NOT NULL,
                updated_by TEXT NOT NULL
            ) STRICT;

            CREATE TABLE monitoring_setting (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                conflict_alert_hours INTEGER NOT NULL CHECK (conflict_alert_hours > 0),
                updated_at TEXT NOT NULL,
                updated_by TEXT NOT NULL
            ) STRICT;

            CREATE TABLE alert_recipient (
                channel TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
                address TEXT NOT NULL,
                added_at TEXT NOT NULL,
                added_by TEXT NOT NULL,
                PRIMARY KEY (channel, address)
            ) STRICT;

            CREATE TABLE office_alert (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                kind TEXT NOT NULL CHECK (kind IN ('child_left_aboard', 'device_silent', 'clock_wrong', 'conflict_old')),
                event_key TEXT NOT NULL UNIQUE,
                subject TEXT NOT NULL,
                raised_at TEXT NOT NULL,
                cleared_at TEXT,
                title TEXT NOT NULL,
                body TEXT NOT NULL,
                messages INTEGER NOT NULL
            ) STRICT;
            CREATE INDEX office_alert_open ON office_alert(kind, subject) WHERE cleared_at IS NULL;
            CREATE INDEX office_alert_raised ON office_alert(raised_at);
            """)
        let now = UTCTime.string(Date(), fractional: true)
        // Bus: the morning and afternoon runs; teachers: the school morning; canteen: lunch. A device online
        // long-polls every half minute, so half an hour of silence in service means it is off the network.
        for (role, hours, silentMinutes, backlogMinutes) in [
            ("teacher", "07:45-13:30", 60, 60), ("bus", "07:00-09:00 13:00-17:00", 30, 30), ("canteen", "11:30-14:30", 30, 60),
        ] {
            try db.run("""
                INSERT INTO device_health_rule (role, service_hours, silent_minutes, silent_hours, backlog_minutes, updated_at, updated_by)
                VALUES (?, ?, ?, 72, ?, ?, 'installazione')
                """, [role, hours, silentMinutes, backlogMinutes, now])
        }
        try db.run("INSERT INTO monitoring_setting (id, conflict_alert_hours, updated_at, updated_by) VALUES (1, 24, ?, 'installazione')", [now])
    }
}
