import SpuntaDomain
import SpuntaProtocol
import Testing
@testable import SpuntaBilling
@testable import SpuntaClient
@testable import SpuntaSync

/// "Is this child's meal booked today, given the register?" is asked by billing (charge it?), by the caterer's count
/// (prepare it?) and by the device (count it, expect it at the door?). Each reads the register in its own shape;
/// all three must answer with the merge's one rule, and differ only where `MealPurpose` says: a late entry after
/// the cut-off is not charged, yet the child eats.
@Suite("One meal rule for billing, the caterer and the device")
struct MealBookingAgreementTests {
    /// One register state: the mark's status (nil: nobody marked the child) and its time.
    struct RegisterState: CustomTestStringConvertible, Sendable {
        let status: AttendanceStatus?
        let time: LocalTime?
        var testDescription: String { "\(status?.rawValue ?? "unmarked")@\(time?.description ?? "-")" }
    }

    static let times = ["08:10", "09:14", "09:15", "09:16", "09:29", "09:30", "09:31", "10:00", "10:01", "11:45"].compactMap { LocalTime($0) }
    static let states: [RegisterState] = [RegisterState(status: nil, time: nil), RegisterState(status: .present, time: nil),
                                          RegisterState(status: .absent, time: nil), RegisterState(status: .lateEntry, time: nil),
                                          RegisterState(status: .earlyExit, time: nil)]
        + times.flatMap { [RegisterState(status: .lateEntry, time: $0), RegisterState(status: .earlyExit, time: $0)] }
    static let cutoffs = ["09:15", "09:30", "10:00"].compactMap { LocalTime($0) }

    static func service(cutoff: LocalTime) -> Service {
        Service(id: "MENSA", kind: .canteen, name: "Mensa", billingMode: .postpaid, chargeBasis: .register, yearId: "2026-27",
                startDate: LocalDate(year: 2026, month: 9, day: 14)!, endDate: LocalDate(year: 2027, month: 6, day: 9)!,
                weekdays: [1, 2, 3, 4, 5], siteIds: ["S01"], cutoff: cutoff)
    }

    /// What the rule must say, written out by hand from protocol/billing.md and sync.md.
    static func expected(_ state: RegisterState, cutoff: LocalTime, purpose: MealPurpose) -> Bool {
        switch (state.status, state.time) {
        case (.absent?, _): return false
        case (.earlyExit?, let time?): return time > cutoff
        case (.lateEntry?, let time?): return purpose == .kitchenCount || time <= cutoff
        default: return true
        }
    }

    @Test("billing's charge, the caterer's count and the device's count read every register state the same way at each cut-off",
          arguments: states, cutoffs)
    func callersAgree(_ state: RegisterState, _ cutoff: LocalTime) {
        let billing = ChargeCalculator.registerCharges(state.status.map { ChargeCalculator.Mark(status: $0.rawValue, time: state.time, op: "op1") },
                                                       cutoff: cutoff).charged
        let caterer = state.status.map { MealCount.countsIn(status: $0.rawValue, time: state.time, cutoff: cutoff) } ?? true
        let facts = state.status.map {
            [LocalFacts.Fact(op: OpFact(id: "op1", deviceId: "maestra", hlc: 1, type: .attendanceMarked, classId: "1A", status: $0, time: state.time),
                             own: true)]
        } ?? []
        let device = LocalFacts.expectsMeal(facts, service: Self.service(cutoff: cutoff))

        #expect(device == caterer, "the device's count and the caterer's count must agree")
        #expect(caterer == Self.expected(state, cutoff: cutoff, purpose: .kitchenCount))
        #expect(billing == Self.expected(state, cutoff: cutoff, purpose: .billing))
        let lateAfterCutoff = state.status == .lateEntry && (state.time.map { $0 > cutoff } ?? false)
        #expect((billing != caterer) == lateAfterCutoff, "billing and the kitchen differ only on a late entry after the cut-off")
    }
}
