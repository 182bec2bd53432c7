import Foundation
import SpuntaDomain
import SpuntaProtocol
import SpuntaServerStore
import SpuntaStore

/// Conflicts in words (il conflitto spiegato): which device — by its name — recorded what, at what time in Rome,
/// and what the merge made of it: "maestra-1A alle 08:12: assente; maestra-1A-bis alle 08:14: presente → vale
/// presente". Reads the ops a conflict names; one instance serves a whole listing (device names are read once).
public struct ConflictNarrative {
    let db: Database
    private let deviceNames: [String: String]
    private var stopNames: [String: String] = [:]
    private var routeNames: [String: String] = [:]
    private var routeEnds: [String: (outbound: String, back: String)] = [:]

    public init(_ db: Database) throws {
        self.db = db
        var names: [String: String] = [OperatorOps.deviceID: "ufficio scuola"]
        for row in try db.fetchAll("SELECT id, name FROM device") { names[try row[0] as String] = try row[1] as String }
        deviceNames = names
        for row in try db.fetchAll("SELECT id, name FROM stop") { stopNames[try row[0] as String] = try row[1] as String }
        // A school stop of a line serving several schools (`school:S01`) reads as the school's name, which says
        // "scuola" by itself when it begins so ("Scuola primaria «Gianni Rodari»", not "scuola Scuola primaria…").
        for row in try db.fetchAll("SELECT id, name FROM site") {
            let name: String = try row[1]
            let named = name.lowercased().hasPrefix("scuola") ? name : "scuola " + name
            stopNames[Ride.schoolStop(site: try row[0] as String)] = named
        }
        for row in try db.fetchAll("SELECT id, name FROM route") { routeNames[try row[0] as String] = try row[1] as String }
        for row in try db.fetchAll("SELECT route_id, MAX(outbound_time), MAX(return_time) FROM stop WHERE deleted = 0 GROUP BY route_id") {
            routeEnds[try row[0] as String] = (try row[1] as String, try row[2] as String)
        }
    }

    func op(_ id: String?) throws -> StoredOp? {
        guard let id else { return nil }
        return try MergeEngine.load(db, id: id)
    }

    /// "maestra-1A alle 08:12", or "… il 29/10/2026 alle 23:50" when the device's clock put it on another day than
    /// the fact's own.
    func who(_ op: StoredOp) -> String {
        let instant = Date(timeIntervalSince1970: Double(op.wallTimeMs) / 1000)
        let name = deviceNames[op.deviceId] ?? op.deviceId
        let day = BusinessCalendar.date(of: instant)
        if day == op.businessDate { return "\(name) alle \(ItalianTime.time(instant))" }
        return "\(name) il \(day.italian) alle \(ItalianTime.time(instant))"
    }

    static func italian(status: String?) -> String {
        status.flatMap(AttendanceStatus.init(rawValue:))?.italian ?? (status ?? "?")
    }

    static func italian(status: AttendanceStatus?) -> String {
        status?.italian ?? "?"
    }

    /// "Linea 1 – Nord (Borgo) (L1), andata": the line named as its ride's screen names it (`Route.title`).
    func rideWords(route: String, direction: String) -> String {
        "\(Route.title(id: route, name: routeNames[route])), \(direction == "return" ? "ritorno" : "andata")"
    }

    /// "Via Roma 3", "scuola", or the school's name for `school:SITE`.
    func stopWords(_ id: String?) -> String {
        guard let id else { return "?" }
        return id == "school" ? "scuola" : stopNames[id] ?? id
    }

    /// The sentence for one conflict of `beneficiary` on `date` (as the conflict row names them).
    public func summary(kind: String, details: [String: JSONValue], beneficiary: String? = nil, date: String? = nil) throws -> String {
        func text(_ key: String) -> String? {
            if case .string(let value)? = details[key] { return value }
            return nil
        }
        switch ConflictStore.Kind(rawValue: kind) {
        case .attendanceDisagreement:
            var parts: [String] = []
            if case .array(let marks)? = details["marks"] {
                for mark in marks {
                    guard case .object(let fields) = mark else { continue }
                    let opID: String? = if case .string(let id)? = fields["op_id"] { id } else { nil }
                    let status: String? = if case .string(let s)? = fields["status"] { s } else { nil }
                    if let op = try op(opID) {
                        parts.append("\(who(op)): \(status.map { Self.italian(status: $0) } ?? Self.italian(status: op.status))")
                    } else if case .string(let device)? = fields["device_id"] {
                        parts.append("\(deviceNames[device] ?? device): \(Self.italian(status: status))")
                    }
                }
            }
            return parts.joined(separator: "; ") + " → vale \(Self.italian(status: text("winner_status")))"
        case .absentButAte:
            let mark = try op(text("attendance_op_id"))
            let meal = try op(text("meal_op_id"))
            var parts: [String] = []
            if let mark { parts.append("\(who(mark)): \(Self.italian(status: mark.status))") }
            if let meal { parts.append("\(who(meal)): \(meal.type == .mealRecorded ? "pasto registrato per nome" : "pasto servito (tessera)")") }
            return parts.joined(separator: "; ") + " → restano entrambi: assente nel registro, pasto addebitato"
        case .boardedNotAlighted:
            let route = text("route_id") ?? ""
            let direction = text("direction") ?? ""
            let stop = stopWords(text("boarding_stop_id").flatMap { $0.isEmpty ? nil : $0 })
            let end = routeEnds[route].map { direction == "return" ? $0.back : $0.outbound }
            var sentence = try op(text("boarding_op_id")).map { "\(who($0)): sale a \(stop)" } ?? "sale a \(stop)"
            sentence += " (\(rideWords(route: route, direction: direction)))"
            sentence += "; nessuna discesa registrata"
            if let end { sentence += " entro \(RideChecks.graceMinutes) min dall'ultima fermata (\(end))" }
            return sentence + " → risulta ancora a bordo"
        case .registerScanMismatch:
            var parts: [String] = []
            if let mark = try op(text("attendance_op_id")) { parts.append("\(who(mark)): \(Self.italian(status: mark.status))") }
            if let meal = try op(text("meal_op_id")) {
                parts.append("\(who(meal)): pasto servito (tessera)")
                return parts.joined(separator: "; ") + " → addebitato il pasto letto"
            }
            parts.append("nessun pasto letto in mensa")
            return parts.joined(separator: "; ") + " → nessun pasto addebitato: conta la tessera"
        case .clockSkew:
            let offset: Int64? = switch details["clock_offset_ms"] {
            case .integer(let v)?: v
            case .number(let v)?: Int64(v)
            default: nil
            }
            let recorded = text("recorded_date").flatMap { LocalDate($0) }?.italian ?? text("recorded_date") ?? "?"
            let likely = text("likely_date").flatMap { LocalDate($0) }?.italian ?? text("likely_date") ?? "?"
            var sentence = try op(text("op_id")).map { op in
                let instant = Date(timeIntervalSince1970: Double(op.wallTimeMs) / 1000)
                return "\(deviceNames[op.deviceId] ?? op.deviceId) il \(BusinessCalendar.date(of: instant).italian) alle \(ItalianTime.time(instant))"
            } ?? (text("device_id").map { deviceNames[$0] ?? $0 } ?? "?")
            if let offset { sentence += " (orologio sbagliato di \(ItalianTime.offset(milliseconds: offset)))" }
            let likelyTime = text("likely_time").flatMap { UTCTime.date($0) }.map { " alle \(ItalianTime.time($0))" } ?? ""
            let certain: Bool = if case .bool(let value)? = details["certain"] { value } else { true }
            return sentence + ": registrato per il \(recorded), per l'ora del server \(certain ? "era" : "forse era") il \(likely)\(likelyTime)"
                + " → vale la data del dispositivo finché l'ufficio non decide (--set-date)"
        case .rideNotEnrolled:
            let route = text("route_id") ?? ""
            let direction = text("direction") ?? ""
            var boarding: StoredOp?
            if let beneficiary, let date {
                let id: String? = try db.scalar("""
                    SELECT boarding_op_id FROM ride WHERE beneficiary_id = ? AND route_id = ? AND business_date = ? AND direction = ?
                    """, [beneficiary, route, date, direction])
                boarding = try op(id)
            }
            let who = boarding.map { "\(self.who($0)): sale a \(stopWords($0.stopId))" } ?? "a bordo"
            return "\(who) (\(rideWords(route: route, direction: direction))), ma non è iscritto a questa linea quel giorno"
                + " → corsa registrata, non addebitata finché l'ufficio non decide (--bill per addebitarla)"
        case nil:
            return details.keys.sorted().map { "\($0)=\(details[$0]?.description ?? "")" }.joined(separator: " ")
        }
    }
}
