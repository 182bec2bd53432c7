import SpuntaDomain

/// One op as the merge rules read it: what it is about and its place in last-writer order, without its storage.
/// The server reads it from its `op` table, a device from its outbox and the ops it pulled; the rules
/// (`MergeRules`) take these and nothing else, so both sides decide the same way.
public struct OpFact: Sendable, Hashable {
    public let id: String
    public let deviceId: String
    public let hlc: Int64
    public let type: OpType
    public let classId: String?
    public let serviceId: String?
    public let siteId: String?
    public let routeId: String?
    public let stopId: String?
    public let direction: Direction?
    public let status: AttendanceStatus?
    public let time: LocalTime?
    /// The device's clock when it recorded the op (what a person is told: "alle 08:12"); no rule orders by it.
    public let wallTimeMs: Int64

    public init(
        id: String, deviceId: String, hlc: Int64, type: OpType, classId: String? = nil, serviceId: String? = nil,
        siteId: String? = nil, routeId: String? = nil, stopId: String? = nil, direction: Direction? = nil,
        status: AttendanceStatus? = nil, time: LocalTime? = nil, wallTimeMs: Int64 = 0
    ) {
        self.id = id
        self.deviceId = deviceId
        self.hlc = hlc
        self.type = type
        self.classId = classId
        self.serviceId = serviceId
        self.siteId = siteId
        self.routeId = routeId
        self.stopId = stopId
        self.direction = direction
        self.status = status
        self.time = time
        self.wallTimeMs = wallTimeMs
    }

    /// The fact of a whole op.
    public init(_ op: Op) {
        var cls: String?, service: String?, site: String?, route: String?, stop: String?, direction: Direction?
        var status: AttendanceStatus?, time: LocalTime?
        switch op.body {
        case .attendanceMarked(let a): cls = a.classId; status = a.status; time = a.time
        case .absenceJustified(let a): cls = a.classId
        case .absencePeriodRecorded(let p): cls = p.classId
        case .mealScanned(let m), .mealRecorded(let m): service = m.serviceId; site = m.siteId
        case .boarding(let r), .alighting(let r): route = r.routeId; stop = r.stopId; direction = r.direction
        case .rideClosed(let r): route = r.routeId; direction = r.direction
        case .void: break
        }
        self.init(id: op.id, deviceId: op.deviceId, hlc: op.hlc.rawValue, type: op.type, classId: cls, serviceId: service,
                  siteId: site, routeId: route, stopId: stop, direction: direction, status: status, time: time,
                  wallTimeMs: op.wallTimeMs)
    }

    /// Whether the op is a meal (scanned or recorded by name).
    public var isMeal: Bool { type == .mealScanned || type == .mealRecorded }

    /// Last-writer order: HLC, then device id, then op id, so that ties are decided the same way everywhere.
    public static func lwwOrder(_ a: OpFact, _ b: OpFact) -> Bool {
        (a.hlc, a.deviceId, a.id) < (b.hlc, b.deviceId, b.id)
    }
}
