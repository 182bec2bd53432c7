import Foundation
import SpuntaDomain
import SpuntaServerStore
import SpuntaStore

/// The check that needs the clock: a child who boarded and was never scanned off by the end of the route.
/// Run after each merge and before conflicts are listed; a route is over 30 minutes after its last stop.
public enum RideChecks {
    public static let graceMinutes = 30

    static func subject(_ beneficiary: String, _ route: String, _ date: LocalDate, _ direction: Direction) -> String {
        "\(beneficiary)|\(route)|\(date)|\(direction.rawValue)"
    }

    /// Opens a conflict for every ride still without alighting whose route has ended by `now` (rides already
    /// under such a conflict for the same boarding are skipped: the check runs often and must stay cheap); with
    /// `beneficiaries`, only for the rides of those children (what a push just touched). Returns how many rides
    /// it found overdue now, so that the caller can alert the office in the same transaction.
    @discardableResult
    public static func refresh(_ db: Database, now: Date, beneficiaries: Set<String>? = nil) throws -> Int {
        if let beneficiaries, beneficiaries.isEmpty { return 0 }
        let today = BusinessCalendar.date(of: now)
        let time = BusinessCalendar.time(of: now)
        // When each route ends: needed only for today's rides (an earlier day's ride is over), read once if any.
        var routeEnds: [String: (outbound: LocalTime, back: LocalTime)]?
        func ends() throws -> [String: (outbound: LocalTime, back: LocalTime)] {
            if let routeEnds { return routeEnds }
            var ends: [String: (outbound: LocalTime, back: LocalTime)] = [:]
            for row in try db.fetchAll("""
                SELECT route_id, MAX(outbound_time), MAX(return_time) FROM stop WHERE deleted = 0 GROUP BY route_id
                """) {
                if let out = LocalTime(try row[1] as String), let back = LocalTime(try row[2] as String) {
                    ends[try row[0] as String] = (out, back)
                }
            }
            routeEnds = ends
            return ends
        }
        var sql = """
            SELECT beneficiary_id, route_id, business_date, direction, boarding_op_id, boarding_stop_id FROM ride
            WHERE boarding_op_id IS NOT NULL AND alighting_op_id IS NULL AND business_date <= ?
                AND NOT EXISTS (
                    SELECT 1 FROM conflict c WHERE c.kind = 'boarded_not_alighted'
                        AND c.subject = ride.beneficiary_id || '|' || ride.route_id || '|' || ride.business_date || '|' || ride.direction
                        AND json_extract(c.details, '$.boarding_op_id') = ride.boarding_op_id
                        AND json_extract(c.details, '$.boarding_stop_id') = coalesce(ride.boarding_stop_id, ''))
            """
        var arguments: StatementArguments = [today.description]
        if let beneficiaries {
            let (list, args) = ReplicaProjector.inList(beneficiaries.sorted())
            sql += " AND beneficiary_id IN \(list)"
            arguments += args
        }
        let open = try db.fetchAll(sql, arguments)
        var overdue = 0
        for row in open {
            let beneficiary: String = try row[0], route: String = try row[1]
            guard let date = LocalDate(try row[2] as String), let direction = Direction(rawValue: try row[3] as String) else { continue }
            if date == today {
                guard let end = try ends()[route] else { continue }
                let last = direction == .outbound ? end.outbound : end.back
                guard time.minutes > last.minutes + graceMinutes else { continue }
            }
            overdue += 1
            try ConflictStore.raise(
                db, kind: .boardedNotAlighted, subject: subject(beneficiary, route, date, direction), beneficiary: beneficiary,
                date: date, details: [
                    "route_id": route, "direction": direction.rawValue, "boarding_op_id": try row[4] as String,
                    "boarding_stop_id": (try row[5] as String?) ?? "",
                ], at: now
            )
        }
        return overdue
    }
}
