import Foundation
import Testing
import SpuntaBilling
import SpuntaDomain
import SpuntaExchange
import SpuntaProtocol
import SpuntaServerStore
import SpuntaStore
import SpuntaSync

/// Rides of children who are not on the route's list that day: the bus keeps them (whoever is aboard must be on
/// the list), the office decides, and billing follows the decision — never a ride billed by default.
@Suite("Rides of children not enrolled on the route")
struct RidesNotEnrolledTests {
    /// SmallComune with a school bus charged €1.00 a ride: B1 enrolled on L1, C1 on L2 (exempt 50%).
    static func withBus(_ s: inout MasterDataSet) {
        let d = SmallComune.d
        s.services.append(Service(id: "BUS", kind: .transport, name: "Scuolabus", billingMode: .postpaid, chargeBasis: .scan, yearId: "Y",
                                  startDate: d("2026-10-01"), endDate: d("2027-06-04"), weekdays: [1, 2, 3, 4, 5], siteIds: [], cutoff: nil))
        s.tariffs.append(Tariff(id: "T-BUS", serviceId: "BUS", name: "Corsa", unit: .ride, validFrom: d("2026-09-01"), validTo: nil,
                                bands: [.init(upTo: nil, price: Money(cents: 100))], priceWithoutIsee: Money(cents: 100), nonResidentPrice: nil,
                                secondSiblingDiscountPercent: 0, thirdSiblingDiscountPercent: 0, monthlyMinimum: nil, monthlyMaximum: nil,
                                proRata: false))
        let stop = { (id: String, minute: Int) in
            Stop(id: id, name: "Fermata \(id)", outboundTime: LocalTime(hour: 7, minute: minute)!, returnTime: LocalTime(hour: 16, minute: 60 - minute)!)
        }
        s.routes = [Route(id: "L1", serviceId: "BUS", name: "Linea 1", stops: [stop("L1-01", 10), stop("L1-02", 20)]),
                    Route(id: "L2", serviceId: "BUS", name: "Linea 2", stops: [stop("L2-01", 15)])]
        s.enrollments.append(Enrollment(id: "EB1", beneficiaryId: "B1", serviceId: "BUS", siteId: nil, dietId: nil, routeId: "L1",
                                        outboundStopId: "L1-01", returnStopId: "L1-01", tariffId: nil, startDate: d("2026-10-01"),
                                        endDate: nil, exemptionPercent: 0))
        s.enrollments.append(Enrollment(id: "EB2", beneficiaryId: "C1", serviceId: "BUS", siteId: nil, dietId: nil, routeId: "L2",
                                        outboundStopId: "L2-01", returnStopId: "L2-01", tariffId: nil, startDate: d("2026-10-01"),
                                        endDate: nil, exemptionPercent: 50))
    }

    /// The bus of L1, enrolled as a real device, pushing through the real push checks.
    final class Bus {
        let comune: SmallComune
        let scope: DeviceScope
        private var seq: Int64 = 0

        init(_ comune: SmallComune) throws {
            self.comune = comune
            let added = try comune.queue.write { db in
                try DeviceRegistry.add(db, name: "Scuolabus L1", role: .bus, scope: [ScopeItem(kind: .route, id: "L1")], actor: "test",
                                       now: SmallComune.now)
            }
            let enrolled = try comune.queue.write { db in
                try DeviceRegistry.enroll(db, request: EnrollRequest(code: added.code, deviceLabel: "bus", appVersion: "0"), epoch: "e",
                                          now: SmallComune.now)
            }
            scope = DeviceScope(deviceId: enrolled.deviceId, role: .bus, items: [ScopeItem(kind: .route, id: "L1")])
        }

        /// A child boarding at L1-01 in the morning of `date`; returns the op pushed.
        @discardableResult
        func boards(_ child: String, _ date: String) throws -> Op {
            seq += 1
            let ms = Int64(BusinessCalendar.instant(date: SmallComune.d(date), time: LocalTime(hour: 7, minute: 10)!).timeIntervalSince1970 * 1000)
            let op = Op(id: "bus-\(seq)", deviceId: scope.deviceId, instance: "i-bus", seq: seq, hlc: HLCTimestamp(milliseconds: ms, counter: 0),
                        wallTimeMs: ms, businessDate: SmallComune.d(date),
                        body: .boarding(Ride(beneficiaryId: child, routeId: "L1", stopId: "L1-01", direction: .outbound, cardId: nil)))
            let json = String(decoding: try WireCoding.encode(op), as: UTF8.self)
            let outcome = try comune.queue.write { db in
                try PushService().apply(db, PushService.Batch(scope: scope, ops: [(op, json)], clock: nil), receivedMs: 0, now: SmallComune.now)
            }
            guard case .accepted(let results) = outcome, results.first?.status == .applied else {
                throw Failure(description: "boarding of \(child) not applied: \(outcome)")
            }
            return op
        }
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func conflict(_ c: SmallComune, _ child: String) throws -> Int64? {
        try c.queue.read { try $0.scalar("SELECT id FROM conflict WHERE kind = 'ride_not_enrolled' AND beneficiary_id = ?", [child]) }
    }

    static func resolve(_ c: SmallComune, _ child: String, bill: Bool) throws {
        let id = try #require(try conflict(c, child))
        try c.queue.write { db in
            try AdminQueries.resolve(db, id: id, note: bill ? "salito per errore, la famiglia paga" : "gita, non si paga", setStatus: nil,
                                     bill: bill, actor: "ufficio", now: SmallComune.now)
        }
    }

    static func rides(_ c: SmallComune, _ payer: String) throws -> [StatementDesk.Line] {
        guard let id = try c.queue.read({ try $0.scalar("SELECT id FROM statement WHERE payer_id = ? AND period = '2026-10'", [payer]) as Int64? })
        else { return [] }
        return try c.queue.read { try StatementDesk.statement($0, id: id) }.lines.filter { $0.serviceId == "BUS" }
    }

    @Test("an enrolled child's boarding is a ride billed; a child not on the list is billed only once the office decides so, priced by his own enrollment when he has one")
    func billedOnlyByDecision() throws {
        let c = try SmallComune(customize: Self.withBus)
        let bus = try Bus(c)
        let enrolled = try bus.boards("B1", "2026-10-05")
        let stranger = try bus.boards("P1", "2026-10-05")
        let otherLine = try bus.boards("C1", "2026-10-06")
        try bus.boards("A1", "2026-10-07")

        let first = try c.run(SmallComune.october)
        #expect(try Self.rides(c, "PB").map(\.sourceOps) == [[enrolled.id]], "only the enrolled child's ride is billed")
        #expect(try Self.rides(c, "PC").isEmpty)
        #expect(first.notBilled.contains { $0.contains("P1: corsa del 05/10/2026 sulla linea L1") && $0.contains("in attesa della decisione") })
        #expect(try c.queue.read { try $0.scalar("SELECT COUNT(*) FROM conflict WHERE kind = 'ride_not_enrolled' AND status = 'open'") as Int? } == 3)

        try Self.resolve(c, "P1", bill: true)
        try Self.resolve(c, "C1", bill: true)
        try Self.resolve(c, "A1", bill: false)
        let second = try c.run(SmallComune.october)
        #expect(!second.notBilled.contains { $0.contains("in attesa della decisione") })
        let pb = try Self.rides(c, "PB")
        #expect(pb.map(\.amountCents) == [100, 100])
        let decided = try #require(pb.first { $0.sourceOps == [stranger.id] })
        #expect(decided.chargeKey == "ride|P1|L1|2026-10-05|outbound")
        #expect(decided.description.contains("addebitata per decisione dell'ufficio"))
        // C1 is enrolled on L2, exempt 50%: his ride on L1 is priced by that enrollment.
        let pc = try Self.rides(c, "PC")
        #expect(pc.map(\.sourceOps) == [[otherLine.id]])
        #expect(pc.map(\.amountCents) == [50])
        // A1's ride: the office decided not to bill it.
        #expect(try Self.rides(c, "PA").isEmpty)
        let listed = try c.queue.read { try AdminQueries.conflicts($0, status: "resolved", date: nil) }
        #expect(Set(listed.compactMap(\.decision)) == ["bill", "no_bill"])
    }

    @Test("a ride flagged because the enrollment came later is billed as an ordinary ride once the enrollment covers the day, and its conflict is settled")
    func enrollmentRecordedLater() throws {
        let c = try SmallComune(customize: Self.withBus)
        let bus = try Bus(c)
        let ride = try bus.boards("A2", "2026-10-08")
        #expect(try Self.conflict(c, "A2") != nil)
        // The office enrolls A2 on L1 from the first of the month and imports again.
        var data = SmallComune.data()
        Self.withBus(&data)
        data.enrollments.append(Enrollment(id: "EB3", beneficiaryId: "A2", serviceId: "BUS", siteId: nil, dietId: nil, routeId: "L1",
                                           outboundStopId: "L1-01", returnStopId: "L1-01", tariffId: nil,
                                           startDate: SmallComune.d("2026-10-01"), endDate: nil, exemptionPercent: 0))
        let xml = c.path("aggiornato.xml")
        try Data(ExchangeXMLWriter.write(data).utf8).write(to: URL(fileURLWithPath: xml))
        _ = try MasterDataImporter.run(c.queue, paths: [xml])
        _ = try c.run(SmallComune.october)
        #expect(try Self.rides(c, "PA").map(\.sourceOps) == [[ride.id]])
        #expect(try Self.conflict(c, "A2") == nil, "the run settled the conflict: the ride is an ordinary one now")
    }

    @Test("a decision to bill a ride on a bus paid by monthly fee bills nothing and says why")
    func monthlyFeeBus() throws {
        let c = try SmallComune { s in
            Self.withBus(&s)
            if let index = s.services.firstIndex(where: { $0.id == "BUS" }) { s.services[index].chargeBasis = .enrollment }
            if let index = s.tariffs.firstIndex(where: { $0.id == "T-BUS" }) { s.tariffs[index].unit = .month }
        }
        let bus = try Bus(c)
        try bus.boards("P1", "2026-10-05")
        try Self.resolve(c, "P1", bill: true)
        let report = try c.run(SmallComune.october)
        #expect(try Self.rides(c, "PB").allSatisfy { $0.chargeKey?.hasPrefix("ride|") == false })
        #expect(report.notBilled.contains { $0.contains("P1: corsa del 05/10/2026") && $0.contains("non si paga a corsa") })
    }

    @Test("--bill is refused on a conflict that is not about a ride, and changes nothing")
    func billOnlyForRides() throws {
        let c = try SmallComune()
        try c.merge([c.mark("A1", "2026-10-05", .absent), c.meal("A1", "2026-10-05")])
        let id = try #require(try c.queue.read { try $0.scalar("SELECT id FROM conflict WHERE kind = 'absent_but_ate'") as Int64? })
        let error = #expect(throws: AdminQueries.ResolutionError.self) {
            try c.queue.write { db in
                try AdminQueries.resolve(db, id: id, note: "controllato", setStatus: nil, bill: true, actor: "ufficio", now: SmallComune.now)
            }
        }
        #expect(error?.code == "bill_not_applicable")
        #expect(error?.userMessage.contains("--bill vale solo per le corse") == true)
        #expect(try c.queue.read { try $0.scalar("SELECT status FROM conflict WHERE id = ?", [id]) as String? } == "open")
    }
}
