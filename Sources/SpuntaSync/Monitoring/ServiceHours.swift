import SpuntaDomain

/// Orario di servizio: the windows of the day when devices of a role are at work, e.g. `07:00-09:00 13:00-17:00`
/// for the school bus. Written and read as that text; every window starts before it ends.
public struct ServiceHours: Sendable, Equatable, CustomStringConvertible {
    public struct Window: Sendable, Equatable {
        public let start: LocalTime
        public let end: LocalTime

        public func contains(_ time: LocalTime) -> Bool { start <= time && time < end }
    }

    public let windows: [Window]

    public init(windows: [Window]) {
        self.windows = windows.sorted { $0.start < $1.start }
    }

    /// Parses windows separated by spaces or commas; `none` (or nothing) for a role never in service.
    public init?(_ text: String) {
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
        if parts.isEmpty || parts == ["none"] {
            self.init(windows: [])
            return
        }
        var windows: [Window] = []
        for part in parts {
            let bounds = part.split(separator: "-", omittingEmptySubsequences: false)
            guard bounds.count == 2, let start = LocalTime(bounds[0]), let end = LocalTime(bounds[1]), start < end else { return nil }
            windows.append(Window(start: start, end: end))
        }
        self.init(windows: windows)
    }

    /// The window `time` falls in, if any.
    public func window(at time: LocalTime) -> Window? {
        windows.first { $0.contains(time) }
    }

    /// `07:00-09:00 13:00-17:00`, or `none`.
    public var description: String {
        windows.isEmpty ? "none" : windows.map { "\($0.start)-\($0.end)" }.joined(separator: " ")
    }

    /// `07:00–09:00 e 13:00–17:00`, or `nessuno`.
    public var italian: String {
        guard !windows.isEmpty else { return "nessuno" }
        let items = windows.map { "\($0.start)–\($0.end)" }
        return items.count == 1 ? items[0] : items.dropLast().joined(separator: ", ") + " e " + (items.last ?? "")
    }
}
