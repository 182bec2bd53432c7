import Foundation
import Testing
import SpuntaBilling
import SpuntaDomain
import SpuntaExchange
import SpuntaStore

/// The GPD export: every transfer of a payment option is at least one cent and the transfers add up to the
/// option's amount, whatever credits the statement carries.
@Suite("GPD export")
struct NoticeExportTests {
    /// PB's October with a pre-school fee of €30.00 for B1 added: canteen €90.00 (B1), nursery €266.67 (N1),
    /// pre-school €30.00 (B1) — €386.67 before the operator's adjustment.
    static func withPreSchool(_ s: inout MasterDataSet) {
        let d = SmallComune.d
        s.services.append(Service(id: "PRE", kind: .preSchool, name: "Pre-scuola", billingMode: .postpaid, chargeBasis: .enrollment,
                                  yearId: "Y", startDate: d("2026-10-01"), endDate: d("2027-06-04"), weekdays: [1, 2, 3, 4, 5],
                                  siteIds: ["S1"], cutoff: nil))
        s.tariffs.append(Tariff(id: "T-PRE", serviceId: "PRE", name: "Quota", unit: .month, validFrom: d("2026-09-01"), validTo: nil,
                                bands: [.init(upTo: nil, price: Money(cents: 3000))], priceWithoutIsee: Money(cents: 3000),
                                nonResidentPrice: nil, secondSiblingDiscountPercent: 0, thirdSiblingDiscountPercent: 0,
                                monthlyMinimum: nil, monthlyMaximum: nil, proRata: false))
        s.enrollments.append(Enrollment(id: "EPRE", beneficiaryId: "B1", serviceId: "PRE", siteId: "S1", dietId: nil, routeId: nil,
                                        outboundStopId: nil, returnStopId: nil, tariffId: nil, startDate: d("2026-10-01"), endDate: nil,
                                        exemptionPercent: 0))
    }

    static func positionOfPB(adjustment cents: Int64) throws -> NoticeExport.PaymentPosition {
        let c = try SmallComune(customize: withPreSchool)
        try c.merge(c.goldenOctober())
        _ = try c.run(SmallComune.october)
        let draft = try c.statement("PB", SmallComune.october)
        #expect(draft.totalCents == 38_667)
        try c.queue.write { db in
            try StatementDesk.adjust(db, statement: draft.id, amount: Money(cents: cents), reason: "rimborso gite annullate",
                                     beneficiary: "B1", actor: "t", now: SmallComune.now)
        }
        try c.issue(SmallComune.october, payer: "PB")
        let positions = try c.queue.read { try NoticeExport.positions($0, period: SmallComune.october) }
        return try #require(positions.first { $0.iupd.hasSuffix("-PB") })
    }

    @Test("a credit larger than the biggest service line is netted across the lines: no transfer below one cent", arguments: [
        Int64(-38_000), -30_000, -29_000, -38_666, -10_000, 5_000,
    ])
    func creditsNetted(adjustment: Int64) throws {
        let position = try Self.positionOfPB(adjustment: adjustment)
        let option = try #require(position.paymentOption.first)
        #expect(option.amount == 38_667 + adjustment)
        #expect(option.transfer.allSatisfy { $0.amount >= 1 }, "\(option.transfer.map(\.amount))")
        #expect(option.transfer.reduce(0) { $0 + $1.amount } == option.amount)
        #expect(option.transfer.map(\.idTransfer) == option.transfer.indices.map { String($0 + 1) })
        #expect(Set(option.transfer.map(\.category)).count == option.transfer.count, "one transfer per category")
    }

    @Test("the credit goes first against the largest lines: €380.00 off leaves €6.67 of pre-school")
    func nettingOrder() throws {
        let option = try #require(try Self.positionOfPB(adjustment: -38_000).paymentOption.first)
        #expect(option.transfer.map(\.category) == ["9/0107103SP/"])
        #expect(option.transfer.map(\.amount) == [667])
    }

    @Test("a statement without credits keeps one transfer per category, the largest first")
    func plainStatement() throws {
        let option = try #require(try Self.positionOfPB(adjustment: 5_000).paymentOption.first)
        // The adjustment names no service: it is added to the largest line, the nursery.
        #expect(option.transfer.map(\.category) == ["9/0107106SP/", "9/0107101TS/", "9/0107103SP/"])
        #expect(option.transfer.map(\.amount) == [31_667, 9_000, 3_000])
    }
}
