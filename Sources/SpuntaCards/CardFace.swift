/// What is printed on one card (fronte della tessera): who it belongs to, where and when it is valid, and the QR
/// payload. Deliberately nothing else — no diet, health or fiscal data: a lost card tells its finder only a name
/// and a school.
public struct CardFace: Sendable, Equatable, Encodable {
    public let beneficiaryId: String
    public let surname: String
    public let givenName: String
    /// The class's name ("1A"), nil for a child without a class (the nursery).
    public let className: String?
    /// The school building (plesso) of the class, or of the child's service when there is no class.
    public let schoolName: String?
    /// "2026/27".
    public let schoolYear: String?
    /// "Comune di Valmarina".
    public let municipality: String
    /// The card id, as stored.
    public let cardId: String
    /// `SPUNTA1:` and the card id: what the QR code holds.
    public let payload: String

    public init(beneficiaryId: String, surname: String, givenName: String, className: String?, schoolName: String?, schoolYear: String?,
                municipality: String, cardId: String, payload: String) {
        self.beneficiaryId = beneficiaryId
        self.surname = surname
        self.givenName = givenName
        self.className = className
        self.schoolName = schoolName
        self.schoolYear = schoolYear
        self.municipality = municipality
        self.cardId = cardId
        self.payload = payload
    }

    enum CodingKeys: String, CodingKey {
        case beneficiaryId = "beneficiary_id", surname, givenName = "given_name", className = "class_name", schoolName = "school_name"
        case schoolYear = "school_year", municipality, cardId = "card_id", payload
    }
}
