/// Iscrizione: a beneficiary enrolled in a service over a period, with what the service needs to know
/// (site, diet, route and stops, tariff, exemption).
public struct Enrollment: Hashable, Sendable, Codable {
    public var id: String
    public var beneficiaryId: String
    public var serviceId: String
    public var siteId: String?
    public var dietId: String?
    public var routeId: String?
    /// Fermata di salita all'andata.
    public var outboundStopId: String?
    /// Fermata di discesa al ritorno.
    public var returnStopId: String?
    /// Transport: the child's school (plesso) among those the line serves; nil: the school of the child's class.
    public var schoolId: String?
    /// A specific tariff; nil means the service's tariff in force.
    public var tariffId: String?
    public var startDate: LocalDate
    public var endDate: LocalDate?
    /// Esenzione: 0 (none) to 100 (free), e.g. decided by social services.
    public var exemptionPercent: Int
    /// The service's option (opzione tariffaria) from the start; nil: none.
    public var optionId: String?
    /// Changes of option, each from its day on, in date order (full time to part time from 16 November).
    public var optionChanges: [OptionChange]

    public init(
        id: String, beneficiaryId: String, serviceId: String, siteId: String?, dietId: String?, routeId: String?,
        outboundStopId: String?, returnStopId: String?, tariffId: String?, startDate: LocalDate, endDate: LocalDate?,
        exemptionPercent: Int, schoolId: String? = nil, optionId: String? = nil, optionChanges: [OptionChange] = []
    ) {
        self.id = id
        self.beneficiaryId = beneficiaryId
        self.serviceId = serviceId
        self.siteId = siteId
        self.dietId = dietId
        self.routeId = routeId
        self.outboundStopId = outboundStopId
        self.returnStopId = returnStopId
        self.tariffId = tariffId
        self.startDate = startDate
        self.endDate = endDate
        self.exemptionPercent = exemptionPercent
        self.schoolId = schoolId
        self.optionId = optionId
        self.optionChanges = optionChanges
    }

    /// Cambio di opzione: the enrollment uses `optionId` from `from` on.
    public struct OptionChange: Hashable, Sendable, Codable {
        public var from: LocalDate
        public var optionId: String

        public init(from: LocalDate, optionId: String) {
            self.from = from
            self.optionId = optionId
        }

        enum CodingKeys: String, CodingKey {
            case from, optionId = "option_id"
        }

        /// The option in force on `date`: the last of `changes` on or before it, else `start` (the option from the
        /// enrollment's start). The one rule of the server's enrollments and of the device's replica.
        public static func option(on date: LocalDate, start: String?, changes: [OptionChange]) -> String? {
            changes.last { $0.from <= date }?.optionId ?? start
        }
    }

    /// The option in force on `date`: the last change on or before it, else the option from the start.
    public func option(on date: LocalDate) -> String? {
        OptionChange.option(on: date, start: optionId, changes: optionChanges)
    }

    public func isActive(on date: LocalDate) -> Bool {
        startDate <= date && (endDate.map { date <= $0 } ?? true)
    }
}
