import Foundation
import SpuntaTestSupport
import SpuntaDomain
import SpuntaExchange
import SpuntaProtocol
import SpuntaServerStore
import SpuntaStore
@testable import SpuntaSync

/// A server database with a Comune imported (the sample, or the small one of the push checks), in its own
/// temporary folder.
final class SyncFixture {
    /// Which Comune the database holds.
    enum Comune: String, Sendable {
        case sample
        /// `ScopeWorld`.
        case scopeWorld = "scope-world"

        var file: String {
            switch self {
            case .sample: return SampleComuneGenerator.sampleFile()
            case .scopeWorld: return ExchangeXMLWriter.write(ScopeWorld.data())
            }
        }
    }

    let dir: URL
    let queue: DatabaseQueue
    private(set) lazy var sample = SampleComuneGenerator.generate()
    static let now = BusinessCalendar.instant(date: LocalDate(year: 2026, month: 10, day: 5)!, time: LocalTime(hour: 12, minute: 0)!)

    init(_ comune: Comune = .sample) throws {
        // The template first: a Comune that fails to import must not leave an empty folder behind (a throwing
        // initializer never reaches deinit).
        let template = try SampleDatabase.template(named: comune.rawValue) { comune.file }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spunta-sync-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        do {
            let path = dir.appendingPathComponent("server.sqlite").path
            try Database(path: template).backup(to: path)
            queue = try ServerDatabase.open(path: path)
        } catch {
            try? FileManager.default.removeItem(at: dir)
            throw error
        }
        self.dir = dir
    }

    deinit {
        try? FileManager.default.removeItem(at: dir)
    }

    /// Adds and enrolls a device; returns its scope and token.
    func device(_ role: DeviceRole, _ scope: [String], name: String? = nil) throws -> (scope: DeviceScope, token: String) {
        let items = scope.compactMap(ScopeItem.init)
        let added = try queue.write { db in
            try DeviceRegistry.add(db, name: name ?? "\(role.rawValue) \(scope.joined(separator: ","))", role: role, scope: items,
                                   actor: "test", now: Self.now)
        }
        let enrolled = try queue.write { db in
            try DeviceRegistry.enroll(db, request: EnrollRequest(code: added.code, deviceLabel: "test", appVersion: "0"), epoch: "e",
                                      now: Self.now)
        }
        return (DeviceScope(deviceId: enrolled.deviceId, role: role, items: items), enrolled.token)
    }

    /// Children enrolled in a canteen at `site`.
    func canteenChildren(site: String) -> [(beneficiary: String, service: String)] {
        sample.enrollments.filter { $0.siteId == site && ($0.serviceId.hasPrefix("MENSA")) }
            .map { ($0.beneficiaryId, $0.serviceId) }
    }

    func children(ofClass id: String) -> [String] {
        sample.beneficiaries.filter { $0.classId == id }.map(\.id)
    }

    /// A child of S01-1A who eats at S01, marked absent by her teacher and then scanned at the canteen door: the
    /// `absent_but_ate` conflict. Returns the child.
    func absentChildWhoAte() throws -> String {
        let (teacher, _) = try device(.teacher, ["class:S01-1A"])
        let (door, _) = try device(.canteen, ["site:S01"])
        let klass = Set(children(ofClass: "S01-1A"))
        guard let child = canteenChildren(site: "S01").first(where: { klass.contains($0.beneficiary) }) else {
            throw FixtureError(message: "no child of S01-1A eats at S01 in the sample")
        }
        _ = try push(teacher, [OpMaker(device: teacher.deviceId).mark(child.beneficiary, classID: "S01-1A", .absent)])
        _ = try push(door, [OpMaker(device: door.deviceId).meal(child.beneficiary, service: child.service, site: "S01")])
        return child.beneficiary
    }

    /// Whether `push` reads the children's master data first in a read transaction of its own, as the server's push
    /// handler does (`PushService.prepare`), instead of leaving it to the write.
    var readsBeforehand = false

    func push(_ scope: DeviceScope, _ ops: [Op], clock: ClockReading? = nil) throws -> PushService.Outcome {
        let items = try ops.map { ($0, String(decoding: try WireCoding.encode($0), as: UTF8.self)) }
        let batch = PushService.Batch(scope: scope, ops: items, clock: clock)
        let prepared = readsBeforehand ? try queue.read { db in try PushService.prepare(db, batch) } : nil
        return try queue.write { db in
            try PushService().apply(db, batch, prepared: prepared, receivedMs: 0, now: Self.now)
        }
    }

    /// Pushes and returns the result of each op; a batch refused whole is a failure of the test.
    func results(_ scope: DeviceScope, _ ops: [Op]) throws -> [PushResult] {
        switch try push(scope, ops) {
        case .accepted(let results): return results
        case .refused(let error): throw error
        }
    }

    func scalar<T: DatabaseValueConvertible>(_ sql: String, _ arguments: StatementArguments = []) throws -> T? {
        try queue.read { try $0.scalar(sql, arguments) }
    }
}

/// Builds the ops of one device with increasing sequence numbers and HLC stamps.
final class OpMaker {
    let device: String
    let instance: String
    var seq: Int64 = 0
    var millis: Int64
    let date: LocalDate

    init(device: String, date: LocalDate = LocalDate(year: 2026, month: 10, day: 5)!, startMillis: Int64 = 1_791_200_000_000) {
        self.device = device
        self.instance = "inst-\(device)"
        self.date = date
        self.millis = startMillis
    }

    func make(_ body: OpBody, at ms: Int64? = nil) -> Op {
        seq += 1
        millis = ms ?? (millis + 1000)
        return Op(
            id: "\(device)-\(seq)", deviceId: device, instance: instance, seq: seq,
            hlc: HLCTimestamp(milliseconds: millis, counter: 0), wallTimeMs: millis, businessDate: date, body: body
        )
    }

    func make(_ body: OpBody, on date: LocalDate) -> Op {
        var op = make(body)
        op.businessDate = date
        return op
    }

    func meal(_ beneficiary: String, service: String, site: String, at ms: Int64? = nil) -> Op {
        make(.mealScanned(Meal(beneficiaryId: beneficiary, serviceId: service, siteId: site, cardId: nil, reason: nil)), at: ms)
    }

    func mark(_ beneficiary: String, classID: String, _ status: AttendanceStatus, at ms: Int64? = nil) -> Op {
        make(.attendanceMarked(AttendanceMarked(beneficiaryId: beneficiary, classId: classID, status: status, time: nil)), at: ms)
    }

    func void(_ target: String) -> Op {
        make(.void(VoidOp(targetOpId: target, reason: "errore")))
    }
}

/// The sample lacks what a fixture needs.
struct FixtureError: Error {
    let message: String
}
