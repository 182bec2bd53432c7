import Foundation
import SpuntaDomain
import SpuntaClient
import SpuntaExchange
import SpuntaHTTP
import SpuntaProtocol
import SpuntaServer
import SpuntaServerStore
import SpuntaStore
import SpuntaSync
import Synchronization

/// A device of the benchmark: its credential and its ops, numbered as a real device numbers them.
final class BenchDevice: Sendable {
    let id: String
    let token: String
    let instance = UUID().uuidString.lowercased()

    /// The ops recorded so far, numbered and stamped as the device would, and their request bodies once prepared.
    private struct Recorded {
        var ops: [Op] = []
        var seq: Int64 = 0
        var clock: Int64
        var bodies: [Data] = []
    }

    // Each device is filled, then pushed, by one thread at a time: the lock is never contended.
    private let recorded: Mutex<Recorded>

    init(id: String, token: String, startMillis: Int64) {
        self.id = id
        self.token = token
        recorded = Mutex(Recorded(clock: startMillis))
    }

    var ops: [Op] { recorded.withLock { $0.ops } }

    func add(_ date: LocalDate, _ body: OpBody) {
        recorded.withLock { r in
            r.seq += 1
            r.clock += 7
            r.ops.append(Op(id: "\(id)-\(r.seq)-\(instance.prefix(6))", deviceId: id, instance: instance, seq: r.seq,
                            hlc: HLCTimestamp(milliseconds: r.clock, counter: 0), wallTimeMs: r.clock, businessDate: date, body: body))
        }
    }

    /// Request bodies prepared before the clock starts: encoding is the devices' work, not the server's.
    func prepare(batch: Int) throws {
        let ops = self.ops
        let bodies = try stride(from: 0, to: ops.count, by: batch).map { start in
            try WireCoding.encode(PushRequest(ops: Array(ops[start..<min(ops.count, start + batch)])))
        }
        recorded.withLock { $0.bodies = bodies }
    }

    /// Pushes every op in batches over one kept-alive connection. Returns the ops the server applied or had.
    func push(to client: HTTPClient, batch: Int) throws -> Int {
        if recorded.withLock({ $0.bodies.isEmpty }) { try prepare(batch: batch) }
        var acknowledged = 0
        for body in recorded.withLock({ $0.bodies }) {
            var response: HTTPClientResponse
            // A busy server applied nothing: the push goes again when it says, as a device's does.
            repeat {
                response = try client.send(method: "POST", path: "/v1/push",
                                           headers: ["Spunta-Protocol": "1", "Authorization": "Bearer \(token)", "Content-Type": "application/json"],
                                           body: body, timeout: 300)
                if let wait = SyncEngine.busyRetryAfter(response) { Thread.sleep(forTimeInterval: wait) } else { break }
            } while true
            guard response.status == 200 else {
                throw RawSQLiteBaseline.Failure(description: "push \(id): \(response.status) \(String(decoding: response.body.prefix(300), as: UTF8.self))")
            }
            let answer = try WireCoding.decode(PushResponse.self, from: response.body)
            acknowledged += answer.results.filter { $0.status != .rejected }.count
        }
        return acknowledged
    }
}

/// Pushes devices from a pool of worker threads, each with its own connection; returns seconds and ops acknowledged.
func pushConcurrently(_ devices: [BenchDevice], url: String, workers: Int, batch: Int) throws -> (seconds: Double, acknowledged: Int) {
    for device in devices { try device.prepare(batch: batch) }
    let state = PushState(devices)
    let group = DispatchGroup()
    let start = DispatchTime.now().uptimeNanoseconds
    for _ in 0..<workers {
        group.enter()
        let thread = Thread {
            defer { group.leave() }
            guard let client = try? HTTPClient(baseURL: url) else { return }
            while let device = state.next() {
                do {
                    state.acknowledge(try device.push(to: client, batch: batch))
                } catch {
                    state.fail(error)
                    return
                }
            }
        }
        thread.stackSize = 1 << 20
        thread.start()
    }
    group.wait()
    if let failure = state.failure { throw failure }
    return (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, state.acknowledged)
}

/// The work shared by the pushing threads.
final class PushState: Sendable {
    private struct Progress {
        var index = 0
        var count = 0
        var error: (any Error)?
    }

    private let devices: [BenchDevice]
    private let progress = Mutex(Progress())

    init(_ devices: [BenchDevice]) {
        self.devices = devices
    }

    func next() -> BenchDevice? {
        progress.withLock { p in
            guard p.index < devices.count, p.error == nil else { return nil }
            p.index += 1
            return devices[p.index - 1]
        }
    }

    func acknowledge(_ n: Int) { progress.withLock { $0.count += n } }
    func fail(_ failure: any Error) { progress.withLock { $0.error = $0.error ?? failure } }
    var acknowledged: Int { progress.withLock { $0.count } }
    var failure: (any Error)? { progress.withLock { $0.error } }
}

/// Creates devices in the database and enrolls them, as `device add` and `spunta enroll` would.
func makeDevices(_ queue: DatabaseQueue, _ specs: [(name: String, role: DeviceRole, scope: [ScopeItem])]) throws -> [(String, String)] {
    try queue.write { db in
        try specs.map { spec in
            let added = try DeviceRegistry.add(db, name: spec.name, role: spec.role, scope: spec.scope, actor: "bench", now: Date())
            let enrolled = try DeviceRegistry.enroll(db, request: EnrollRequest(code: added.code, deviceLabel: spec.name, appVersion: "bench"),
                                                     epoch: "", now: Date())
            return (enrolled.deviceId, enrolled.token)
        }
    }
}

/// Server ingest: ops pushed over HTTP by many devices at once and merged, against raw SQLite batched inserts.
enum IngestScenario {
    static func run(dir: URL, devices count: Int, opsPerDevice: Int, table: inout BenchTable, log: (String) -> Void) throws {
        let path = dir.appendingPathComponent("ingest.sqlite").path
        let xml = dir.appendingPathComponent("comune.xml")
        // A Comune with a canteen door pair per school: each door serves its half of the children, day after day,
        // and one scan in a hundred is a child already served at the other door (a duplicate to refuse).
        var generatorOptions = SampleComuneGenerator.Options()
        generatorOptions.additionalPrimarySites = max(0, count / 2 - 2)
        try Data(SampleComuneGenerator.sampleFile(options: generatorOptions).utf8).write(to: xml)
        let queue = try ServerDatabase.open(path: path)
        _ = try MasterDataImporter.run(queue, paths: [xml.path])
        let children: [String: [(String, String)]] = try queue.read { db in
            var result: [String: [(String, String)]] = [:]
            for row in try db.fetchAll("SELECT site_id, beneficiary_id, service_id FROM enrollment WHERE service_id LIKE 'MENSA%' ORDER BY site_id, beneficiary_id") {
                result[try row[0] as String, default: []].append((try row[1] as String, try row[2] as String))
            }
            return result
        }
        let sites = children.keys.sorted()
        let credentials = try makeDevices(queue, (0..<count).map { ("porta-\($0)", .canteen, [ScopeItem(kind: .site, id: sites[($0 / 2) % sites.count])]) })
        let days = LocalDate.days(from: LocalDate(year: 2026, month: 9, day: 21)!, through: LocalDate(year: 2027, month: 6, day: 4)!)
            .filter { $0.weekday <= 5 }
        var benchDevices: [BenchDevice] = []
        for (index, credential) in credentials.enumerated() {
            let device = BenchDevice(id: credential.0, token: credential.1, startMillis: 1_791_187_800_000 + Int64(index) * 3)
            let site = sites[(index / 2) % sites.count]
            let all = children[site] ?? []
            let mine = all.enumerated().filter { $0.offset % 2 == index % 2 }.map(\.element)
            let theirs = all.enumerated().filter { $0.offset % 2 != index % 2 }.map(\.element)
            guard !mine.isEmpty else { continue }
            for k in 0..<opsPerDevice {
                let day = days[(k / mine.count) % days.count]
                let child = k % 100 == 99 && !theirs.isEmpty ? theirs[k % theirs.count] : mine[k % mine.count]
                device.add(day, .mealScanned(Meal(beneficiaryId: child.0, serviceId: child.1, siteId: site, cardId: nil, reason: nil)))
            }
            benchDevices.append(device)
        }
        var configuration = HTTPServer.Configuration(host: "127.0.0.1", port: 0)
        configuration.readTimeout = 120
        let server = try SyncServer(databasePath: path, configuration: configuration, accessLog: nil)
        let port = try server.start()
        defer { server.stop() }
        let total = benchDevices.reduce(0) { $0 + $1.ops.count }
        let (seconds, acknowledged) = try pushConcurrently(benchDevices, url: "http://127.0.0.1:\(port)", workers: min(count, 32), batch: 500)
        guard acknowledged == total else { throw RawSQLiteBaseline.Failure(description: "ingest: \(acknowledged) of \(total) acknowledged") }
        let commits = server.service.metrics.value("spunta_group_commits_total")
        let jobs = server.service.metrics.value("spunta_group_commit_jobs_total")
        let rate = Double(total) / seconds
        let sample = String(decoding: try WireCoding.encode(benchDevices[0].ops[0]), as: UTF8.self)
        let raw = try RawSQLiteBaseline.batchedInsertRate(path: dir.appendingPathComponent("raw-ingest.sqlite").path, rows: total, batch: 5000, body: sample)
        log("ingest: \(total) op da \(benchDevices.count) dispositivi in \(Stats.s(seconds)) = \(Int(rate)) op/s; \(Int(jobs)) invii in \(Int(commits)) commit; SQLite grezzo \(Int(raw)) righe/s")
        table.add("ingestione HTTP+fusione (\(benchDevices.count) disp., \(total) op)", spunta: "\(Int(rate)) op/s", baseline: "\(Int(raw)) righe/s",
                  ratio: String(format: "%.0f%%", rate / raw * 100), target: "≥ 35%", met: rate / raw >= 0.35,
                  shortfall: Self.points((0.35 - rate / raw) * 100))
    }

    /// "1 punto", "4 punti": how far the ratio is from its target, in percentage points.
    static func points(_ value: Double) -> String {
        let rounded = String(format: "%.0f", value)
        return rounded == "1" ? "1 punto" : "\(rounded) punti"
    }
}
