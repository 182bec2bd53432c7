import Foundation
import SpuntaDomain

/// Stato di un dispositivo, as the admin reads it: `ok`, `da controllare`, `silenzioso`, `revocato` (or `da
/// registrare` before enrollment), with the reasons in words. A pure function of what the server knows about the
/// device, the rule of its role and the moment: the device table, the web page, `/metrics` and the alerts all read
/// it from here.
public enum DeviceHealth {
    public enum State: String, Sendable, Codable, CaseIterable {
        case ok
        /// Something needs a look: blocked, a wrong clock, ops waiting too long on the device.
        case check
        /// Not heard from for longer than its role allows.
        case silent
        case revoked
        /// Created, not yet enrolled.
        case pending

        public var italian: String {
            switch self {
            case .ok: return "ok"
            case .check: return "da controllare"
            case .silent: return "silenzioso"
            case .revoked: return "revocato"
            case .pending: return "da registrare"
            }
        }

        /// "1 silenzioso", "6 silenziosi": the count of devices in this state, the adjective agreeing with it.
        public func italian(count: Int) -> String {
            switch self {
            case .silent: return Counted.italian(count, "silenzioso", "silenziosi")
            case .revoked: return Counted.italian(count, "revocato", "revocati")
            case .ok, .check, .pending: return "\(count) \(italian)"
            }
        }

        /// Whether the state counts as a problem for monitoring (exit 3, the unhealthy gauge).
        public var isUnhealthy: Bool { self == .check || self == .silent }
    }

    /// Why a device is not `ok`: a stable code and the Italian words.
    public struct Reason: Sendable, Equatable, Encodable {
        public let code: String
        public let message: String

        public init(_ code: String, _ message: String) {
            self.code = code
            self.message = message
        }
    }

    /// What the server knows about one device.
    public struct Facts: Sendable {
        public var enrolled: Bool
        public var revoked: Bool
        public var codeExpiresAt: Date?
        public var blockedReason: String?
        public var lastSeen: Date?
        public var clockOffsetMs: Int64?
        public var backlogOps: Int?
        public var backlogOldestSince: Date?
        /// Whether the device's services run on the day of `now`.
        public var serviceDay: Bool

        public init(
            enrolled: Bool, revoked: Bool, codeExpiresAt: Date?, blockedReason: String?, lastSeen: Date?, clockOffsetMs: Int64?,
            backlogOps: Int?, backlogOldestSince: Date?, serviceDay: Bool
        ) {
            self.enrolled = enrolled
            self.revoked = revoked
            self.codeExpiresAt = codeExpiresAt
            self.blockedReason = blockedReason
            self.lastSeen = lastSeen
            self.clockOffsetMs = clockOffsetMs
            self.backlogOps = backlogOps
            self.backlogOldestSince = backlogOldestSince
            self.serviceDay = serviceDay
        }
    }

    public struct Assessment: Sendable, Equatable {
        public let state: State
        public let reasons: [Reason]
        /// Silent within service hours: the case the office is told about.
        public let silentInService: Bool
    }

    /// The state of a device at `now` under `rule`.
    ///
    /// Silence in service is counted, for each service window of the day that has begun, from the later of the
    /// last contact and the window's start to the earlier of now and the window's end: a bus last heard yesterday
    /// evening is not silent at 07:01, it is at 07:31 if it still has not called, and it stays silent after the
    /// run is over until it is heard again — a bus that missed its whole run must not read `ok` at 10:00. On
    /// days its services do not run only the longer limit applies.
    public static func assess(_ facts: Facts, rule: HealthRule, now: Date) -> Assessment {
        if facts.revoked { return Assessment(state: .revoked, reasons: [], silentInService: false) }
        guard facts.enrolled else {
            var reasons: [Reason] = []
            if let expires = facts.codeExpiresAt, expires < now {
                reasons.append(Reason("code_expired", "codice di registrazione scaduto il \(ItalianTime.dateTime(expires)): crearne uno nuovo"))
            }
            return Assessment(state: .pending, reasons: reasons, silentInService: false)
        }
        var reasons: [Reason] = []
        var silent = false
        var silentInService = false
        let today = BusinessCalendar.date(of: now)
        if let lastSeen = facts.lastSeen {
            let quiet = now.timeIntervalSince(lastSeen)
            let last = ItalianTime.short(lastSeen, today: today)
            if facts.serviceDay {
                for window in rule.serviceHours.windows.reversed() {
                    let start = BusinessCalendar.instant(date: today, time: window.start)
                    let end = BusinessCalendar.instant(date: today, time: window.end)
                    guard start < now else { continue }
                    if min(now, end).timeIntervalSince(max(lastSeen, start)) > Double(rule.silentMinutes * 60) {
                        silent = true
                        silentInService = true
                        reasons.append(Reason("silent_in_service",
                                              "nessun contatto da \(ItalianTime.duration(seconds: Int(quiet))) (ultimo: \(last)), durante il servizio \(window.start)–\(window.end)"))
                        break
                    }
                }
            }
            if !silent, quiet > Double(rule.silentHours * 3_600) {
                silent = true
                reasons.append(Reason("silent", "nessun contatto da \(ItalianTime.duration(seconds: Int(quiet))) (ultimo: \(last))"))
            }
        } else {
            silent = true
            reasons.append(Reason("never_seen", "registrato ma mai sentito"))
        }
        if facts.blockedReason != nil {
            reasons.append(Reason("blocked", "bloccato: le sue registrazioni tornano indietro (copia o ripristino); va registrato di nuovo"))
        }
        if ClockOffsets.isWrong(facts.clockOffsetMs), let offset = facts.clockOffsetMs {
            reasons.append(Reason("clock_wrong", "orologio sbagliato di \(ItalianTime.offset(milliseconds: offset))"))
        }
        if let ops = facts.backlogOps, ops > 0, let since = facts.backlogOldestSince {
            let age = now.timeIntervalSince(since)
            if age > Double(rule.backlogMinutes * 60) {
                reasons.append(Reason("backlog_old",
                                      "\(Counted.italian(ops, "registrazione", "registrazioni")) da inviare, la più vecchia da \(ItalianTime.duration(seconds: Int(age)))"))
            }
        }
        let state: State = silent ? .silent : (reasons.isEmpty ? .ok : .check)
        return Assessment(state: state, reasons: reasons, silentInService: silentInService)
    }
}
