import Foundation
import SpuntaCrypto
import SpuntaDomain
import SpuntaProtocol
import SpuntaServerStore
import SpuntaStore

/// Registro dei dispositivi: enrollment by one-time code, bearer tokens (only their SHA-256 is stored),
/// revocation, and the record a request is authenticated against.
public enum DeviceRegistry {
    /// How long an enrollment code stays valid unless the admin says otherwise.
    public static let defaultCodeValidityHours = 72

    /// A device as the server knows it.
    public struct Device: Sendable, Equatable {
        public let id: String
        public let name: String
        public let role: DeviceRole
        public let scope: [ScopeItem]
        public let scopeVersion: Int64
        public let snapshotScopeVersion: Int64
        public let revokedAt: String?
        public let blockedReason: String?

        public var deviceScope: DeviceScope { DeviceScope(deviceId: id, role: role, items: scope) }
    }

    /// What `device add` returns: the code to type on the device, once.
    public struct Added: Encodable, Sendable {
        public let deviceId: String
        public let name: String
        public let role: String
        public let scope: [String]
        public let code: String
        public let expiresAt: String

        enum CodingKeys: String, CodingKey {
            case deviceId = "device_id", name, role, scope, code, expiresAt = "expires_at"
        }
    }

    public enum RegistryError: UserFacingError, HintingError, Equatable {
        case unknownScope(ScopeItem)
        case scopeKindMismatch(role: DeviceRole, item: ScopeItem)
        case emptyScope
        case emptyName
        case unknownDevice(String)
        case alreadyRevoked(String)
        case notRevoked(String)

        public var code: String {
            switch self {
            case .unknownScope: return "unknown_scope"
            case .scopeKindMismatch: return "scope_kind_mismatch"
            case .emptyScope: return "empty_scope"
            case .emptyName: return "empty_name"
            case .unknownDevice: return "unknown_device"
            case .alreadyRevoked: return "already_revoked"
            case .notRevoked: return "not_revoked"
            }
        }

        public var userMessage: String { hintedMessage.description }

        public var hintedMessage: HintedText {
            switch self {
            case .unknownScope(let item):
                // The listing of that kind: `list` alone is a usage error.
                let kind = switch item.kind { case .class: "classes"; case .site: "sites"; case .route: "routes" }
                return "Ambito \(item) inesistente: controllare l'identificativo con \(CommandHint.server("list", kind))."
            case .scopeKindMismatch(let role, let item):
                return "Un dispositivo \(role.italian) ha come ambito \(role.scopeKind.rawValue):ID, non \(item)."
            case .emptyScope:
                return "Indicare almeno un ambito con --scope (es. --scope class:S01-1A)."
            case .emptyName:
                return "Indicare un nome per il dispositivo con --name."
            case .unknownDevice(let id):
                return "Dispositivo \(id) inesistente: l'elenco con \(CommandHint.server("devices"))."
            case .alreadyRevoked(let id):
                return "Il dispositivo \(id) è già revocato."
            case .notRevoked(let id):
                return "Il dispositivo \(id) non è revocato: nulla da riammettere. Lo stato di ogni dispositivo con \(CommandHint.server("devices"))."
            }
        }
    }

    // MARK: Admin actions

    /// Creates a device and its one-time enrollment code.
    public static func add(
        _ db: Database, name: String, role: DeviceRole, scope: [ScopeItem], validityHours: Int = defaultCodeValidityHours,
        actor: String, now: Date
    ) throws -> Added {
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty else { throw RegistryError.emptyName }
        guard !scope.isEmpty else { throw RegistryError.emptyScope }
        for item in scope {
            guard item.kind == role.scopeKind else { throw RegistryError.scopeKindMismatch(role: role, item: item) }
            let table = item.kind == .class ? "school_class" : (item.kind == .site ? "site" : "route")
            guard (try db.scalar("SELECT 1 FROM \(table) WHERE id = ? AND deleted = 0", [item.id]) as Int?) != nil else {
                throw RegistryError.unknownScope(item)
            }
        }
        let count: Int = try db.scalar("SELECT COUNT(*) FROM device") ?? 0
        let id = String(format: "D-%04d", count + 1)
        let code = try EnrollmentCode.generate()
        let expires = UTCTime.string(now.addingTimeInterval(Double(validityHours) * 3600), fractional: true)
        let scopeText = scope.sorted().map(\.description)
        try db.run("""
            INSERT INTO device (id, name, role, scope, created_at, code_hash, code_expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)
            """, [id, name, role.rawValue, try jsonList(scopeText), UTCTime.string(now, fractional: true), TokenHash.of(EnrollmentCode.normalize(code)), expires])
        try AuditLog.record(db, actor: actor, action: "device_add", subject: id, details: [
            "name": name, "role": role.rawValue, "scope": scopeText, "code_expires_at": expires,
        ], at: now)
        return Added(deviceId: id, name: name, role: role.rawValue, scope: scopeText, code: code, expiresAt: expires)
    }

    /// The device a revocation took, as the admin knows it: the command says which handheld it was, so that a
    /// mistyped id is seen at once (and undone with `reinstate`).
    public struct Revoked: Sendable, Equatable {
        public let id: String
        public let name: String
        public let role: DeviceRole
        public let scope: [String]
        /// The device's last request the server took (a sync, or its enrollment); nil if it never made one.
        public let lastSeenAt: String?
    }

    /// Revokes a device (a lost or stolen handheld): its next request is refused with `device_revoked`. Its token's
    /// hash stays, so that the refusal names the revocation, and its code is forgotten.
    /// Returns the device it revoked, for the admin to see it was the right one.
    @discardableResult
    public static func revoke(_ db: Database, id: String, reason: String, actor: String, now: Date) throws -> Revoked {
        guard let row = try db.fetchOne("SELECT revoked_at, name, role, scope, last_seen_at FROM device WHERE id = ?", [id]) else {
            throw RegistryError.unknownDevice(id)
        }
        if (try row[0] as String?) != nil { throw RegistryError.alreadyRevoked(id) }
        try db.run("UPDATE device SET revoked_at = ?, code_hash = NULL WHERE id = ?", [UTCTime.string(now, fractional: true), id])
        try AuditLog.record(db, actor: actor, action: "device_revoke", subject: id, details: ["reason": reason], at: now)
        return Revoked(id: id, name: try row[1], role: DeviceRole(rawValue: try row[2]) ?? .teacher,
                       scope: try scopeItems(try row[3]).map(\.description), lastSeenAt: try row[4])
    }

    /// Lets a revoked device back — revoked by mistake, or the lost handheld found — with a new one-time code for the
    /// same device. The revoked token is forgotten, so it stays refused (now as unknown, `401`): that is what lets the
    /// handheld's folder take the new code and enroll again in place (`spunta enroll --code` there), keeping its id,
    /// pushing again every op it kept (those the server has are answered `duplicate` by id) and downloading its
    /// replica afresh. Its scope, numbering and clock history stay the device's: what it pushes is checked as any
    /// device's push. Until the code is used the device is "da registrare".
    public static func reinstate(
        _ db: Database, id: String, reason: String, validityHours: Int = defaultCodeValidityHours, actor: String, now: Date
    ) throws -> Added {
        guard let row = try db.fetchOne("SELECT revoked_at, name, role, scope FROM device WHERE id = ?", [id]) else {
            throw RegistryError.unknownDevice(id)
        }
        guard let revokedAt: String = try row[0] else { throw RegistryError.notRevoked(id) }
        let code = try EnrollmentCode.generate()
        let expires = UTCTime.string(now.addingTimeInterval(Double(validityHours) * 3600), fractional: true)
        try db.run("""
            UPDATE device SET revoked_at = NULL, enrolled_at = NULL, token_hash = NULL, code_hash = ?, code_expires_at = ? WHERE id = ?
            """, [TokenHash.of(EnrollmentCode.normalize(code)), expires, id])
        try AuditLog.record(db, actor: actor, action: "device_reinstate", subject: id, details: [
            "reason": reason, "revoked_at": revokedAt, "code_expires_at": expires,
        ], at: now)
        let role = DeviceRole(rawValue: try row[2]) ?? .teacher
        return Added(deviceId: id, name: try row[1], role: role.rawValue, scope: try scopeItems(try row[3]).map(\.description),
                     code: code, expiresAt: expires)
    }

    // MARK: Device requests

    /// What a code presented at enrollment leads to, found by reading only: most wrong codes never reach the writer.
    public enum EnrollmentCheck: Sendable {
        /// The device this code enrolled asks again with the token it proposed then (its answer was lost): it gets
        /// the same answer again, and nothing changes.
        case repeated(EnrollResponse)
        /// A valid code not used yet: the device `deviceId` may be enrolled.
        case allowed(deviceId: String)
    }

    /// The answer to a code that is unknown, used by another device, or of a revoked device. The three read the
    /// same to whoever asks: a used code tells a guesser nothing more than a wrong one.
    public static var invalidCode: WireError {
        WireError(status: 403, code: WireErrorCode.enrollmentCodeInvalid,
                  message: "Codice di registrazione non valido o già usato: controllare di averlo digitato bene o chiederne uno nuovo all'amministratore.")
    }

    /// Checks a code (and the token the device proposes) without writing. Throws the `WireError` to answer.
    public static func check(_ db: Database, request: EnrollRequest, epoch: String, now: Date) throws -> EnrollmentCheck {
        if let token = request.token, !EnrollRequest.isWellFormed(token: token) {
            throw WireError(status: 400, code: WireErrorCode.malformedRequest,
                            message: "Credenziale proposta dal dispositivo non valida: aggiornare l'app del dispositivo.")
        }
        guard let row = try db.fetchOne("""
            SELECT id, name, role, scope, code_expires_at, enrolled_at, revoked_at, token_hash FROM device WHERE code_hash = ?
            """, [TokenHash.of(EnrollmentCode.normalize(request.code))]) else {
            throw invalidCode
        }
        let id: String = try row[0]
        let revoked: String? = try row[6]
        let enrolled: String? = try row[5]
        if enrolled != nil || revoked != nil {
            // Only the device that proposed the token the server keeps can be answered again.
            guard revoked == nil, let token = request.token, let stored: String = try row[7],
                  SecureToken.matches(token, storedHash: stored) else { throw invalidCode }
            return .repeated(try response(db, row, token: token, epoch: epoch))
        }
        let expires: String = try row[4] as String? ?? ""
        if expires < UTCTime.string(now, fractional: true) {
            throw WireError(status: 403, code: WireErrorCode.enrollmentCodeExpired,
                            message: "Codice di registrazione scaduto (\(expires)): chiederne uno nuovo all'amministratore.")
        }
        if let token = request.token,
           (try db.scalar("SELECT 1 FROM device WHERE token_hash = ?", [TokenHash.of(token)]) as Int?) != nil {
            throw WireError(status: 400, code: WireErrorCode.malformedRequest,
                            message: "Credenziale proposta dal dispositivo già in uso: ripetere la registrazione.")
        }
        return .allowed(deviceId: id)
    }

    /// Trades a one-time code for a token, in the caller's write transaction. The code works once and only before
    /// it expires; the device that used it may ask again with the same proposed token and gets the same answer.
    public static func enroll(_ db: Database, request: EnrollRequest, epoch: String, now: Date) throws -> EnrollResponse {
        let id: String
        switch try check(db, request: request, epoch: epoch, now: now) {
        case .repeated(let response): return response
        case .allowed(let deviceId): id = deviceId
        }
        let token = try request.token ?? SecureToken.generate()
        try db.run("""
            UPDATE device SET enrolled_at = ?, token_hash = ?, label = ?, app_version = ?, protocol = ?,
                last_seen_at = ?
            WHERE id = ?
            """, [UTCTime.string(now, fractional: true), TokenHash.of(token), request.deviceLabel, request.appVersion, ProtocolVersion.current,
                  UTCTime.string(now, fractional: true), id])
        try AuditLog.record(db, actor: id, action: "device_enroll", subject: id, details: [
            "label": request.deviceLabel, "token_from_device": request.token != nil,
        ], at: now)
        guard let row = try db.fetchOne("SELECT id, name, role, scope FROM device WHERE id = ?", [id]) else {
            throw RegistryError.unknownDevice(id)
        }
        return try response(db, row, token: token, epoch: epoch)
    }

    /// The enrollment answer for a device row starting with `id, name, role, scope`.
    private static func response(_ db: Database, _ row: Row, token: String, epoch: String) throws -> EnrollResponse {
        let municipality: String = try db.scalar("SELECT name FROM municipality WHERE id = 1") ?? ""
        return EnrollResponse(
            deviceId: try row[0], name: try row[1], token: token, role: DeviceRole(rawValue: try row[2]) ?? .teacher,
            scope: try scopeItems(try row[3]), epoch: epoch, municipality: municipality
        )
    }

    /// The device a bearer token belongs to; errors name why a request is refused.
    public static func authenticate(_ db: Database, token: String) throws -> Device {
        guard !token.isEmpty,
              let row = try db.fetchOne("SELECT \(Device.columns) FROM device WHERE token_hash = ?", [TokenHash.of(token)]) else {
            throw WireError(status: 401, code: WireErrorCode.unauthorized,
                            message: "Dispositivo non riconosciuto dal server: registrarlo con spunta enroll.")
        }
        let device = try Device(row: row)
        if device.revokedAt != nil {
            throw WireError(status: 403, code: WireErrorCode.deviceRevoked,
                            message: "Questo dispositivo è stato revocato dall'amministratore il \(device.revokedAt ?? ""): non può più sincronizzare.")
        }
        return device
    }

    /// Stores what a device reported waiting on it with a request (`Spunta-Device-Backlog`) sent at `sentAt` (the
    /// server's clock when the request arrived). The ages it measured become instants of the server's clock.
    /// `acknowledged` ops of the same request were answered (a push's results): the device no longer holds them
    /// once it reads the answer, so they are not counted as waiting; the oldest age is then kept as reported, an
    /// upper bound, until the device's next request says more. A report older than the one stored (a long poll
    /// answered after a later push) changes nothing.
    public static func recordBacklog(_ db: Database, id: String, _ backlog: DeviceBacklog, acknowledged: Int = 0, sentAt: Date) throws {
        let waiting = max(0, backlog.pendingOps - acknowledged)
        let oldest = waiting == 0 ? nil : backlog.oldestPendingAgeSeconds.map { UTCTime.string(sentAt.addingTimeInterval(-Double($0)), fractional: true) }
        let errorAt = backlog.lastError == nil ? nil
            : UTCTime.string(sentAt.addingTimeInterval(-Double(backlog.lastErrorAgeSeconds ?? 0)), fractional: true)
        let sent = UTCTime.string(sentAt, fractional: true)
        try db.run("""
            UPDATE device SET backlog_ops = ?, backlog_oldest_since = ?, backlog_error = ?, backlog_error_code = ?, backlog_error_at = ?,
                backlog_reported_at = ?
            WHERE id = ? AND (backlog_reported_at IS NULL OR backlog_reported_at <= ?)
            """, [waiting, oldest, backlog.lastError, backlog.lastError == nil ? nil : backlog.lastErrorCode, errorAt, sent, id, sent])
    }

    /// Stores what a revoked device reported waiting on it with a request the server refused (`403 device_revoked`):
    /// the admin sees what the handheld still holds — the reason to reinstate it — instead of what it held before the
    /// revocation. A token that is not a revoked device's changes nothing.
    public static func recordRevokedBacklog(_ db: Database, token: String, _ backlog: DeviceBacklog, sentAt: Date) throws {
        guard !token.isEmpty,
              let id: String = try db.scalar("SELECT id FROM device WHERE token_hash = ? AND revoked_at IS NOT NULL", [TokenHash.of(token)])
        else { return }
        try recordBacklog(db, id: id, backlog, sentAt: sentAt)
    }

    public static func load(_ db: Database, id: String) throws -> Device? {
        try db.fetchOne("SELECT \(Device.columns) FROM device WHERE id = ?", [id]).map(Device.init(row:))
    }

    static func scopeItems(_ json: String) throws -> [ScopeItem] {
        try WireCoding.decode([String].self, from: Data(json.utf8)).compactMap(ScopeItem.init)
    }

    static func jsonList(_ values: [String]) throws -> String {
        String(decoding: try WireCoding.encode(values), as: UTF8.self)
    }
}

/// Hashes of secrets as stored: lowercase hex SHA-256.
public enum TokenHash {
    public static func of(_ secret: String) -> String {
        SecureToken.storedHash(of: secret)
    }
}

/// One-time enrollment codes: 12 characters from an alphabet without look-alikes, typed as `XXXX-XXXX-XXXX`.
public enum EnrollmentCode {
    static let alphabet = Array("23456789ABCDEFGHJKMNPQRSTUVWXYZ")

    public static func generate() throws -> String {
        var chars: [Character] = []
        for _ in 0..<12 {
            chars.append(alphabet[Int(try SecureRandom.uniform(below: UInt64(alphabet.count)))])
        }
        return String(chars[0..<4]) + "-" + String(chars[4..<8]) + "-" + String(chars[8..<12])
    }

    /// Uppercase, without spaces and dashes, so that `k7m2 qx9p-4twa` matches `K7M2-QX9P-4TWA`.
    public static func normalize(_ code: String) -> String {
        EnrollRequest.normalize(code: code)
    }
}

extension DeviceRegistry.Device {
    /// The `device` columns a `Device` is read from, in the order `init(row:)` reads them.
    static let columns = "id, name, role, scope, scope_version, snapshot_scope_version, revoked_at, blocked_reason"

    init(row: Row) throws {
        self.init(
            id: try row[0], name: try row[1], role: DeviceRole(rawValue: try row[2]) ?? .teacher,
            scope: try DeviceRegistry.scopeItems(try row[3]), scopeVersion: try row[4], snapshotScopeVersion: try row[5],
            revokedAt: try row[6], blockedReason: try row[7]
        )
    }
}
