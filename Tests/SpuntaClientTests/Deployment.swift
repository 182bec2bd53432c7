import Foundation
import SpuntaClient
import SpuntaExchange
import SpuntaProtocol
import SpuntaServerStore
import SpuntaStore
import SpuntaTestSupport
import Synchronization

/// A town hall and its devices on one machine, with real processes: a server database holding the sample
/// Comune, `spunta-server serve` on a kernel-chosen port, devices in their own folders driven by `spunta`.
final class Deployment: Sendable {
    let folder: TemporaryFolder
    let db: String
    /// The running server and its address (empty while stopped).
    private let running = Mutex<(server: ChildProcess?, url: String)>((nil, ""))

    var server: ChildProcess? { running.withLock { $0.server } }
    var url: String { running.withLock { $0.url } }

    init() throws {
        folder = try TemporaryFolder("spunta-e2e")
        db = folder.path("comune.sqlite")
        try SampleDatabase.copySample(to: db)
    }

    /// Starts the server (again, on the same database after a stop: possibly another port), with `environment`
    /// added to its own (a test clock: `TestClock`).
    func startServer(port: Int = 0, environment: [String: String] = [:], arguments: [String] = []) throws {
        let process = try ChildProcess("spunta-server", ["serve", "--db", db, "--listen", "127.0.0.1:\(port)", "--access-log", "off"] + arguments,
                                       environment: environment)
        guard let line = process.waitForLine(containing: "in ascolto su http://"),
              let found = line.components(separatedBy: " ").first(where: { $0.hasPrefix("http://") }) else {
            throw DeploymentError.serverDidNotStart(process.errors)
        }
        running.withLock { $0 = (process, found) }
    }

    /// The port the server listens on.
    var port: Int { Int(url.split(separator: ":").last ?? "0") ?? 0 }

    func stopServer() {
        let server = running.withLock { running in
            defer { running.server = nil }
            return running.server
        }
        server?.signal(SIGTERM)
        server?.wait()
    }

    deinit {
        server?.signal(SIGKILL)
        server?.wait()
    }

    /// Runs `spunta-server` to completion.
    @discardableResult
    func admin(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, output: String, errors: String) {
        let process = try ChildProcess("spunta-server", arguments, environment: environment)
        let status = process.wait()
        return (status, process.output.joined(separator: "\n"), process.errors)
    }

    /// Creates a device and enrolls it in its own folder, `spunta` running with `environment`; returns the folder.
    func device(_ name: String, role: DeviceRole, scope: String, environment: [String: String] = [:]) throws -> String {
        let added = try admin(["device", "add", "--db", db, "--name", name, "--role", role.rawValue, "--scope", scope, "--json"])
        guard added.status == 0, let object = try JSONSerialization.jsonObject(with: Data(added.output.utf8)) as? [String: Any],
              let code = object["code"] as? String else { throw DeploymentError.command(added.errors) }
        let home = folder.path("device-\(name)")
        let enroll = try spunta(home, ["enroll", "--server", url, "--code", code, "--label", name], environment: environment)
        guard enroll.status == 0 else { throw DeploymentError.command(enroll.errors) }
        return home
    }

    /// Runs `spunta` for a device to completion, with `input` on its standard input and `environment` added.
    @discardableResult
    func spunta(
        _ home: String, _ arguments: [String], input: String? = nil, environment: [String: String] = [:]
    ) throws -> (status: Int32, output: [String], errors: String) {
        let process = try ChildProcess("spunta", arguments + ["--home", home], environment: environment)
        if let input { process.send(input) }
        process.closeInput()
        let status = process.wait()
        return (status, process.output, process.errors)
    }

    /// A query on the server database (a second connection, as the admin commands use).
    func query<T: DatabaseValueConvertible>(_ sql: String, _ arguments: StatementArguments = []) throws -> T? {
        try DatabaseQueue(path: db).read { try $0.scalar(sql, arguments) }
    }

    /// Rows of one text column of the server database.
    func strings(_ sql: String, _ arguments: StatementArguments = []) throws -> [String] {
        try DatabaseQueue(path: db).read { db in try db.fetchAll(sql, arguments).map { try $0[0] as String } }
    }

    /// Cards of children enrolled in the canteen of `site`: (card payload, beneficiary).
    func canteenCards(site: String) throws -> [(payload: String, beneficiary: String)] {
        try DatabaseQueue(path: db).read { db in
            try db.fetchAll("""
                SELECT c.id, c.beneficiary_id FROM card c JOIN enrollment e ON e.beneficiary_id = c.beneficiary_id
                WHERE e.site_id = ? AND e.service_id LIKE 'MENSA%' AND c.revoked_on IS NULL ORDER BY c.beneficiary_id
                """, [site]).map { ("SPUNTA1:" + (try $0[0] as String), try $0[1] as String) }
        }
    }
}

enum DeploymentError: Error, CustomStringConvertible {
    case serverDidNotStart(String)
    case command(String)

    var description: String {
        switch self {
        case .serverDidNotStart(let errors): return "server did not start: \(errors)"
        case .command(let errors): return "command failed: \(errors)"
        }
    }
}

/// A school day that is open in the sample calendar, for scans and roll calls.
let schoolDay = "2026-10-05"
