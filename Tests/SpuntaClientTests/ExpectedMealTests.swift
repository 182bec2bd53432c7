import Foundation
import SpuntaDomain
import SpuntaProtocol
import Testing
@testable import SpuntaClient

/// The door's and the device kitchen count's "is this child expected at the meal?" reads the register as the
/// caterer's count does: an early exit up to the cut-off is a meal not ordered, one after it a meal ordered (as
/// billing charges it); a late entry is a child at school for lunch, whatever the hour.
@Suite("Meal expected from the register")
struct ExpectedMealTests {
    static let canteen = Service(
        id: "MENSA", kind: .canteen, name: "Mensa", billingMode: .postpaid, chargeBasis: .register, yearId: "2026-27",
        startDate: LocalDate("2026-09-14")!, endDate: LocalDate("2027-06-09")!, weekdays: [1, 2, 3, 4, 5], siteIds: ["S01"],
        cutoff: LocalTime(hour: 9, minute: 30)
    )

    static func mark(_ status: AttendanceStatus, _ hour: Int, _ minute: Int) -> LocalFacts.Fact {
        LocalFacts.Fact(op: OpFact(id: "op1", deviceId: "maestra", hlc: 1, type: .attendanceMarked, classId: "1A",
                                   status: status, time: LocalTime(hour: hour, minute: minute)), own: true)
    }

    @Test("early exit and late entry around the 09:30 cut-off", arguments: [
        (AttendanceStatus.earlyExit, 9, 29, false), (.earlyExit, 9, 30, false), (.earlyExit, 9, 31, true),
        (.lateEntry, 9, 29, true), (.lateEntry, 9, 30, true), (.lateEntry, 9, 31, true),
    ])
    func aroundTheCutoff(_ status: AttendanceStatus, _ hour: Int, _ minute: Int, _ expected: Bool) {
        #expect(LocalFacts.expectsMeal([Self.mark(status, hour, minute)], service: Self.canteen) == expected)
    }
}
