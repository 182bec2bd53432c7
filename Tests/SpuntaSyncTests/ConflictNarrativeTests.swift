import Foundation
import Testing
import SpuntaDomain
import SpuntaProtocol
import SpuntaServerStore
import SpuntaStore
@testable import SpuntaSync

/// Milliseconds of a moment on 5 October 2026 in Rome (what a device's clock writes into an op).
func romeMs(_ hour: Int, _ minute: Int, day: Int = 5) -> Int64 {
    Int64(rome(hour, minute, day: day).timeIntervalSince1970 * 1000)
}

extension SyncFixture {
    /// A child of the sample enrolled on `route`, with the stop where it boards in the morning.
    func rider(route: String) throws -> (child: String, stop: String) {
        let enrollment = try #require(sample.enrollments.first { $0.routeId == route && $0.outboundStopId != nil })
        return (enrollment.beneficiaryId, enrollment.outboundStopId ?? "")
    }

    /// When the route's morning run ends (its last stop's time).
    func lastOutboundStop(_ route: String) throws -> LocalTime {
        let text: String? = try queue.read { try $0.scalar("SELECT MAX(outbound_time) FROM stop WHERE route_id = ?", [route]) }
        return try #require(text.flatMap { LocalTime($0) })
    }

    func boarding(_ maker: OpMaker, _ rider: (child: String, stop: String), route: String, at ms: Int64) -> Op {
        maker.make(.boarding(Ride(beneficiaryId: rider.child, routeId: route, stopId: rider.stop, direction: .outbound, cardId: nil)), at: ms)
    }

    func conflicts(status: String? = "open") throws -> [AdminQueries.ConflictRow] {
        try queue.read { try AdminQueries.conflicts($0, status: status, date: nil) }
    }
}

@Suite("Conflicts in words")
struct ConflictNarrativeTests {
    /// Two co-teachers of 1A disagree on a child: absent at 08:12, present at 08:14.
    static func coTeachersDisagree(_ f: SyncFixture) throws {
        let (t1, _) = try f.device(.teacher, ["class:S01-1A"], name: "maestra-1A")
        let (t2, _) = try f.device(.teacher, ["class:S01-1A"], name: "maestra-1A-bis")
        let child = try #require(f.children(ofClass: "S01-1A").first)
        _ = try f.push(t1, [OpMaker(device: t1.deviceId).mark(child, classID: "S01-1A", .absent, at: romeMs(8, 12))])
        _ = try f.push(t2, [OpMaker(device: t2.deviceId).mark(child, classID: "S01-1A", .present, at: romeMs(8, 14))])
    }

    @Test("co-teachers: who marked what at what time in Rome, and which mark counts")
    func disagreement() throws {
        let f = try SyncFixture()
        try Self.coTeachersDisagree(f)
        let conflict = try #require(try f.conflicts().first)
        #expect(conflict.summary == "maestra-1A alle 08:12: assente; maestra-1A-bis alle 08:14: presente → vale presente")
    }

    @Test("absent but ate: the mark and the meal with their devices and times")
    func absentButAte() throws {
        let f = try SyncFixture()
        let (teacher, _) = try f.device(.teacher, ["class:S01-1A"], name: "maestra-1A")
        let (door, _) = try f.device(.canteen, ["site:S01"], name: "Mensa Rodari 1")
        let eaters = Set(f.canteenChildren(site: "S01").map(\.beneficiary))
        let child = try #require(f.children(ofClass: "S01-1A").first { eaters.contains($0) })
        let service = try #require(f.canteenChildren(site: "S01").first { $0.beneficiary == child }?.service)
        _ = try f.push(teacher, [OpMaker(device: teacher.deviceId).mark(child, classID: "S01-1A", .absent, at: romeMs(8, 12))])
        _ = try f.push(door, [OpMaker(device: door.deviceId).meal(child, service: service, site: "S01", at: romeMs(12, 31))])
        let conflict = try #require(try f.conflicts().first { $0.kind == "absent_but_ate" })
        #expect(conflict.summary
            == "maestra-1A alle 08:12: assente; Mensa Rodari 1 alle 12:31: pasto servito (tessera) → restano entrambi: assente nel registro, pasto addebitato")
    }

    @Test("boarded and never got off: the boarding, the route, and when the run ended")
    func boardedNotAlighted() throws {
        let f = try SyncFixture()
        let (bus, _) = try f.device(.bus, ["route:L1"], name: "Scuolabus 1")
        let rider = try f.rider(route: "L1")
        _ = try f.push(bus, [f.boarding(OpMaker(device: bus.deviceId), rider, route: "L1", at: romeMs(7, 13))])
        _ = try f.queue.write { db in try RideChecks.refresh(db, now: rome(11, 0)) }
        let stop: String = try #require(try f.queue.read { try $0.scalar("SELECT name FROM stop WHERE id = ?", [rider.stop]) })
        let end = try f.lastOutboundStop("L1")
        let conflict = try #require(try f.conflicts().first { $0.kind == "boarded_not_alighted" })
        #expect(conflict.summary == "Scuolabus 1 alle 07:13: sale a \(stop) (Linea 1 – Nord (Borgo) (L1), andata); "
            + "nessuna discesa registrata entro 30 min dall'ultima fermata (\(end)) → risulta ancora a bordo")
    }

    @Test("a child aboard who is not on the route's list: who boarded where, and that the ride waits for the office")
    func rideNotEnrolled() throws {
        let f = try SyncFixture()
        let (bus, _) = try f.device(.bus, ["route:L1"], name: "Scuolabus 1")
        let onL1 = Set(f.sample.enrollments.filter { $0.routeId == "L1" }.map(\.beneficiaryId))
        let stranger = try #require(f.sample.enrollments.first { $0.routeId == "L2" && !onL1.contains($0.beneficiaryId) })
        _ = try f.push(bus, [f.boarding(OpMaker(device: bus.deviceId), (stranger.beneficiaryId, "L1-01"), route: "L1", at: romeMs(7, 11))])
        let stop: String = try #require(try f.queue.read { try $0.scalar("SELECT name FROM stop WHERE id = 'L1-01'") })
        let conflict = try #require(try f.conflicts().first { $0.kind == "ride_not_enrolled" })
        #expect(conflict.summary == "Scuolabus 1 alle 07:11: sale a \(stop) (Linea 1 – Nord (Borgo) (L1), andata), ma non è iscritto a "
            + "questa linea quel giorno → corsa registrata, non addebitata finché l'ufficio non decide (--bill per addebitarla)")
    }

    @Test("a wrong clock: the device's time, the offset, both dates and what counts")
    func clockSkew() throws {
        let f = try SyncFixture()
        let (door, _) = try f.device(.canteen, ["site:S01"], name: "Mensa Rodari 1")
        let child = try #require(f.canteenChildren(site: "S01").first)
        // The device's clock is two hours ahead: at 22:10 on the 5th it reads 00:10 on the 6th.
        let maker = OpMaker(device: door.deviceId, date: LocalDate(year: 2026, month: 10, day: 6)!)
        let meal = maker.meal(child.beneficiary, service: child.service, site: "S01", at: romeMs(0, 10, day: 6))
        // Pushed at 22:12 by the server's clock, when the device reads 00:12.
        let reading = ClockReading(deviceMs: romeMs(0, 12, day: 6), serverMs: romeMs(22, 12), deviceSeq: meal.seq)
        _ = try f.push(door, [meal], clock: reading)
        let conflict = try #require(try f.conflicts().first { $0.kind == "clock_skew" })
        #expect(conflict.summary == "Mensa Rodari 1 il 06/10/2026 alle 00:10 (orologio sbagliato di +2 h): registrato per il 06/10/2026, "
            + "per l'ora del server era il 05/10/2026 alle 22:10 → vale la data del dispositivo finché l'ufficio non decide (--set-date)")
    }

    @Test("register and canteen disagree: both facts and what is billed", arguments: [true, false])
    func registerScanMismatch(scanned: Bool) throws {
        let f = try SyncFixture()
        let (teacher, _) = try f.device(.teacher, ["class:S01-1A"], name: "maestra-1A")
        let (door, _) = try f.device(.canteen, ["site:S01"], name: "Mensa Rodari 1")
        let eaters = Set(f.canteenChildren(site: "S01").map(\.beneficiary))
        let child = try #require(f.children(ofClass: "S01-1A").first { eaters.contains($0) })
        let mark = OpMaker(device: teacher.deviceId).mark(child, classID: "S01-1A", scanned ? .earlyExit : .present, at: romeMs(8, 10))
        let meal = OpMaker(device: door.deviceId).meal(child, service: "MENSA-RODARI", site: "S01", at: romeMs(12, 30))
        _ = try f.push(teacher, [mark])
        if scanned { _ = try f.push(door, [meal]) }
        // Raised as the billing run raises it (charge basis "both").
        try f.queue.write { db in
            var details: [String: any Sendable] = ["service_id": "MENSA-RODARI", "attendance_op_id": mark.id, "note": "…"]
            if scanned { details["meal_op_id"] = meal.id }
            try ConflictStore.raise(db, kind: .registerScanMismatch, subject: "\(child)|MENSA-RODARI|2026-10-05", beneficiary: child,
                                    date: LocalDate(year: 2026, month: 10, day: 5), details: details, at: SyncFixture.now)
        }
        let conflict = try #require(try f.conflicts().first { $0.kind == "register_scan_mismatch" })
        #expect(conflict.summary == (scanned
            ? "maestra-1A alle 08:10: uscita anticipata; Mensa Rodari 1 alle 12:30: pasto servito (tessera) → addebitato il pasto letto"
            : "maestra-1A alle 08:10: presente; nessun pasto letto in mensa → nessun pasto addebitato: conta la tessera"))
    }

    @Test("a resolved conflict stays listed as resolved, with who, when and how")
    func resolvedStays() throws {
        let f = try SyncFixture()
        try Self.coTeachersDisagree(f)
        let id = try #require(try f.conflicts().first?.id)
        try f.queue.write { db in
            try AdminQueries.resolve(db, id: id, note: "telefonato alla maestra", setStatus: nil, actor: "mrossi", now: rome(12, 0))
        }
        #expect(try f.conflicts().isEmpty)
        let resolved = try #require(try f.conflicts(status: "resolved").first)
        #expect(resolved.id == id)
        #expect(resolved.resolutionItalian == "risolto da mrossi il 05/10/2026 12:00: telefonato alla maestra")
        #expect(resolved.summary.hasSuffix("→ vale presente"))
        #expect(try f.conflicts(status: nil).map(\.id) == [id])
    }
}
