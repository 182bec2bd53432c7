import SpuntaDomain

/// An error on the wire: `{"error": {"code": "...", "message": "..."}}` — a stable English code for programs
/// and an Italian message for people (protocol/sync.md, "Errors").
public struct WireError: Codable, Sendable, Error, Hashable, UserFacingError {
    public var code: String
    public var message: String
    /// The HTTP status it travels with.
    public var status: Int

    public var userMessage: String { message }

    public init(status: Int, code: String, message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    struct Envelope: Codable {
        struct Body: Codable {
            var code: String
            var message: String
        }
        var error: Body
    }

    public init(from decoder: any Decoder) throws {
        let envelope = try Envelope(from: decoder)
        self.code = envelope.error.code
        self.message = envelope.error.message
        self.status = 0
    }

    public func encode(to encoder: any Encoder) throws {
        try Envelope(error: .init(code: code, message: message)).encode(to: encoder)
    }
}

/// The stable error codes of spunta-sync/1.
public enum WireErrorCode {
    public static let malformedRequest = "malformed_request"
    public static let malformedJSON = "malformed_json"
    public static let payloadTooLarge = "payload_too_large"
    public static let unauthorized = "unauthorized"
    public static let deviceRevoked = "device_revoked"
    public static let deviceSequenceRegressed = "device_sequence_regressed"
    public static let enrollmentCodeInvalid = "enrollment_code_invalid"
    public static let enrollmentCodeExpired = "enrollment_code_expired"
    public static let tooManyAttempts = "too_many_attempts"
    public static let protocolVersionUnsupported = "protocol_version_unsupported"
    public static let outOfScope = "out_of_scope"
    /// A meal for a child not enrolled in a meal service at that site on that day.
    public static let notEnrolled = "not_enrolled"
    public static let cursorInvalid = "cursor_invalid"
    public static let forbidden = "forbidden"
    public static let notFound = "not_found"
    public static let methodNotAllowed = "method_not_allowed"
    public static let tooManyOps = "too_many_ops"
    public static let shuttingDown = "shutting_down"
    /// The server holds as many pushes as it may; nothing of this one was applied: send it again after `Retry-After`.
    public static let serverBusy = "server_busy"
    /// The server did not answer within its deadline; the connection was closed.
    public static let deadlineExceeded = "deadline_exceeded"
    public static let internalError = "internal_error"
}
