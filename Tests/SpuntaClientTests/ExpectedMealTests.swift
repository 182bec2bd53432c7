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

    /// A pupil on five days who switches to the three-day option (Monday, Wednesday, Friday) from Monday 16 November:
    /// (day, expected at the meal with nobody marked), written out by hand.
    static let switchWeeks: [(String, Bool)] = [
        ("2026-11-10", true), ("2026-11-12", true), ("2026-11-13", true),
        ("2026-11-16", true), ("2026-11-17", false), ("2026-11-18", true), ("2026-11-19", false), ("2026-11-20", true),
    ]

    @Test("a pupil is expected on the days of the option in force that day, as the server's enrollment reads it", arguments: switchWeeks)
    func optionDays(_ c: (String, Bool)) throws {
        let (text, expected) = c
        let day = try #require(LocalDate(text))
        var service = Self.canteen
        service.options = [Service.Option(id: "5-giorni", name: "5 giorni"), Service.Option(id: "3-giorni", name: "3 giorni", weekdays: [1, 3, 5])]
        let change = Enrollment.OptionChange(from: try #require(LocalDate("2026-11-16")), optionId: "3-giorni")
        let device = ReplicaEnrollment(id: "E1", beneficiaryId: "B1", serviceId: "MENSA", siteId: "S01", dietId: nil, routeId: nil,
                                       outboundStopId: nil, returnStopId: nil, startDate: service.startDate, endDate: nil,
                                       optionId: "5-giorni", optionChanges: [change])
        let server = Enrollment(id: "E1", beneficiaryId: "B1", serviceId: "MENSA", siteId: "S01", dietId: nil, routeId: nil,
                                outboundStopId: nil, returnStopId: nil, tariffId: nil, startDate: service.startDate, endDate: nil,
                                exemptionPercent: 0, optionId: "5-giorni", optionChanges: [change])
        #expect(LocalFacts.expectsMeal([], service: service, enrollment: device, on: day) == expected)
        #expect(service.isOptionDay(day, option: server.option(on: day)) == expected, "the caterer's count reads the same")
        // The register still sends a pupil out on the option's own days.
        #expect(!LocalFacts.expectsMeal([Self.mark(.absent, 8, 10)], service: service, enrollment: device, on: day))
    }
}
