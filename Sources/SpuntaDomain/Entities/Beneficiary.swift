/// Fruitore: the child who uses a service.
public struct Beneficiary: Hashable, Sendable, Codable {
    public var id: String
    public var fiscalCode: String
    public var surname: String
    public var givenName: String
    public var birthDate: LocalDate
    /// The class the child attends, if a school pupil (nursery children have none).
    public var classId: String?
    /// Who pays for the child; the first with `primary` receives statements.
    public var payers: [PayerLink]

    public init(
        id: String, fiscalCode: String, surname: String, givenName: String, birthDate: LocalDate,
        classId: String?, payers: [PayerLink]
    ) {
        self.id = id
        self.fiscalCode = fiscalCode
        self.surname = surname
        self.givenName = givenName
        self.birthDate = birthDate
        self.classId = classId
        self.payers = payers
    }

    public var fullName: String { "\(surname) \(givenName)" }

    /// A payer of the child. `primary` is the one billed.
    public struct PayerLink: Hashable, Sendable, Codable {
        public var payerId: String
        public var primary: Bool

        public init(payerId: String, primary: Bool) {
            self.payerId = payerId
            self.primary = primary
        }
    }
}
