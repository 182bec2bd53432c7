/// Ente / Comune: the municipality that runs the services and is the creditor of every pagoPA notice.
public struct Municipality: Hashable, Sendable, Codable {
    public var name: String
    /// Codice fiscale dell'ente: 11 digits.
    public var fiscalCode: String
    /// pagoPA segregation code (codice di segregazione), two digits, assigned to the intermediary.
    public var segregationCode: String
    /// IBAN credited by the notices (conto di accredito).
    public var iban: String
    /// Province code (sigla), e.g. `PD`.
    public var province: String

    public init(name: String, fiscalCode: String, segregationCode: String, iban: String, province: String) {
        self.name = name
        self.fiscalCode = fiscalCode
        self.segregationCode = segregationCode
        self.iban = iban
        self.province = province
    }
}
