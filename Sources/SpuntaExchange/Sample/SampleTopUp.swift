import SpuntaDomain

/// Ricarica of the sample Comune: what a family paid into a prepaid canteen position before the sample month's
/// meals, as a line of the payments file (protocol/billing.md) that the demo imports.
public struct SampleTopUp: Sendable, Equatable {
    public let payerId: String
    public let beneficiaryId: String
    public let serviceId: String
    public let amount: Money
    /// `pagopa` or `cash` (cash top-ups do not count in the tax statement).
    public let method: String
    public let reference: String

    /// One child in this many, counted by id among the children of the prepaid meal services, has nothing topped up.
    public static let withoutTopUpEvery = 6

    /// The top-ups of the children enrolled in the prepaid meal services of `data`, by child id. Most families pay
    /// for a few meals (€20.00 or €12.00, by pagoPA or cash); a few — the sixth child, the twelfth… — pay nothing, so
    /// their credit goes below zero as soon as a meal is debited: the case the office's reminders chase (a reminder,
    /// then a pagoPA notice for the deficit). Deterministic, as the sample is.
    public static func plan(_ data: MasterDataSet) -> [SampleTopUp] {
        let prepaid = Set(data.services.filter { $0.billingMode == .prepaid && $0.kind.servesMeals }.map(\.id))
        let children = Dictionary(data.beneficiaries.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let enrolled = data.enrollments.filter { prepaid.contains($0.serviceId) }.sorted { ($0.beneficiaryId, $0.id) < ($1.beneficiaryId, $1.id) }
        var result: [SampleTopUp] = []
        for (index, enrollment) in enrolled.enumerated() where index % withoutTopUpEvery != withoutTopUpEvery - 1 {
            guard let payers = children[enrollment.beneficiaryId]?.payers, let payer = payers.first(where: \.primary) ?? payers.first else { continue }
            result.append(SampleTopUp(payerId: payer.payerId, beneficiaryId: enrollment.beneficiaryId, serviceId: enrollment.serviceId,
                                      amount: Money(cents: index % 3 == 0 ? 2000 : 1200), method: index % 2 == 0 ? "pagopa" : "cash",
                                      reference: "RIC-\(index)"))
        }
        return result
    }
}
