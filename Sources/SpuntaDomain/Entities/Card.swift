/// Tessera: a card with a random identifier printed as a QR code, given to one child. Revocable.
public struct Card: Hashable, Sendable, Codable {
    /// The card identifier as printed after `SPUNTA1:` (see `CardPayload`).
    public var id: String
    public var beneficiaryId: String
    public var issuedOn: LocalDate
    /// Set when the card was lost or replaced: a revoked card is refused at the scanner.
    public var revokedOn: LocalDate?

    enum CodingKeys: String, CodingKey {
        case id, beneficiaryId = "beneficiary_id", issuedOn = "issued_on", revokedOn = "revoked_on"
    }

    public init(id: String, beneficiaryId: String, issuedOn: LocalDate, revokedOn: LocalDate?) {
        self.id = id
        self.beneficiaryId = beneficiaryId
        self.issuedOn = issuedOn
        self.revokedOn = revokedOn
    }
}
