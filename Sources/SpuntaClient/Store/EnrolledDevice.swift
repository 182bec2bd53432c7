import Foundation
import SpuntaDomain
import SpuntaProtocol
import SpuntaStore

/// The device as enrolled (dispositivo registrato): who it is for the server, its role and scope.
public struct EnrolledDevice: Sendable, Equatable {
    public let deviceId: String
    public let name: String
    public let role: DeviceRole
    public let scope: [ScopeItem]
    public let serverURL: String
    public let token: String
    public let municipality: String
    public var epoch: String
    public var cursor: String?

    public init(
        deviceId: String, name: String, role: DeviceRole, scope: [ScopeItem], serverURL: String, token: String, municipality: String,
        epoch: String, cursor: String?
    ) {
        self.deviceId = deviceId
        self.name = name
        self.role = role
        self.scope = scope
        self.serverURL = serverURL
        self.token = token
        self.municipality = municipality
        self.epoch = epoch
        self.cursor = cursor
    }

    public var siteIDs: [String] { scope.filter { $0.kind == .site }.map(\.id) }
    public var classIDs: [String] { scope.filter { $0.kind == .class }.map(\.id) }
    public var routeIDs: [String] { scope.filter { $0.kind == .route }.map(\.id) }

    /// The enrolled device, or nil before enrollment.
    public static func load(_ db: Database) throws -> EnrolledDevice? {
        guard let row = try db.fetchOne("""
            SELECT device_id, name, role, scope, server_url, token, municipality, epoch, cursor FROM device WHERE id = 1
            """) else { return nil }
        let scope = try WireCoding.decode([ScopeItem].self, from: Data((try row[3] as String).utf8))
        return EnrolledDevice(
            deviceId: try row[0], name: try row[1], role: DeviceRole(rawValue: try row[2]) ?? .teacher, scope: scope,
            serverURL: try row[4], token: try row[5], municipality: try row[6], epoch: try row[7], cursor: try row[8]
        )
    }

    /// The enrolled device, or the error that tells the user to enroll it.
    public static func require(_ db: Database) throws -> EnrolledDevice {
        guard let device = try load(db) else { throw ClientError.notEnrolled }
        return device
    }

    /// Stores a new enrollment in place of the one held (enrolled again with a new code after the server forgot or
    /// blocked it), keeping everything recorded: the ops the device still holds are its own under the new identity
    /// and are sent again — those the server has are answered duplicate by id, the others applied once — and the
    /// replica is downloaded afresh.
    public func saveReplacing(_ db: Database, enrolledAt: Date) throws {
        try db.run("""
            UPDATE device SET device_id = ?, name = ?, role = ?, scope = ?, server_url = ?, token = ?, municipality = ?, epoch = ?,
                cursor = NULL, enrolled_at = ?
            WHERE id = 1
            """, [deviceId, name, role.rawValue, String(decoding: try WireCoding.encode(scope), as: UTF8.self), serverURL, token,
                  municipality, epoch, UTCTime.string(enrolledAt, fractional: false)])
        // The server takes from a device only ops that name it: the op's id, number and stamp stay as recorded.
        try db.run("UPDATE outbox SET json = json_set(json, '$.device_id', ?) WHERE json_extract(json, '$.device_id') IS NOT ?",
                   [deviceId, deviceId])
        try SyncEngine.repushKept(db, now: enrolledAt)
        // A revoked device the office reinstated comes back the same way (its revoked token is forgotten by the server).
        try db.run("""
            UPDATE sync_state SET revoked = 0, blocked = 0, unknown_to_server = 0, last_error = NULL, last_error_code = NULL WHERE id = 1
            """)
    }

    /// Stores the device after enrollment (also used by tools that prepare a device).
    public func save(_ db: Database, enrolledAt: Date) throws {
        try db.run("""
            INSERT INTO device (id, device_id, name, role, scope, server_url, token, municipality, epoch, cursor, enrolled_at)
            VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [deviceId, name, role.rawValue, String(decoding: try WireCoding.encode(scope), as: UTF8.self), serverURL, token,
                  municipality, epoch, cursor, UTCTime.string(enrolledAt, fractional: false)])
    }
}
