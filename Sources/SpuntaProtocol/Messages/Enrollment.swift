/// `POST /v1/enroll`: a device trades its one-time code for a credential.
public struct EnrollRequest: Codable, Sendable {
    public var code: String
    /// The device's own description (hostname), for the admin's list.
    public var deviceLabel: String
    public var appVersion: String

    public init(code: String, deviceLabel: String, appVersion: String) {
        self.code = code
        self.deviceLabel = deviceLabel
        self.appVersion = appVersion
    }

    enum CodingKeys: String, CodingKey {
        case code, deviceLabel = "device_label", appVersion = "app_version"
    }
}

public struct EnrollResponse: Codable, Sendable {
    public var deviceId: String
    public var name: String
    /// Bearer token: shown once, stored by the device; the server keeps only its SHA-256.
    public var token: String
    public var role: DeviceRole
    public var scope: [ScopeItem]
    public var epoch: String
    public var municipality: String

    public init(deviceId: String, name: String, token: String, role: DeviceRole, scope: [ScopeItem], epoch: String, municipality: String) {
        self.deviceId = deviceId
        self.name = name
        self.token = token
        self.role = role
        self.scope = scope
        self.epoch = epoch
        self.municipality = municipality
    }

    enum CodingKeys: String, CodingKey {
        case deviceId = "device_id", name, token, role, scope, epoch, municipality
    }
}
