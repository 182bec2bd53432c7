import Foundation

/// The answer to one scan (esito della lettura): a stable `result` code for scripts, an Italian line for people,
/// and what the worker must see about the child (the diet and allergens at the canteen).
public struct ScanOutcome: Encodable, Sendable, Equatable {
    public enum Result: String, Encodable, Sendable {
        case ok
        case duplicate
        case unknownCard = "unknown_card"
        case revokedCard = "revoked_card"
        case notEnrolled = "not_enrolled"
        case wrongStop = "wrong_stop"
        case invalidPayload = "invalid_payload"
        /// A name search (`?rossi`): candidates to record by name.
        case candidates
        /// The device database failed: nothing was recorded.
        case error
    }

    public var result: Result
    /// One short Italian sentence.
    public var message: String
    /// Whether an op was recorded (durably) for this scan.
    public var recorded: Bool
    public var opId: String?
    public var beneficiaryId: String?
    public var name: String?
    public var className: String?
    public var dietName: String?
    public var allergens: [String]
    /// For a refused payload, the decoder's code (wrong_prefix, lowercase, keyboard_layout…).
    public var reason: String?
    public var candidates: [Candidate]
    /// For a duplicate: when the earlier scan was made, and whether at another device.
    public var servedAt: String?
    public var elsewhere: Bool?

    public struct Candidate: Encodable, Sendable, Equatable {
        public let beneficiaryId: String
        public let name: String
        public let className: String?

        enum CodingKeys: String, CodingKey {
            case beneficiaryId = "beneficiary_id", name, className = "class_name"
        }
    }

    init(_ result: Result, _ message: String, recorded: Bool = false) {
        self.result = result
        self.message = message
        self.recorded = recorded
        self.allergens = []
        self.candidates = []
    }

    enum CodingKeys: String, CodingKey {
        case result, message, recorded, opId = "op_id", beneficiaryId = "beneficiary_id", name, className = "class_name"
        case dietName = "diet", allergens, reason, candidates, servedAt = "served_at", elsewhere
    }

    /// Whether the worker should be alerted (refusal or warning).
    public var isAlert: Bool { result != .ok && result != .candidates }
}
