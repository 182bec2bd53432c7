import SpuntaProtocol
import SpuntaServerStore

/// What one device may see and record: its role and its scope items (classes, sites or routes).
public struct DeviceScope: Sendable, Hashable {
    public let deviceId: String
    public let role: DeviceRole
    public let items: [ScopeItem]

    public init(deviceId: String, role: DeviceRole, items: [ScopeItem]) {
        self.deviceId = deviceId
        self.role = role
        self.items = items.sorted()
    }

    public var classIDs: [String] { items.filter { $0.kind == .class }.map(\.id) }
    public var siteIDs: [String] { items.filter { $0.kind == .site }.map(\.id) }
    public var routeIDs: [String] { items.filter { $0.kind == .route }.map(\.id) }

    /// The change-log keys this device reads.
    public var subscription: Set<String> {
        var keys: Set<String> = [ScopeKey.all]
        for item in items {
            switch item.kind {
            case .class: keys.insert(ScopeKey.forClass(item.id))
            case .site: keys.insert(ScopeKey.site(item.id))
            case .route: keys.insert(ScopeKey.route(item.id))
            }
        }
        if role == .canteen { keys.insert(ScopeKey.diets) }
        return keys
    }

    /// Op types the role may record.
    public var allowedOps: Set<OpType> {
        switch role {
        case .teacher: return [.attendanceMarked, .absenceJustified, .absencePeriodRecorded, .void]
        case .canteen: return [.mealScanned, .mealRecorded, .void]
        case .bus: return [.boarding, .alighting, .rideClosed, .void]
        }
    }

    /// The change-log keys of an op: where devices of the same scope will pull it from.
    public static func keys(of op: Op) -> Set<String> {
        switch op.body {
        case .attendanceMarked(let a): return [ScopeKey.forClass(a.classId)]
        case .absenceJustified(let a): return [ScopeKey.forClass(a.classId)]
        case .absencePeriodRecorded(let p): return [ScopeKey.forClass(p.classId)]
        case .mealScanned(let m), .mealRecorded(let m): return [ScopeKey.site(m.siteId)]
        case .boarding(let r), .alighting(let r): return [ScopeKey.route(r.routeId)]
        case .rideClosed(let r): return [ScopeKey.route(r.routeId)]
        case .void: return []
        }
    }
}
