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
        for item in items { keys.insert(Self.key(of: item)) }
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

    /// The change-log keys of an op: where devices of the same scope will pull it from. The push adds the keys of
    /// other scopes that must see it too (`OpValidator.keys(of:)`), on top of this one.
    public static func keys(of op: Op) -> Set<String> {
        item(of: op).map { [key(of: $0)] } ?? []
    }

    /// The scope item an op belongs to — the class of a register op, the site of a meal, the route of a ride — or nil
    /// for a void, which is published under its target's keys.
    public static func item(of op: Op) -> ScopeItem? {
        switch op.body {
        case .attendanceMarked(let a): return ScopeItem(kind: .class, id: a.classId)
        case .absenceJustified(let a): return ScopeItem(kind: .class, id: a.classId)
        case .absencePeriodRecorded(let p): return ScopeItem(kind: .class, id: p.classId)
        case .mealScanned(let m), .mealRecorded(let m): return ScopeItem(kind: .site, id: m.siteId)
        case .boarding(let r), .alighting(let r): return ScopeItem(kind: .route, id: r.routeId)
        case .rideClosed(let r): return ScopeItem(kind: .route, id: r.routeId)
        case .void: return nil
        }
    }

    /// The change-log key of a scope item.
    public static func key(of item: ScopeItem) -> String {
        switch item.kind {
        case .class: return ScopeKey.forClass(item.id)
        case .site: return ScopeKey.site(item.id)
        case .route: return ScopeKey.route(item.id)
        }
    }
}
