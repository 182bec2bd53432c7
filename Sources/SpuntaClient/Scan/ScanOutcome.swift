import Foundation
import SpuntaDomain
import SpuntaProtocol

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
        /// On the bus: off (or on) at the school stop of another school than the child's; recorded all the same.
        case wrongSchool = "wrong_school"
        case invalidPayload = "invalid_payload"
        /// A name search (`?rossi`): candidates to record by name.
        case candidates
        /// The device database failed: nothing was recorded.
        case error
        /// `-` asked to cancel the last line shown: this is the question, naming the child; the next line answers.
        case confirm
        /// The last line shown was cancelled with a void op (`target_op_id`).
        case voided
        /// Nothing was cancelled: the answer was no, or the last line shown recorded nothing.
        case notVoided = "not_voided"
        /// The scan passed midnight: from now on lines belong to the new business day (`date`). With `reason` when
        /// the new day is one the service does not run: its scans will be refused (`not_service_day`).
        case newDay = "new_day"
        /// A session left open past midnight reached a day its service does not run (the rule the start applies,
        /// `ServiceDay`, without the start's `--force`): the scan is refused, nothing recorded; `reason` is the start's
        /// code, `not_service_day` or `outside_service`. Close and start again, with `--force` only if the service
        /// really runs that day.
        case notServiceDay = "not_service_day"
        /// At the start: the last sync found this device's clock off (`clock_offset_ms`); times and days may be wrong.
        case clockWrong = "clock_wrong"
        /// At the start: the last sync found this device revoked; what is recorded stays on it and does not reach
        /// the office (`DeviceRevocation`).
        case deviceRevoked = "device_revoked"
    }

    /// Something the worker must know about a child who is served all the same (avviso): the meal is recorded.
    public struct Warning: Encodable, Sendable, Equatable {
        public enum Code: String, Encodable, Sendable {
            /// Marked absent in today's register.
            case absentToday = "absent_today"
            /// Away for an absence period covering the day (no mark of the day says otherwise).
            case absencePeriod = "absence_period"
            /// Marked as gone home (early exit) in today's register, at or before now.
            case leftEarly = "left_early"
            /// Prepaid credit under the payer's threshold.
            case lowCredit = "low_credit"
            /// Prepaid credit below zero.
            case negativeCredit = "negative_credit"
            /// A day outside the enrollment's option (a three-day pupil on a Tuesday): a meal more, billed as such.
            case offOptionDay = "off_option_day"
        }

        public let code: Code
        public let message: String
    }

    /// Prepaid credit as of the last sync (credito prepagato).
    public struct Credit: Encodable, Sendable, Equatable {
        public let balanceCents: Int64
        public let thresholdCents: Int64?
        /// Under the threshold, or negative.
        public let low: Bool
        /// When the device last synced successfully (UTC, ISO 8601): the credit is the server's as of then.
        public let asOf: String?

        enum CodingKeys: String, CodingKey {
            case balanceCents = "balance_cents", thresholdCents = "threshold_cents", low, asOf = "as_of"
        }
    }

    public var result: Result
    /// One short Italian sentence.
    public var message: String
    /// Whether an op was recorded (durably) for this scan.
    public var recorded: Bool
    public var opId: String?
    /// On the bus: whether the line recorded a `boarding` or an `alighting` (the ride decides by who is aboard).
    public var opType: OpType?
    public var beneficiaryId: String?
    public var name: String?
    public var className: String?
    /// On the bus: the child's school, only where the class name alone is ambiguous on the line (a "3A" of two schools).
    public var schoolName: String?
    public var dietName: String?
    public var allergens: [String]
    /// Allergia grave: the child's emergency plan, printed before anything else.
    public var emergencyPlan: String?
    /// For a refused payload, the decoder's code (wrong_prefix, lowercase, keyboard_layout…); for a day refused after
    /// midnight (`not_service_day`, and the `new_day` that reached it), the code of the start's refusal.
    public var reason: String?
    public var candidates: [Candidate]
    /// For a duplicate: when the earlier scan was made, and whether at another device.
    public var servedAt: String?
    public var elsewhere: Bool?
    /// The business day the line was decided for.
    public var date: LocalDate?
    /// What the worker must know although the child is served (register, credit).
    public var warnings: [Warning]
    /// At a prepaid canteen: the child's credit as of the last sync.
    public var credit: Credit?
    /// For `voided` and `confirm`: the op cancelled, or to be cancelled.
    public var targetOpId: String?
    /// For `clock_wrong`: this clock minus the server's, as last measured (positive: ahead).
    public var clockOffsetMs: Int64?
    /// `message` with the commands it suggests kept as `CommandHint`s: the screen writes them with the device folder
    /// the user named (`--json` keeps `message`).
    public var hint: HintedText?

    public struct Candidate: Encodable, Sendable, Equatable {
        /// What this place already has of the child on the station's day: the worker sees it before recording a
        /// duplicate by name.
        public enum Already: String, Encodable, Sendable {
            /// At the canteen: a meal of the day, here or at another door.
            case served
            /// On the bus: boarded this ride (route, direction, day) and not off.
            case aboard
            /// On the bus: already got off this ride.
            case alighted
        }

        public let beneficiaryId: String
        public let name: String
        public let className: String?
        /// nil when the child has nothing of the kind yet.
        public var already: Already? = nil
        /// When (HH:MM, Europe/Rome) the meal, boarding or alighting of `already` was recorded.
        public var alreadyAt: String? = nil

        enum CodingKeys: String, CodingKey {
            case beneficiaryId = "beneficiary_id", name, className = "class_name", already, alreadyAt = "already_at"
        }
    }

    init(_ result: Result, hinted: HintedText) {
        self.init(result, hinted.description)
        hint = hinted
    }

    init(_ result: Result, _ message: String, recorded: Bool = false) {
        self.result = result
        self.message = message
        self.recorded = recorded
        self.allergens = []
        self.candidates = []
        self.warnings = []
    }

    enum CodingKeys: String, CodingKey {
        case result, message, recorded, opId = "op_id", opType = "op_type", beneficiaryId = "beneficiary_id", name, className = "class_name"
        case schoolName = "school_name", dietName = "diet", allergens, emergencyPlan = "emergency_plan", reason, candidates, servedAt = "served_at", elsewhere
        case date, warnings, credit, targetOpId = "target_op_id", clockOffsetMs = "clock_offset_ms"
    }

    /// Whether the worker should be alerted (refusal or warning).
    public var isAlert: Bool {
        switch result {
        case .ok: return !warnings.isEmpty
        case .candidates, .confirm, .voided, .notVoided, .newDay: return false
        case .duplicate, .unknownCard, .revokedCard, .notEnrolled, .wrongStop, .wrongSchool, .invalidPayload, .error, .clockWrong, .deviceRevoked,
             .notServiceDay:
            return true
        }
    }

    /// "Rossi Mario (1A)": the child as the worker sees it, empty when unknown; on the bus "Rossi Mario (1A, Scuola
    /// primaria «Gianni Rodari»)" where the class name alone is ambiguous on the line.
    public var who: String {
        name.map { RidePlan.who($0, className: className, schoolName: schoolName) } ?? ""
    }
}
