import Foundation
import SpuntaCLI
import Testing

/// A device the server revoked (its last sync was refused for good, `sync_state.revoked`): the screens that record
/// still work — the bus attendant needs who is aboard — but say first that nothing reaches the office, and the end
/// of a ride never promises an alert that will not come.
@Suite("A revoked device's recording screens")
struct RevokedDeviceTests {
    static let ride = ["ride", "--route", "L1", "--date", schoolDay, "--direction", "outbound"]

    /// A copy of an enrolled template whose last sync found it revoked, as `SyncEngine` records it.
    static func revoked(_ template: EnrolledTemplate) throws -> FieldDevice {
        let device = try FieldDevice(template)
        try device.queue().write { db in try db.run("UPDATE sync_state SET revoked = 1 WHERE id = 1") }
        return device
    }

    /// A child of L1 who gets on at its first stop, and the input that boards them, closes, and confirms.
    static func boardAndClose(_ bus: FieldDevice) throws -> String {
        let rider = try #require(try BusTests.riders(bus, route: "L1").first { $0.outbound == "L1-01" })
        return [rider.payload, "q", "s"].joined(separator: "\n") + "\n"
    }

    @Test("the ride says first that the device is revoked; closing with a child aboard says the office will not be told and to phone it; the facts are kept")
    func rideOnRevokedDevice() throws {
        let bus = try Self.revoked(.bus)
        let lines = try bus.json(Self.ride, input: try Self.boardAndClose(bus))
        let results = lines.map { $0["result"] as? String ?? "?" }
        #expect(results == ["device_revoked", "stop", "ok", "progress", "confirm_close", "ride_closed"], "\(results)")
        guard results.count == 6 else { return }
        #expect((lines[0]["message"] as? String)?.contains("NON arriva all'ufficio scuola") == true)
        #expect((lines[0]["message"] as? String)?.contains("l'ufficio può riabilitarlo") == true)
        let question = lines[4]["message"] as? String ?? ""
        #expect(question.contains("L'ufficio NON sarà avvisato (dispositivo revocato)."), "\(question)")
        let closed = lines[5]["message"] as? String ?? ""
        #expect(closed.contains("Telefonare subito all'ufficio scuola e dire chi è rimasto a bordo."), "\(closed)")
        for line in lines {
            #expect((line["message"] as? String)?.contains("sarà avvisato alla prossima sincronizzazione") != true, "\(line)")
            #expect((line["message"] as? String)?.contains("L'ufficio sarà avvisato") != true, "\(line)")
        }
        // Kept on the device: sent if the office re-enables it.
        #expect(try bus.strings("SELECT type FROM outbox ORDER BY seq") == ["boarding", "ride_closed"])
    }

    @Test("on the screen the warning comes before the first stop, whole at 40 columns, and the close names whom to call")
    func rideScreenOnRevokedDevice() throws {
        let bus = try Self.revoked(.bus)
        let result = try bus.spunta(Self.ride, input: try Self.boardAndClose(bus))
        #expect(result.status == 0, "\(result.errors)")
        let text = ScanTests.unwrapped(result.output)
        let warning = try #require(text.firstIndex { $0.contains("DISPOSITIVO REVOCATO") }, "\(result.output)")
        let firstStop = try #require(text.firstIndex { $0.hasPrefix(">>   Fermata 1 di ") }, "\(result.output)")
        #expect(warning < firstStop)
        #expect(text.contains { $0.hasPrefix("FINE") && $0.contains("Telefonare subito all'ufficio scuola") }, "\(result.output)")
        #expect(!result.output.joined(separator: " ").contains("sarà avvisato alla prossima"), "\(result.output)")
        #expect(result.output.allSatisfy { TextWidth.of($0) <= 40 }, "\(result.output)")
    }

    @Test("a device in good standing says nothing of it, and the close still promises the office's alert")
    func rideOnDeviceInGoodStanding() throws {
        let bus = try FieldDevice(.bus)
        let lines = try bus.json(Self.ride, input: try Self.boardAndClose(bus))
        #expect(lines.map { $0["result"] as? String ?? "?" } == ["stop", "ok", "progress", "confirm_close", "ride_closed"])
        #expect((lines.last?["message"] as? String)?.contains("L'ufficio sarà avvisato alla prossima sincronizzazione") == true)
    }

    @Test("the canteen door says it before the first scan, and still serves and records")
    func canteenOnRevokedDevice() throws {
        let door = try Self.revoked(.canteenS01)
        let card = try #require(try door.canteenCards().first)
        let (answers, _) = try door.scan(["scan", "--service", "canteen", "--date", schoolDay], input: card.payload + "\n")
        #expect(answers.map { $0["result"] as? String ?? "?" } == ["device_revoked", "ok"])
        #expect(answers.last?["recorded"] as? Bool == true)
        #expect(try door.recordedOps == 1)
    }

    @Test("the roll call in one go says it before its report, and the marks are kept on the device")
    func rollCallOnRevokedDevice() throws {
        let teacher = try Self.revoked(.teacher)
        let result = try teacher.spunta(RollCallTests.rollCall() + ["--rest-present"])
        #expect(result.status == 0, "\(result.errors)")
        let text = result.output
        let warning = try #require(text.firstIndex { $0.hasPrefix("DISPOSITIVO REVOCATO") }, "\(result.output)")
        let report = try #require(text.firstIndex { $0.hasPrefix("Appello ") }, "\(result.output)")
        #expect(warning < report)
        #expect(result.output.allSatisfy { TextWidth.of($0) <= 40 }, "\(result.output)")
        #expect(try teacher.recordedOps > 0)
        // With --json the register stays the output; the warning goes to standard error.
        let json = try teacher.spunta(RollCallTests.rollCall() + ["--rest-present", "--json"])
        #expect(json.errors.contains("DISPOSITIVO REVOCATO"))
        #expect(!JSON.array(json.output.joined()).isEmpty)
    }
}
