import Foundation
import SpuntaDomain
import SpuntaProtocol
import SpuntaServerStore
import SpuntaStore

/// Soglie di controllo dei dispositivi: per role, when a device counts as silent and when its queue is too old.
/// Stored in `device_health_rule`, set by the admin (`spunta-server devices set-thresholds`), every change in the
/// audit trail.
public struct HealthRule: Sendable, Equatable, Encodable {
    public let role: DeviceRole
    /// When devices of the role are at work, on the days their services run.
    public var serviceHours: ServiceHours
    /// Silent for longer than this within service hours: `silenzioso`.
    public var silentMinutes: Int
    /// Silent for longer than this at any other time: `silenzioso`.
    public var silentHours: Int
    /// An op waiting on the device for longer than this: `da controllare`.
    public var backlogMinutes: Int
    public var updatedAt: String
    public var updatedBy: String

    enum CodingKeys: String, CodingKey {
        case role, serviceHours = "service_hours", silentMinutes = "silent_minutes", silentHours = "silent_hours"
        case backlogMinutes = "backlog_minutes", updatedAt = "updated_at", updatedBy = "updated_by"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(role, forKey: .role)
        try c.encode(serviceHours.description, forKey: .serviceHours)
        try c.encode(silentMinutes, forKey: .silentMinutes)
        try c.encode(silentHours, forKey: .silentHours)
        try c.encode(backlogMinutes, forKey: .backlogMinutes)
        try c.encode(updatedAt, forKey: .updatedAt)
        try c.encode(updatedBy, forKey: .updatedBy)
    }

    /// What a rule becomes when the admin changes some of its values; nil values stay as they are.
    public struct Change: Sendable {
        public var serviceHours: ServiceHours?
        public var silentMinutes: Int?
        public var silentHours: Int?
        public var backlogMinutes: Int?

        public init(serviceHours: ServiceHours? = nil, silentMinutes: Int? = nil, silentHours: Int? = nil, backlogMinutes: Int? = nil) {
            self.serviceHours = serviceHours
            self.silentMinutes = silentMinutes
            self.silentHours = silentHours
            self.backlogMinutes = backlogMinutes
        }

        public var isEmpty: Bool { serviceHours == nil && silentMinutes == nil && silentHours == nil && backlogMinutes == nil }
    }

    public enum RuleError: UserFacingError, Equatable {
        case nothingToChange
        case outOfRange(field: String, value: Int, range: ClosedRange<Int>)
        case missingRule(DeviceRole)

        public var code: String {
            switch self {
            case .nothingToChange: return "nothing_to_change"
            case .outOfRange: return "value_out_of_range"
            case .missingRule: return "missing_rule"
            }
        }

        public var userMessage: String {
            switch self {
            case .nothingToChange:
                return "Indicare almeno una soglia da cambiare (--service-hours, --silent-minutes, --silent-hours, --backlog-minutes)."
            case .outOfRange(let field, let value, let range):
                return "\(field) \(value) non valido: va da \(range.lowerBound) a \(range.upperBound)."
            case .missingRule(let role):
                return "Soglie del ruolo \(role.italian) assenti nell'archivio: archivio danneggiato? Ripristinare da una copia."
            }
        }
    }

    public init(role: DeviceRole, serviceHours: ServiceHours, silentMinutes: Int, silentHours: Int, backlogMinutes: Int,
                updatedAt: String = "", updatedBy: String = "") {
        self.role = role
        self.serviceHours = serviceHours
        self.silentMinutes = silentMinutes
        self.silentHours = silentHours
        self.backlogMinutes = backlogMinutes
        self.updatedAt = updatedAt
        self.updatedBy = updatedBy
    }

    static let columns = "role, service_hours, silent_minutes, silent_hours, backlog_minutes, updated_at, updated_by"

    init(row: Row) throws {
        let roleText: String = try row[0]
        let hoursText: String = try row[1]
        guard let role = DeviceRole(rawValue: roleText), let hours = ServiceHours(hoursText) else {
            throw MasterDataStore.CorruptValue(value: "\(roleText) \(hoursText)", expected: "ruolo e orario di servizio")
        }
        self.role = role
        serviceHours = hours
        silentMinutes = try row[2]
        silentHours = try row[3]
        backlogMinutes = try row[4]
        updatedAt = try row[5]
        updatedBy = try row[6]
    }

    /// The rules of every role, in role order.
    public static func all(_ db: Database) throws -> [DeviceRole: HealthRule] {
        var rules: [DeviceRole: HealthRule] = [:]
        for row in try db.fetchAll("SELECT \(columns) FROM device_health_rule") {
            let rule = try HealthRule(row: row)
            rules[rule.role] = rule
        }
        return rules
    }

    /// Changes the rule of `role`, recording old and new values in the audit trail. Returns the new rule.
    @discardableResult
    public static func set(_ db: Database, role: DeviceRole, _ change: Change, actor: String, now: Date) throws -> HealthRule {
        guard !change.isEmpty else { throw RuleError.nothingToChange }
        if let v = change.silentMinutes, !(1...24 * 60).contains(v) { throw RuleError.outOfRange(field: "--silent-minutes", value: v, range: 1...1440) }
        if let v = change.silentHours, !(1...24 * 60).contains(v) { throw RuleError.outOfRange(field: "--silent-hours", value: v, range: 1...1440) }
        if let v = change.backlogMinutes, !(1...7 * 24 * 60).contains(v) {
            throw RuleError.outOfRange(field: "--backlog-minutes", value: v, range: 1...10080)
        }
        guard var rule = try all(db)[role] else { throw RuleError.missingRule(role) }
        let before = rule
        if let v = change.serviceHours { rule.serviceHours = v }
        if let v = change.silentMinutes { rule.silentMinutes = v }
        if let v = change.silentHours { rule.silentHours = v }
        if let v = change.backlogMinutes { rule.backlogMinutes = v }
        rule.updatedAt = UTCTime.string(now, fractional: true)
        rule.updatedBy = actor
        try db.run("""
            UPDATE device_health_rule SET service_hours = ?, silent_minutes = ?, silent_hours = ?, backlog_minutes = ?,
                updated_at = ?, updated_by = ? WHERE role = ?
            """, [rule.serviceHours.description, rule.silentMinutes, rule.silentHours, rule.backlogMinutes, rule.updatedAt, actor, role.rawValue])
        try AuditLog.record(db, actor: actor, action: "health_rule_set", subject: role.rawValue, details: [
            "before": before.auditValues, "after": rule.auditValues,
        ], at: now)
        return rule
    }

    var auditValues: [String: any Sendable] {
        ["service_hours": serviceHours.description, "silent_minutes": silentMinutes, "silent_hours": silentHours,
         "backlog_minutes": backlogMinutes]
    }
}
