/// Anno scolastico: the span of the school calendar, with its closing days (giorni di chiusura).
public struct SchoolYear: Hashable, Sendable, Codable {
    public var id: String
    public var startDate: LocalDate
    public var endDate: LocalDate
    public var closures: [Closure]

    enum CodingKeys: String, CodingKey {
        case id, startDate = "start_date", endDate = "end_date", closures
    }

    public init(id: String, startDate: LocalDate, endDate: LocalDate, closures: [Closure]) {
        self.id = id
        self.startDate = startDate
        self.endDate = endDate
        self.closures = closures
    }

    /// One or more consecutive closing days (festività, vacanze, chiusura straordinaria).
    public struct Closure: Hashable, Sendable, Codable {
        public var from: LocalDate
        public var to: LocalDate
        public var reason: String

        public init(from: LocalDate, to: LocalDate, reason: String) {
            self.from = from
            self.to = to
            self.reason = reason
        }

        public func contains(_ date: LocalDate) -> Bool { from <= date && date <= to }
    }

    /// Whether `date` is a closing day of the year.
    public func isClosed(on date: LocalDate) -> Bool {
        closures.contains { $0.contains(date) }
    }
}
