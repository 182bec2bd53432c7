/// Fruitore: the child who uses a service.
public struct Beneficiary: Hashable, Sendable, Codable {
    public var id: String
    public var fiscalCode: String
    public var surname: String
    public var givenName: String
    public var birthDate: LocalDate
    /// The class the child attends, if a school pupil (nursery children have none).
    public var classId: String?
    /// Appartenenza alla classe: the first and last day the child is in `classId` (nil: from the start, to the end
    /// of the class's school year). A child who starts on 16 November is not in the register before.
    public var classFrom: LocalDate?
    public var classTo: LocalDate?
    /// Anno di corso (1–5), which Comuni report by; nil when not given.
    public var grade: Int?
    /// Who pays for the child; the first with `primary` receives statements.
    public var payers: [PayerLink]

    public init(
        id: String, fiscalCode: String, surname: String, givenName: String, birthDate: LocalDate,
        classId: String?, payers: [PayerLink], classFrom: LocalDate? = nil, classTo: LocalDate? = nil, grade: Int? = nil
    ) {
        self.id = id
        self.fiscalCode = fiscalCode
        self.surname = surname
        self.givenName = givenName
        self.birthDate = birthDate
        self.classId = classId
        self.payers = payers
        self.classFrom = classFrom
        self.classTo = classTo
        self.grade = grade
    }

    /// The child's class with its dates (nil: no class), as every register and count reads it.
    public var membership: ClassMembership? {
        classId.map { ClassMembership(classId: $0, from: classFrom, to: classTo) }
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
