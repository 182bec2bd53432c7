/// Richiedente / pagante: the adult who enrolls children and pays (or receives the credit alerts).
public struct Payer: Hashable, Sendable, Codable {
    public var id: String
    public var fiscalCode: String
    public var surname: String
    public var givenName: String
    public var email: String?
    public var mobile: String?
    /// Telefono fisso (or a second number) to call the family; never used for SMS alerts.
    public var phone: String?
    public var pec: String?
    public var address: String?
    /// Residente nel Comune: non-residents pay the top band.
    public var resident: Bool
    /// The ISEE on file, if any.
    public var isee: Isee?
    public var notifyByEmail: Bool
    public var notifyBySMS: Bool
    /// Prepaid credit below this amount sends an alert (soglia di credito).
    public var lowBalanceThreshold: Money?

    public init(
        id: String, fiscalCode: String, surname: String, givenName: String, email: String?, mobile: String?,
        pec: String?, address: String?, resident: Bool, isee: Isee?, notifyByEmail: Bool, notifyBySMS: Bool,
        lowBalanceThreshold: Money?, phone: String? = nil
    ) {
        self.id = id
        self.fiscalCode = fiscalCode
        self.surname = surname
        self.givenName = givenName
        self.email = email
        self.mobile = mobile
        self.phone = phone
        self.pec = pec
        self.address = address
        self.resident = resident
        self.isee = isee
        self.notifyByEmail = notifyByEmail
        self.notifyBySMS = notifyBySMS
        self.lowBalanceThreshold = lowBalanceThreshold
    }

    public var fullName: String { "\(surname) \(givenName)" }
}

/// Attestazione ISEE: the value, when it was filed (presentata) and when it expires (scadenza).
public struct Isee: Hashable, Sendable, Codable {
    public var value: Money
    public var filedOn: LocalDate
    public var expiresOn: LocalDate

    public init(value: Money, filedOn: LocalDate, expiresOn: LocalDate) {
        self.value = value
        self.filedOn = filedOn
        self.expiresOn = expiresOn
    }

    /// Whether the ISEE counts on `date`: a reduction starts the month it is filed if filed by the 15th,
    /// otherwise the next month; it is never retroactive, and stops after expiry.
    public func isInForce(on date: LocalDate) -> Bool {
        guard date <= expiresOn else { return false }
        let firstPeriod = filedOn.day <= 15 ? filedOn.period : filedOn.period.next
        return date.period >= firstPeriod
    }
}
