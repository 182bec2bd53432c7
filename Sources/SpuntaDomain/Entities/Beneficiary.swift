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
    /// Who pays for the child; the first with `primary` receives statements (all of them, unless shares are given).
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

    /// The primary payer (the first marked primary, else the first): the one billed when no shares are given, and
    /// the household the child's siblings are counted in.
    public var primaryPayerId: String? {
        payers.first(where: \.primary)?.payerId ?? payers.first?.payerId
    }

    /// Who pays for the child and what percent: with shares (separated parents, 50/50 or 70/30) each payer that has
    /// one, primary first; without shares the primary payer, 100%. Empty for a child without payers.
    public var billedPayers: [(payerId: String, percent: Int)] {
        guard let primary = primaryPayerId else { return [] }
        let shared = payers.filter { $0.share != nil }
        guard !shared.isEmpty else { return [(primary, 100)] }
        let ordered = shared.filter { $0.payerId == primary } + shared.filter { $0.payerId != primary }
        return ordered.map { ($0.payerId, $0.share ?? 0) }
    }

    /// A payer of the child. `primary` is the one billed; `share` the percent this payer pays when the payers
    /// share the cost (quota, 1–99, the shares of a child summing to 100), nil when they do not.
    public struct PayerLink: Hashable, Sendable, Codable {
        public var payerId: String
        public var primary: Bool
        public var share: Int?

        public init(payerId: String, primary: Bool, share: Int? = nil) {
            self.payerId = payerId
            self.primary = primary
            self.share = share
        }
    }
}
