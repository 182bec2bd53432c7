/// What a device is for; decides what it may pull and which ops it may push.
public enum DeviceRole: String, Codable, Sendable, CaseIterable, Hashable {
    /// Insegnante: roll call of her classes.
    case teacher
    /// Accompagnatore: boardings and alightings on his routes.
    case bus
    /// Addetto mensa: meal scans at the canteen of a site.
    case canteen

    public var italian: String {
        switch self {
        case .teacher: return "insegnante"
        case .bus: return "scuolabus"
        case .canteen: return "mensa"
        }
    }

    /// The scope kind this role is given: classes, routes or sites.
    public var scopeKind: ScopeItem.Kind {
        switch self {
        case .teacher: return .class
        case .bus: return .route
        case .canteen: return .site
        }
    }
}

/// One element of a device's scope (ambito): `class:S01-1A`, `site:S01`, `route:L1`.
public struct ScopeItem: Codable, Sendable, Hashable, Comparable, CustomStringConvertible {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case `class`, site, route
    }

    public let kind: Kind
    public let id: String

    public init(kind: Kind, id: String) {
        self.kind = kind
        self.id = id
    }

    /// Parses `KIND:ID`.
    public init?(_ text: String) {
        guard let colon = text.firstIndex(of: ":") else { return nil }
        guard let kind = Kind(rawValue: String(text[..<colon])) else { return nil }
        let id = String(text[text.index(after: colon)...])
        guard !id.isEmpty else { return nil }
        self.init(kind: kind, id: id)
    }

    public var description: String { "\(kind.rawValue):\(id)" }

    public static func < (lhs: ScopeItem, rhs: ScopeItem) -> Bool { lhs.description < rhs.description }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let item = ScopeItem(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a scope item KIND:ID: \(text)")
        }
        self = item
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
