import SpuntaDomain
import SpuntaProtocol

/// What the ride shows besides the answer to each scan (schermata della corsa): the stop reached with who gets on
/// and off there and who is missing, what was left behind at the stop just left, who is aboard, the question
/// before closing and the close itself. A stable `result` code for scripts, an Italian `message` for people.
public struct RideEvent: Encodable, Sendable, Equatable {
    public enum Result: String, Encodable, Sendable {
        /// The ride is at a stop (at the start, after a move, after a change of direction).
        case stop
        /// The bus left a stop where a child expected to get on did not, or a child expected to get off is still aboard.
        case leftStop = "left_stop"
        /// A stop choice that names no stop, or several (`candidates`).
        case stopChoice = "stop_choice"
        /// After each line recorded at a stop: who of those expected there is still missing (`missing`), how many aboard.
        case progress
        /// `#`: who is aboard now, with the stop where each gets off.
        case aboard
        /// `q` with children aboard: the question naming them; the next line answers s/n.
        case confirmClose = "confirm_close"
        /// The ride was closed: a `ride_closed` op (`op_id`) listing those left aboard (`aboard`) was recorded.
        case rideClosed = "ride_closed"
        /// The question was not answered yes: the ride goes on.
        case notClosed = "not_closed"
    }

    /// Where a child stands in this ride.
    public enum Status: String, Encodable, Sendable {
        case boarded, missing, alighted, aboard
        case notBoarded = "not_boarded"
    }

    /// A child as the ride lists it.
    public struct Child: Encodable, Sendable, Equatable {
        public let beneficiaryId: String
        public let name: String
        public let className: String?
        /// The child's school, only where the class name alone is ambiguous on the line (a "3A" of two schools).
        public let schoolName: String?
        /// In `boarding`: `boarded` or `missing`; in `alighting`: `alighted`, `aboard` or `not_boarded`; in `aboard`:
        /// `aboard`.
        public let status: Status
        /// In `aboard`: where the child gets off (the stop's name), when the list says.
        public let stop: String?
        /// The child's school whatever the class, for grouping a stop's list on screen (not in `--json`, where
        /// `school_name` keeps its meaning).
        public var school: String? = nil

        enum CodingKeys: String, CodingKey {
            case beneficiaryId = "beneficiary_id", name, className = "class_name", schoolName = "school_name", status, stop
        }

        /// "Rossi Mario (2A)"; "Rossi Mario (2A, Scuola primaria «Gianni Rodari»)" where "2A" alone is ambiguous.
        public var who: String { RidePlan.who(name, className: className, schoolName: schoolName) }

        /// `who` at `stop`: at the stop of the child's own school the stop's name already says the school.
        public func who(at stop: RidePlan.Stop?) -> String {
            guard let stop, stop.isSchool, schoolName == stop.name else { return who }
            return RidePlan.who(name, className: className, schoolName: nil)
        }
    }

    public var result: Result
    public var message: String
    public var routeId: String
    public var direction: Direction
    public var date: LocalDate
    public var stop: RidePlan.Stop?
    /// How many stops the ride has in this direction.
    public var stops: Int
    public var boarding: [Child] = []
    public var alighting: [Child] = []
    /// Expected to get on here (or at a stop left behind) and not aboard.
    public var missing: [Child] = []
    /// Expected to get off at the stop left behind and still aboard.
    public var notAlighted: [Child] = []
    public var aboard: [Child] = []
    public var candidates: [RidePlan.Stop] = []
    public var opId: String?

    enum CodingKeys: String, CodingKey {
        case result, message, routeId = "route_id", direction, date, stop, stops, boarding, alighting, missing
        case notAlighted = "not_alighted", aboard, candidates, opId = "op_id"
    }
}
