/// `POST /v1/enroll`: a device trades its one-time code for a credential.
public struct EnrollRequest: Codable, Sendable {
    public var code: String
    /// The device's own description (hostname), for the admin's list.
    public var deviceLabel: String
    public var appVersion: String
    /// The bearer token the device proposes for itself, made and stored on the device before the request is sent.
    /// The same code sent again with the same token (its first answer was lost) gets the same answer, so the
    /// device always ends up holding the token the server knows. Without it the server makes one (older devices).
    public var token: String?

    public init(code: String, deviceLabel: String, appVersion: String, token: String? = nil) {
        self.code = code
        self.deviceLabel = deviceLabel
        self.appVersion = appVersion
        self.token = token
    }

    enum CodingKeys: String, CodingKey {
        case code, deviceLabel = "device_label", appVersion = "app_version", token
    }

    /// What a proposed token must look like: at least 32 random bytes as base64url (43 characters), at most 128.
    public static func isWellFormed(token: String) -> Bool {
        (43...128).contains(token.utf8.count)
            && token.utf8.allSatisfy { (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0) || $0 == 45 || $0 == 95 }
    }

    /// Uppercase, without spaces and dashes, so that `k7m2 qx9p-4twa` matches `K7M2-QX9P-4TWA`.
    public static func normalize(code: String) -> String {
        code.uppercased().filter { $0 != "-" && $0 != " " }
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
