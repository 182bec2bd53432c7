import SpuntaDomain

/// An op: one immutable fact recorded by a device (presenza, pasto, salita, discesa, annullamento…).
///
/// Globally unique by `id`. `instance` and `seq` number the ops of one device database: a sequence that goes
/// backwards reveals a restored or cloned device. `hlc` orders ops across devices; `wallTimeMs` is the
/// device's clock; `businessDate` is the day in Europe/Rome the fact belongs to.
public struct Op: Codable, Sendable, Hashable {
    public var id: String
    public var deviceId: String
    public var instance: String
    public var seq: Int64
    public var hlc: HLCTimestamp
    public var wallTimeMs: Int64
    public var businessDate: LocalDate
    public var body: OpBody

    public init(
        id: String, deviceId: String, instance: String, seq: Int64, hlc: HLCTimestamp, wallTimeMs: Int64,
        businessDate: LocalDate, body: OpBody
    ) {
        self.id = id
        self.deviceId = deviceId
        self.instance = instance
        self.seq = seq
        self.hlc = hlc
        self.wallTimeMs = wallTimeMs
        self.businessDate = businessDate
        self.body = body
    }

    public var type: OpType { body.type }

    /// Every key an op may have (`PushRequestReader` reads the same keys as `init(from:)`).
    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, deviceId = "device_id", instance, seq, hlc, wallTimeMs = "wall_time_ms", businessDate = "business_date", type
        case beneficiaryId = "beneficiary_id", classId = "class_id", serviceId = "service_id", siteId = "site_id"
        case routeId = "route_id", stopId = "stop_id", direction, cardId = "card_id", status, time
        case absenceDate = "absence_date", reason, targetOpId = "target_op_id", aboard
        case fromDate = "from_date", toDate = "to_date"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        deviceId = try c.decode(String.self, forKey: .deviceId)
        instance = try c.decode(String.self, forKey: .instance)
        seq = try c.decode(Int64.self, forKey: .seq)
        hlc = try c.decode(HLCTimestamp.self, forKey: .hlc)
        wallTimeMs = try c.decode(Int64.self, forKey: .wallTimeMs)
        businessDate = try c.decode(LocalDate.self, forKey: .businessDate)
        let type = try c.decode(OpType.self, forKey: .type)
        switch type {
        case .attendanceMarked:
            body = .attendanceMarked(AttendanceMarked(
                beneficiaryId: try c.decode(String.self, forKey: .beneficiaryId),
                classId: try c.decode(String.self, forKey: .classId),
                status: try c.decode(AttendanceStatus.self, forKey: .status),
                time: try c.decodeIfPresent(LocalTime.self, forKey: .time)
            ))
        case .absenceJustified:
            body = .absenceJustified(AbsenceJustified(
                beneficiaryId: try c.decode(String.self, forKey: .beneficiaryId),
                classId: try c.decode(String.self, forKey: .classId),
                absenceDate: try c.decode(LocalDate.self, forKey: .absenceDate),
                reason: try c.decode(String.self, forKey: .reason)
            ))
        case .absencePeriodRecorded:
            body = .absencePeriodRecorded(AbsencePeriod(
                beneficiaryId: try c.decode(String.self, forKey: .beneficiaryId),
                classId: try c.decode(String.self, forKey: .classId),
                fromDate: try c.decode(LocalDate.self, forKey: .fromDate),
                toDate: try c.decode(LocalDate.self, forKey: .toDate),
                reason: try c.decode(String.self, forKey: .reason)
            ))
        case .mealScanned, .mealRecorded:
            let meal = Meal(
                beneficiaryId: try c.decode(String.self, forKey: .beneficiaryId),
                serviceId: try c.decode(String.self, forKey: .serviceId),
                siteId: try c.decode(String.self, forKey: .siteId),
                cardId: try c.decodeIfPresent(String.self, forKey: .cardId),
                reason: try c.decodeIfPresent(String.self, forKey: .reason)
            )
            body = type == .mealScanned ? .mealScanned(meal) : .mealRecorded(meal)
        case .boarding, .alighting:
            let ride = Ride(
                beneficiaryId: try c.decode(String.self, forKey: .beneficiaryId),
                routeId: try c.decode(String.self, forKey: .routeId),
                stopId: try c.decode(String.self, forKey: .stopId),
                direction: try c.decode(Direction.self, forKey: .direction),
                cardId: try c.decodeIfPresent(String.self, forKey: .cardId)
            )
            body = type == .boarding ? .boarding(ride) : .alighting(ride)
        case .void:
            body = .void(VoidOp(
                targetOpId: try c.decode(String.self, forKey: .targetOpId),
                reason: try c.decode(String.self, forKey: .reason)
            ))
        case .rideClosed:
            body = .rideClosed(RideClosed(
                routeId: try c.decode(String.self, forKey: .routeId),
                direction: try c.decode(Direction.self, forKey: .direction),
                aboard: try c.decode([String].self, forKey: .aboard)
            ))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(deviceId, forKey: .deviceId)
        try c.encode(instance, forKey: .instance)
        try c.encode(seq, forKey: .seq)
        try c.encode(hlc, forKey: .hlc)
        try c.encode(wallTimeMs, forKey: .wallTimeMs)
        try c.encode(businessDate, forKey: .businessDate)
        try c.encode(type, forKey: .type)
        switch body {
        case .attendanceMarked(let a):
            try c.encode(a.beneficiaryId, forKey: .beneficiaryId)
            try c.encode(a.classId, forKey: .classId)
            try c.encode(a.status, forKey: .status)
            try c.encodeIfPresent(a.time, forKey: .time)
        case .absenceJustified(let a):
            try c.encode(a.beneficiaryId, forKey: .beneficiaryId)
            try c.encode(a.classId, forKey: .classId)
            try c.encode(a.absenceDate, forKey: .absenceDate)
            try c.encode(a.reason, forKey: .reason)
        case .absencePeriodRecorded(let p):
            try c.encode(p.beneficiaryId, forKey: .beneficiaryId)
            try c.encode(p.classId, forKey: .classId)
            try c.encode(p.fromDate, forKey: .fromDate)
            try c.encode(p.toDate, forKey: .toDate)
            try c.encode(p.reason, forKey: .reason)
        case .mealScanned(let m), .mealRecorded(let m):
            try c.encode(m.beneficiaryId, forKey: .beneficiaryId)
            try c.encode(m.serviceId, forKey: .serviceId)
            try c.encode(m.siteId, forKey: .siteId)
            try c.encodeIfPresent(m.cardId, forKey: .cardId)
            try c.encodeIfPresent(m.reason, forKey: .reason)
        case .boarding(let r), .alighting(let r):
            try c.encode(r.beneficiaryId, forKey: .beneficiaryId)
            try c.encode(r.routeId, forKey: .routeId)
            try c.encode(r.stopId, forKey: .stopId)
            try c.encode(r.direction, forKey: .direction)
            try c.encodeIfPresent(r.cardId, forKey: .cardId)
        case .void(let v):
            try c.encode(v.targetOpId, forKey: .targetOpId)
            try c.encode(v.reason, forKey: .reason)
        case .rideClosed(let r):
            try c.encode(r.routeId, forKey: .routeId)
            try c.encode(r.direction, forKey: .direction)
            try c.encode(r.aboard, forKey: .aboard)
        }
    }
}

/// The kinds of op, as written in the `type` field.
public enum OpType: String, Codable, Sendable, CaseIterable, Hashable {
    case attendanceMarked = "attendance_marked"
    case absenceJustified = "absence_justified"
    case absencePeriodRecorded = "absence_period_recorded"
    case mealScanned = "meal_scanned"
    case mealRecorded = "meal_recorded"
    case boarding
    case alighting
    case void
    case rideClosed = "ride_closed"

    public var italian: String {
        switch self {
        case .attendanceMarked: return "appello"
        case .absenceJustified: return "giustificazione"
        case .absencePeriodRecorded: return "periodo di assenza"
        case .mealScanned: return "pasto (tessera)"
        case .mealRecorded: return "pasto (per nome)"
        case .boarding: return "salita"
        case .alighting: return "discesa"
        case .void: return "annullamento"
        case .rideClosed: return "fine corsa"
        }
    }
}

/// What an op says, by type.
public enum OpBody: Sendable, Hashable {
    case attendanceMarked(AttendanceMarked)
    case absenceJustified(AbsenceJustified)
    case absencePeriodRecorded(AbsencePeriod)
    case mealScanned(Meal)
    case mealRecorded(Meal)
    case boarding(Ride)
    case alighting(Ride)
    case void(VoidOp)
    case rideClosed(RideClosed)

    public var type: OpType {
        switch self {
        case .attendanceMarked: return .attendanceMarked
        case .absenceJustified: return .absenceJustified
        case .absencePeriodRecorded: return .absencePeriodRecorded
        case .mealScanned: return .mealScanned
        case .mealRecorded: return .mealRecorded
        case .boarding: return .boarding
        case .alighting: return .alighting
        case .void: return .void
        case .rideClosed: return .rideClosed
        }
    }

    /// The child the op is about (nil for a void and for the end of a ride, which names several).
    public var beneficiaryId: String? {
        switch self {
        case .attendanceMarked(let a): return a.beneficiaryId
        case .absenceJustified(let a): return a.beneficiaryId
        case .absencePeriodRecorded(let p): return p.beneficiaryId
        case .mealScanned(let m), .mealRecorded(let m): return m.beneficiaryId
        case .boarding(let r), .alighting(let r): return r.beneficiaryId
        case .void, .rideClosed: return nil
        }
    }
}

/// Presenza: the register of one child for one day.
public enum AttendanceStatus: String, Codable, Sendable, CaseIterable, Hashable {
    case present, absent
    case lateEntry = "late_entry"
    case earlyExit = "early_exit"

    public var italian: String {
        switch self {
        case .present: return "presente"
        case .absent: return "assente"
        case .lateEntry: return "entrata posticipata"
        case .earlyExit: return "uscita anticipata"
        }
    }
}

public struct AttendanceMarked: Codable, Sendable, Hashable {
    public var beneficiaryId: String
    public var classId: String
    public var status: AttendanceStatus
    /// For a late entry or an early exit: when.
    public var time: LocalTime?

    public init(beneficiaryId: String, classId: String, status: AttendanceStatus, time: LocalTime?) {
        self.beneficiaryId = beneficiaryId
        self.classId = classId
        self.status = status
        self.time = time
    }
}

/// Giustificazione of an absence on `absenceDate`.
public struct AbsenceJustified: Codable, Sendable, Hashable {
    public var beneficiaryId: String
    public var classId: String
    public var absenceDate: LocalDate
    public var reason: String

    public init(beneficiaryId: String, classId: String, absenceDate: LocalDate, reason: String) {
        self.beneficiaryId = beneficiaryId
        self.classId = classId
        self.absenceDate = absenceDate
        self.reason = reason
    }
}

/// Periodo di assenza: a child of the class will be away from `fromDate` through `toDate` (both included), known
/// ahead (a family trip, a hospital stay). Those days the register holds the child absent and justified unless a
/// mark of the day says otherwise, and the kitchen's count leaves the child out.
public struct AbsencePeriod: Codable, Sendable, Hashable {
    public var beneficiaryId: String
    public var classId: String
    public var fromDate: LocalDate
    public var toDate: LocalDate
    public var reason: String

    public init(beneficiaryId: String, classId: String, fromDate: LocalDate, toDate: LocalDate, reason: String) {
        self.beneficiaryId = beneficiaryId
        self.classId = classId
        self.fromDate = fromDate
        self.toDate = toDate
        self.reason = reason
    }

    /// Whether the period includes `day`.
    public func covers(_ day: LocalDate) -> Bool { fromDate <= day && day <= toDate }

    /// "dal 02/12/2026 al 04/12/2026", or "il 02/12/2026" for a single day.
    public var italianSpan: String {
        fromDate == toDate ? "il \(fromDate.italian)" : "dal \(fromDate.italian) al \(toDate.italian)"
    }
}

/// A meal served: scanned from a card, or recorded by name for a child without card (with `reason`).
public struct Meal: Codable, Sendable, Hashable {
    public var beneficiaryId: String
    public var serviceId: String
    public var siteId: String
    public var cardId: String?
    public var reason: String?

    public init(beneficiaryId: String, serviceId: String, siteId: String, cardId: String?, reason: String?) {
        self.beneficiaryId = beneficiaryId
        self.serviceId = serviceId
        self.siteId = siteId
        self.cardId = cardId
        self.reason = reason
    }
}

/// A boarding or alighting of the school bus at a stop, or at the school (`stop_id` "school": getting off in
/// the morning, getting on in the afternoon).
public struct Ride: Codable, Sendable, Hashable {
    /// The stop id meaning the school itself, when the ride does not say which school.
    public static let school = "school"

    /// The stop of one school on a line serving several (`school:S01`: the school of site S01). Exchange ids never
    /// contain a colon, so it cannot be mistaken for a stop of the route.
    public static func schoolStop(site: String) -> String { "\(school):\(site)" }

    /// Whether the stop id is a school (`school`, or `school:SITE`).
    public static func isSchool(_ stopId: String) -> Bool { stopId == school || schoolSite(stopId) != nil }

    /// The site of a school stop `school:SITE`; nil for `school` and for a stop of the route.
    public static func schoolSite(_ stopId: String) -> String? {
        guard stopId.hasPrefix(school + ":") else { return nil }
        let site = String(stopId.dropFirst(school.count + 1))
        return site.isEmpty ? nil : site
    }

    public var beneficiaryId: String
    public var routeId: String
    public var stopId: String
    public var direction: Direction
    public var cardId: String?

    public init(beneficiaryId: String, routeId: String, stopId: String, direction: Direction, cardId: String?) {
        self.beneficiaryId = beneficiaryId
        self.routeId = routeId
        self.stopId = stopId
        self.direction = direction
        self.cardId = cardId
    }
}

/// Annullamento: voids an earlier op, with the reason.
public struct VoidOp: Codable, Sendable, Hashable {
    public var targetOpId: String
    public var reason: String

    public init(targetOpId: String, reason: String) {
        self.targetOpId = targetOpId
        self.reason = reason
    }
}

/// Fine corsa: the attendant closed the ride of a route and direction; `aboard` lists the children the device
/// still had aboard (boarded, never scanned off), each confirmed by name before closing. The server alerts the
/// office at once for each of them.
public struct RideClosed: Codable, Sendable, Hashable {
    public var routeId: String
    public var direction: Direction
    public var aboard: [String]

    public init(routeId: String, direction: Direction, aboard: [String]) {
        self.routeId = routeId
        self.direction = direction
        self.aboard = aboard
    }
}
