import Foundation
import SpuntaClient
import SpuntaDomain
import SpuntaProtocol
import SpuntaStore
import SpuntaTestSupport
import Synchronization
import Testing

/// Devices of the sample Comune enrolled once per test run against a real server, then copied: each test gets
/// its own device folder holding a full replica, without paying for a server and an enrollment. The copies
/// point at an address where nothing listens, so they work offline unless a test gives them a server.
enum EnrolledTemplate: String, CaseIterable, Sendable {
    /// Canteen door of the Rodari primary school (prepaid canteen, no cut-off).
    case canteenS01
    /// Canteen door of the Montessori primary school (canteen with a 9:30 cut-off).
    case canteenS02
    /// Bus attendant of lines L1 and L2.
    case bus
    /// Teacher of class 1A at Rodari.
    case teacher

    var role: DeviceRole {
        switch self {
        case .canteenS01, .canteenS02: return .canteen
        case .bus: return .bus
        case .teacher: return .teacher
        }
    }

    var scopes: [String] {
        switch self {
        case .canteenS01: return ["site:S01"]
        case .canteenS02: return ["site:S02"]
        case .bus: return ["route:L1", "route:L2"]
        case .teacher: return ["class:S01-1A"]
        }
    }

    /// The template databases, made on first use.
    private static let made = Mutex<[EnrolledTemplate: String]?>(nil)

    /// The device database of this template (made on first use for all templates at once).
    var databasePath: String {
        get throws {
            try Self.made.withLock { made in
                if let made, let path = made[self] { return path }
                let dir = FileManager.default.temporaryDirectory
                    .appendingPathComponent("spunta-devices-\(ProcessInfo.processInfo.processIdentifier)")
                try? FileManager.default.removeItem(at: dir)
                try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
                ProcessFolders.removeAtExit(dir)
                let deployment = try Deployment()
                try deployment.startServer()
                var paths: [EnrolledTemplate: String] = [:]
                for template in Self.allCases {
                    let home = try deployment.device(template.rawValue, role: template.role, scopes: template.scopes)
                    let path = dir.appendingPathComponent("\(template.rawValue).sqlite").path
                    try Database(path: DeviceHome(path: home).databasePath).backup(to: path)
                    paths[template] = path
                }
                deployment.stopServer()
                made = paths
                guard let path = paths[self] else { throw DeploymentError.command("no template \(self)") }
                return path
            }
        }
    }
}

/// A device folder of its own, copied from an enrolled template; `spunta` runs on it as on a handheld.
final class FieldDevice: Sendable {
    /// An address where nothing listens (port 1 on loopback): the device is offline.
    static let nowhere = "http://127.0.0.1:1"

    let folder: TemporaryFolder
    let home: String

    init(_ template: EnrolledTemplate, server: String = FieldDevice.nowhere) throws {
        folder = try TemporaryFolder("spunta-device")
        home = folder.path("home")
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        try Database(path: try template.databasePath).backup(to: DeviceHome(path: home).databasePath)
        try queue().write { db in try db.run("UPDATE device SET server_url = ? WHERE id = 1", [server]) }
    }

    /// The device database, opened as `spunta` opens it.
    func queue() throws -> DatabaseQueue { try DeviceHome(path: home).open() }

    func device() throws -> EnrolledDevice { try queue().read { try EnrolledDevice.require($0) } }

    /// Runs `spunta` on this device to completion, with `input` on its standard input.
    @discardableResult
    func spunta(_ arguments: [String], input: String? = nil, environment: [String: String] = [:]) throws -> (status: Int32, output: [String], errors: String) {
        let process = try ChildProcess("spunta", arguments + ["--home", home], environment: environment)
        if let input { process.send(input) }
        process.closeInput()
        let status = process.wait()
        return (status, process.output, process.errors)
    }

    /// `spunta … --json`, one decoded object per output line.
    func json(_ arguments: [String], input: String? = nil, environment: [String: String] = [:]) throws -> [[String: Any]] {
        try spunta(arguments + ["--json"], input: input, environment: environment).output.map(JSON.object)
    }

    func scalar<T: DatabaseValueConvertible>(_ sql: String, _ arguments: StatementArguments = []) throws -> T? {
        try queue().read { try $0.scalar(sql, arguments) }
    }

    /// Rows of one text column.
    func strings(_ sql: String, _ arguments: StatementArguments = []) throws -> [String] {
        try queue().read { db in try db.fetchAll(sql, arguments).map { try $0[0] as String } }
    }

    /// Runs `arguments` for a day that must be refused — exit 1, `message` in the error (its wrapping undone), nothing
    /// shown, nothing recorded — then again with `--force --json`: one op recorded when `forceRecords`, else refused
    /// again with nothing recorded. The forced run is returned for what else its caller checks.
    @discardableResult
    func expectRefusedDay(_ arguments: [String], input: String, message: String, forceRecords: Bool,
                          sourceLocation: SourceLocation = #_sourceLocation) throws -> (status: Int32, output: [String], errors: String) {
        let refused = try spunta(arguments, input: input)
        #expect(refused.status == 1, sourceLocation: sourceLocation)
        #expect(refused.errors.replacingOccurrences(of: "\n", with: " ").contains(message), "\(refused.errors)", sourceLocation: sourceLocation)
        #expect(refused.output.isEmpty, "nothing shown: \(refused.output)", sourceLocation: sourceLocation)
        #expect(try recordedOps == 0, sourceLocation: sourceLocation)
        let forced = try spunta(arguments + ["--force", "--json"], input: input)
        #expect(forced.status == (forceRecords ? 0 : 1), "\(forced.errors)", sourceLocation: sourceLocation)
        #expect(try recordedOps == (forceRecords ? 1 : 0), sourceLocation: sourceLocation)
        return forced
    }

    /// Ops this device has recorded (its outbox).
    var recordedOps: Int {
        get throws { try scalar("SELECT COUNT(*) FROM outbox") ?? 0 }
    }

    /// `spunta scan … --json`: the answers, one per line, and the count that closes the session (canteen only).
    func scan(_ arguments: [String], input: String) throws -> (answers: [[String: Any]], summary: [String: Any]?) {
        var lines = try json(arguments, input: input)
        let summary = lines.last?["result"] as? String == "summary" ? lines.removeLast() : nil
        return (lines, summary)
    }

    /// Card payloads of the children who eat at this canteen door (enrolled in a meal service at its sites): the
    /// replica also knows the site's children who do not.
    func canteenCards(_ filter: String = "1", _ arguments: StatementArguments = []) throws -> [(payload: String, beneficiary: String)] {
        try cards("""
            c.beneficiary_id IN (SELECT e.beneficiary_id FROM enrollment e JOIN record s ON s.entity = 'services' AND s.id = e.service_id
                WHERE json_extract(s.body, '$.kind') IN ('canteen', 'nursery')) AND (\(filter))
            """, arguments)
    }

    /// Card payloads of the children the replica knows, with the child: active cards only.
    func cards(_ filter: String = "1", _ arguments: StatementArguments = []) throws -> [(payload: String, beneficiary: String)] {
        try queue().read { db in
            try db.fetchAll("""
                SELECT c.id, c.beneficiary_id FROM card c WHERE c.revoked_on IS NULL AND \(filter) ORDER BY c.beneficiary_id, c.id
                """, arguments).map { ("SPUNTA1:" + (try $0[0] as String), try $0[1] as String) }
        }
    }
}

enum JSON {
    static func object(_ line: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]) ?? [:]
    }

    static func array(_ text: String) -> [[String: Any]] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]]) ?? []
    }
}

extension Deployment {
    /// Creates a device with several scope items and enrolls it in its own folder; returns the folder.
    func device(_ name: String, role: DeviceRole, scopes: [String], label: String? = nil) throws -> String {
        let code = try enrollmentCode(name, role: role, scopes: scopes)
        let home = folder.path("device-\(name)")
        let enroll = try spunta(home, ["enroll", "--server", url, "--code", code, "--label", label ?? name])
        guard enroll.status == 0 else { throw DeploymentError.command(enroll.errors) }
        return home
    }

    /// Creates a device on the server and returns its one-time enrollment code.
    func enrollmentCode(_ name: String, role: DeviceRole, scopes: [String]) throws -> String {
        let added = try admin(["device", "add", "--db", db, "--name", name, "--role", role.rawValue, "--json"]
            + scopes.flatMap { ["--scope", $0] })
        guard added.status == 0, let object = try JSONSerialization.jsonObject(with: Data(added.output.utf8)) as? [String: Any],
              let code = object["code"] as? String else { throw DeploymentError.command(added.errors) }
        return code
    }
}
