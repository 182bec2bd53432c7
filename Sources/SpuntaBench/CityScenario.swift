import Foundation
import SpuntaClient
import SpuntaDemo
import SpuntaDomain
import SpuntaExchange
import SpuntaProtocol
import SpuntaServerStore
import SpuntaStore
import SpuntaSync
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A city's day: tens of thousands of meals, marks and bus rides (each rider boarding and alighting twice) from 2,000 devices, pushed to the real server
/// process and merged, then the month billed; the peak memory of every process of the day (the server, the billing
/// run, the devices under `sync --watch`); the largest school's replica and its pull of the day; a big device's first
/// sync; and how fast a scan on one online device reaches another.
enum CityScenario {
    struct Options {
        /// Enough schools for 100,000 children eating at the canteen on the day.
        var extraSites = 525
        var meals = 100_000
        var marks = 100_000
        /// The bus's ops of the day: four for each rider (boarding and alighting, outbound and return).
        var busOps = 40_000
        var devices = 2_000
        var propagationTrials = 20
    }

    static let day = LocalDate(year: 2026, month: 10, day: 30)!

    static func run(dir: URL, options: Options, runner: ProgramRunner, table: inout BenchTable, log: (String) -> Void) throws {
        // The city: generated, written, imported.
        var generatorOptions = SampleComuneGenerator.Options()
        generatorOptions.additionalPrimarySites = options.extraSites
        var started = DispatchTime.now().uptimeNanoseconds
        let xml = dir.appendingPathComponent("citta.xml")
        try Data(SampleComuneGenerator.sampleFile(options: generatorOptions).utf8).write(to: xml)
        let path = dir.appendingPathComponent("citta.sqlite").path
        let queue = try ServerDatabase.open(path: path)
        let imported = try MasterDataImporter.run(queue, paths: [xml.path])
        let beneficiaries = imported.totals["beneficiaries"] ?? 0
        log("città: \(beneficiaries) bambini, \(imported.totals["payers"] ?? 0) paganti generati e importati in \(Stats.s(seconds(since: started)))")

        // Who does what: canteen doors per site, teachers per group of classes, bus attendants per route.
        let canteen = try queue.read { db in
            try db.fetchAll("SELECT beneficiary_id, service_id, site_id FROM enrollment WHERE service_id LIKE 'MENSA%' AND deleted = 0 ORDER BY beneficiary_id")
                .map { (try $0[0] as String, try $0[1] as String, try $0[2] as String) }
        }
        let pupils = try queue.read { db in
            try db.fetchAll("SELECT id, class_id FROM beneficiary WHERE class_id IS NOT NULL AND deleted = 0 ORDER BY class_id, id")
                .map { (try $0[0] as String, try $0[1] as String) }
        }
        // The children enrolled on a line on the day, with their stops and the school they get off at.
        let riders = try queue.read { db in
            try db.fetchAll("""
                SELECT e.beneficiary_id, e.route_id, e.outbound_stop_id, e.return_stop_id, coalesce(e.school_id, c.site_id)
                FROM enrollment e JOIN beneficiary b ON b.id = e.beneficiary_id LEFT JOIN school_class c ON c.id = b.class_id
                WHERE e.route_id IS NOT NULL AND e.deleted = 0 AND e.start_date <= ? AND (e.end_date IS NULL OR e.end_date >= ?)
                ORDER BY e.beneficiary_id
                """, [day.description, day.description])
                .map { (id: try $0[0] as String, route: try $0[1] as String, outbound: try $0[2] as String?, back: try $0[3] as String?,
                        school: try $0[4] as String?) }
        }
        let sites = Array(Set(canteen.map(\.2))).sorted()
        let classes = Array(Set(pupils.map(\.1))).sorted()
        let routes = Array(Set(riders.map(\.route))).sorted()
        let canteenDevices = min(sites.count * 2, options.devices / 2)
        let busDevices = max(routes.count, options.devices / 20)
        let teacherDevices = max(1, options.devices - canteenDevices - busDevices)
        let classesPerTeacher = max(1, (classes.count + teacherDevices - 1) / teacherDevices)
        var specs: [(name: String, role: DeviceRole, scope: [ScopeItem])] = []
        for i in 0..<canteenDevices { specs.append(("mensa-\(i)", .canteen, [ScopeItem(kind: .site, id: sites[i % sites.count])])) }
        for i in 0..<teacherDevices {
            let mine = classes.dropFirst(i * classesPerTeacher).prefix(classesPerTeacher)
            if mine.isEmpty { break }
            specs.append(("maestra-\(i)", .teacher, mine.map { ScopeItem(kind: .class, id: $0) }))
        }
        for i in 0..<busDevices { specs.append(("bus-\(i)", .bus, [ScopeItem(kind: .route, id: routes[i % routes.count])])) }
        started = DispatchTime.now().uptimeNanoseconds
        let credentials = try makeDevices(queue, specs)
        log("città: \(credentials.count) dispositivi registrati in \(Stats.s(seconds(since: started)))")
        let devices: [BenchDevice] = credentials.enumerated().map { BenchDevice(id: $0.element.0, token: $0.element.1, startMillis: 1_793_000_000_000 + Int64($0.offset)) }

        // The day's ops, each on the device whose scope it belongs to.
        var siteDoors: [String: [Int]] = [:]
        for (i, spec) in specs.enumerated() where spec.role == .canteen { siteDoors[spec.scope[0].id, default: []].append(i) }
        var classTeacher: [String: Int] = [:]
        for (i, spec) in specs.enumerated() where spec.role == .teacher { for item in spec.scope { classTeacher[item.id] = i } }
        var routeBus: [String: [Int]] = [:]
        for (i, spec) in specs.enumerated() where spec.role == .bus { routeBus[spec.scope[0].id, default: []].append(i) }
        var meals = 0, marks = 0, busOps = 0
        for (n, meal) in canteen.enumerated() where meals < options.meals {
            guard let doors = siteDoors[meal.2] else { continue }
            devices[doors[n % doors.count]].add(day, .mealScanned(Meal(beneficiaryId: meal.0, serviceId: meal.1, siteId: meal.2, cardId: nil, reason: nil)))
            meals += 1
        }
        for (n, pupil) in pupils.enumerated() where marks < options.marks {
            guard let teacher = classTeacher[pupil.1] else { continue }
            devices[teacher].add(day, .attendanceMarked(AttendanceMarked(beneficiaryId: pupil.0, classId: pupil.1,
                                                                         status: n % 17 == 0 ? .absent : .present, time: nil)))
            marks += 1
        }
        // The day's rides: each rider boards at the stop and gets off at school, then boards at school and gets off at
        // the stop, on the bus of the line, in that order in time (all the line's outbound before its return).
        var aboard: [(bus: Int, ride: Ride, alighting: Bool)] = []
        let riding = riders.filter { routeBus[$0.route] != nil }.prefix(options.busOps / 4)
        for direction in Direction.allCases {
            for alighting in [false, true] {
                for (n, rider) in riding.enumerated() {
                    guard let buses = routeBus[rider.route] else { continue }
                    let school = rider.school.map { Ride.schoolStop(site: $0) } ?? Ride.school
                    let home = (direction == .outbound ? rider.outbound : rider.back) ?? rider.outbound ?? rider.back ?? school
                    let stop = (direction == .outbound) == alighting ? school : home
                    aboard.append((buses[n % buses.count], Ride(beneficiaryId: rider.id, routeId: rider.route, stopId: stop,
                                                              direction: direction, cardId: nil), alighting))
                }
            }
        }
        for op in aboard {
            devices[op.bus].add(day, op.alighting ? .alighting(op.ride) : .boarding(op.ride))
            busOps += 1
        }
        let ridersOfDay = riding.count
        let linesOfDay = Set(riding.map(\.route)).count
        let total = meals + marks + busOps

        // The real server process, pushed to by the devices.
        let server = try BackgroundServer(runner: runner, database: path, port: 0)
        defer { server.stop() }
        let serverPID = try serverProcessID(database: path)

        // The device of the city's largest school gets its replica before the day, and the day's changes after it.
        let school = try largestSchool(queue)
        let replica = try enrolledHome(queue, dir: dir, name: "scuola-grande", url: server.url, scope: [ScopeItem(kind: .site, id: school.site)])
        let replicaHome = dir.appendingPathComponent("device-scuola-grande")
        let (firstPull, firstPullSeconds, firstPullSize) = try timedSync(replica, home: replicaHome)
        log("città: replica della scuola \(school.site) (\(school.children) bambini) in \(Stats.s(firstPullSeconds)), "
            + "\(firstPull.bytesReceived / 1024) KiB ricevuti, \(Memory.kib(firstPullSize)) su disco")
        let (pushSeconds, acknowledged) = try pushConcurrently(devices, url: server.url, workers: 64, batch: 1000)
        guard acknowledged == total else { throw RawSQLiteBaseline.Failure(description: "città: \(acknowledged) di \(total) op ricevute") }
        log("città: \(meals) pasti, \(marks) appelli, \(busOps) op del trasporto (\(ridersOfDay) bambini su \(linesOfDay) linee, "
            + "salita e discesa all'andata e al ritorno) da \(devices.count) dispositivi fusi in \(Stats.s(pushSeconds))")
        // A real day: every rider on the line he is enrolled on, every boarding with its alighting.
        let conflicts = try queue.read { db in
            try db.fetchAll("SELECT kind, COUNT(*) FROM conflict WHERE business_date = ? GROUP BY kind ORDER BY kind", [day.description])
                .map { (try $0[0] as String, try $0[1] as Int) }
        }
        let rideConflicts = conflicts.filter { $0.0 == "ride_not_enrolled" || $0.0 == "boarded_not_alighted" }.reduce(0) { $0 + $1.1 }
        log("città: conflitti aperti dal giorno: " + (conflicts.isEmpty ? "nessuno" : conflicts.map { "\($0.0) \($0.1)" }.joined(separator: ", "))
            + "; \(rideConflicts) sul trasporto, 0 op rifiutate")
        guard rideConflicts == 0 else {
            throw RawSQLiteBaseline.Failure(description: "città: \(rideConflicts) conflitti sul trasporto in una giornata senza errori")
        }

        // The day's changes reach the largest school's device in one incremental pull.
        let (dayPull, dayPullSeconds, dayPullSize) = try timedSync(replica, home: replicaHome)
        log("città: pull del giorno per la scuola \(school.site): \(dayPull.peerOps) op, \(dayPull.changes) modifiche in \(Stats.s(dayPullSeconds)), "
            + "\(dayPull.bytesReceived / 1024) KiB ricevuti, \(Memory.kib(dayPullSize)) su disco")

        // The month billed by the billing program, beside the running server, with its own peak memory.
        let billing = try MeasuredProcess.run(runner.path("spunta-server"), ["billing", "run", "--db", path, "--period", day.period.description, "--json"],
                                              log: dir.appendingPathComponent("billing-run.log"))
        guard billing.status == 0 else {
            let errors = (try? String(contentsOf: billing.log, encoding: .utf8)) ?? ""
            throw RawSQLiteBaseline.Failure(description: "billing: \(billing.status) \(errors.prefix(500))")
        }
        let billingSeconds = billing.seconds
        let billingPeak = billing.peakBytes
        log("città: fatturazione di \(day.period) per \(beneficiaries) bambini in \(Stats.s(billingSeconds)) (picco \(Memory.mb(billingPeak)))")

        // The prepaid canteen's families topped up nothing this month: their credit is below zero once the month is
        // billed, and the office's reminders chase each one (one deficit, one reminder queued).
        let reminders = try MeasuredProcess.run(runner.path("spunta-server"), ["reminders", "--db", path, "--as-of", day.period.lastDay.description],
                                                log: dir.appendingPathComponent("reminders.log"))
        guard reminders.status == 0 else {
            let errors = (try? String(contentsOf: reminders.log, encoding: .utf8)) ?? ""
            throw RawSQLiteBaseline.Failure(description: "reminders: \(reminders.status) \(errors.prefix(500))")
        }
        let deficits: Int = try queue.read { try $0.scalar("SELECT COUNT(*) FROM prepaid_deficit WHERE closed_on IS NULL") } ?? 0
        log("città: \(deficits) crediti prepagati sotto zero sollecitati in \(Stats.s(reminders.seconds))")

        // A big device's first sync, and the propagation between two online doors.
        // The sites of a device whose scope holds at least 1,000 children.
        var perSite: [String: Set<String>] = [:]
        for meal in canteen { perSite[meal.2, default: []].insert(meal.0) }
        var bigScope: [String] = []
        var held = 0
        for site in sites where held < 1_000 {
            bigScope.append(site)
            held += perSite[site]?.count ?? 0
        }
        let firstSync = try self.firstSync(queue: queue, dir: dir, url: server.url, sites: bigScope)
        let propagation = try self.propagation(queue: queue, dir: dir, runner: runner, url: server.url, site: sites[0], trials: options.propagationTrials)
        let serverPeak = serverPID.flatMap { Memory.peak(pid: $0) } ?? 0
        let cityTotal = pushSeconds + billingSeconds
        let limit = 200 * 1_048_576
        table.add("giornata di città: \(total) op (\(meals) pasti, \(marks) appelli, \(busOps) op bus di \(ridersOfDay) bambini), "
                  + "\(devices.count) disp., fusione + fatturazione", spunta: Stats.s(cityTotal),
                  target: "< 20 s", met: cityTotal < 20, shortfall: Stats.s(cityTotal - 20))
        table.add("  di cui fusione (\(total) op inviate da \(devices.count) disp.)", spunta: Stats.s(pushSeconds), target: "—", met: nil)
        table.add("fatturazione di un mese (\(beneficiaries) bambini)", spunta: Stats.s(billingSeconds), target: "< 5 s",
                  met: billingSeconds < 5, shortfall: Stats.s(billingSeconds - 5))
        table.add("memoria massima: spunta-server serve (la giornata)", spunta: Memory.mb(serverPeak), target: "< 200 MB",
                  met: serverPeak > 0 && serverPeak < limit, shortfall: Memory.mb(serverPeak - limit))
        table.add("memoria massima: spunta-server billing run (il mese)", spunta: Memory.mb(billingPeak), target: "< 200 MB",
                  met: billingPeak > 0 && billingPeak < limit, shortfall: Memory.mb(billingPeak - limit))
        table.add("memoria massima: spunta sync --watch (2 porte)", spunta: Memory.mb(propagation.peak), target: "< 200 MB",
                  met: propagation.peak > 0 && propagation.peak < limit, shortfall: Memory.mb(propagation.peak - limit))
        table.add("prima sincronizzazione (\(firstSync.beneficiaries) bambini)", spunta: "\(Stats.s(firstSync.seconds)), \(firstSync.bytes / 1024) KiB",
                  target: "< 1 s", met: firstSync.seconds < 1, shortfall: Stats.s(firstSync.seconds - 1))
        table.add("replica della scuola più grande (\(school.site), \(school.children) bambini): prima sincronizzazione",
                  spunta: "\(Stats.s(firstPullSeconds)), \(firstPull.bytesReceived / 1024) KiB, \(Memory.kib(firstPullSize)) su disco",
                  target: "—", met: nil)
        table.add("replica della scuola più grande: pull del giorno (\(dayPull.peerOps) op)",
                  spunta: "\(Stats.s(dayPullSeconds)), \(dayPull.bytesReceived / 1024) KiB, \(Memory.kib(dayPullSize)) su disco",
                  target: "—", met: nil)
        table.add("propagazione lettura → rifiuto (p50)", spunta: Stats.s(propagation.p50), target: "—", met: nil)
        table.add("propagazione lettura → rifiuto (p95)", spunta: Stats.s(propagation.p95), target: "< 2 s", met: propagation.p95 < 2)
    }

    /// The city's largest school: the site with the most children in its classes.
    static func largestSchool(_ queue: DatabaseQueue) throws -> (site: String, children: Int) {
        let row = try queue.read { db in
            try db.fetchOne("""
                SELECT c.site_id, COUNT(*) FROM beneficiary b JOIN school_class c ON c.id = b.class_id
                WHERE b.deleted = 0 AND c.deleted = 0 GROUP BY c.site_id ORDER BY 2 DESC, 1 LIMIT 1
                """)
        }
        guard let row else { throw RawSQLiteBaseline.Failure(description: "città senza scuole") }
        return (try row[0], try row[1])
    }

    /// One sync of a device: what it reported, how long it took, and what the device's folder takes on disk after it.
    static func timedSync(_ queue: DatabaseQueue, home: URL) throws -> (report: SyncEngine.Report, seconds: Double, size: Int) {
        let started = DispatchTime.now().uptimeNanoseconds
        let report = try SyncEngine(queue: queue).sync()
        return (report, seconds(since: started), diskSize(home))
    }

    /// Bytes the files of a folder take on disk (a device's database with its WAL and shared memory).
    static func diskSize(_ folder: URL) -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.reduce(0) { total, name in
            var info = stat()
            guard stat(folder.appendingPathComponent(name).path, &info) == 0 else { return total }
            return total + Int(info.st_blocks) * 512
        }
    }

    static func seconds(since start: UInt64) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// The pid of the `spunta-server serve` of `database` (read from /proc, so the benchmark needs no help from the
    /// server; by its database, since other servers may run on the same machine).
    static func serverProcessID(database: String) throws -> Int32? {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for entry in entries {
            guard let pid = Int32(entry),
                  let cmdline = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { continue }
            let arguments = String(decoding: cmdline, as: UTF8.self).split(separator: "\0")
            if arguments.contains("serve"), arguments.contains(Substring(database)), arguments.first?.hasSuffix("spunta-server") == true,
               pid != getpid() {
                return pid
            }
        }
        return nil
    }

    static func enrolledHome(_ queue: DatabaseQueue, dir: URL, name: String, url: String, scope: [ScopeItem]) throws -> DatabaseQueue {
        let added = try queue.write { db in try DeviceRegistry.add(db, name: name, role: .canteen, scope: scope, actor: "bench", now: Date()) }
        let home = DeviceHome(path: dir.appendingPathComponent("device-\(name)").path)
        let deviceQueue = try home.open()
        _ = try SyncEngine.enroll(queue: deviceQueue, server: url, code: added.code, label: name)
        return deviceQueue
    }

    static func firstSync(queue: DatabaseQueue, dir: URL, url: String, sites: [String]) throws -> (seconds: Double, bytes: Int, beneficiaries: Int) {
        let deviceQueue = try enrolledHome(queue, dir: dir, name: "prima-sync", url: url, scope: sites.map { ScopeItem(kind: .site, id: $0) })
        let start = DispatchTime.now().uptimeNanoseconds
        let report = try SyncEngine(queue: deviceQueue).sync()
        let elapsed = seconds(since: start)
        let children: Int = try deviceQueue.read { try $0.scalar("SELECT COUNT(*) FROM beneficiary") } ?? 0
        return (elapsed, report.bytesReceived, children)
    }

    /// A scan on door A (online, `spunta sync --watch`) until door B (online, `spunta sync --watch`) knows it.
    static func propagation(
        queue: DatabaseQueue, dir: URL, runner: ProgramRunner, url: String, site: String, trials: Int
    ) throws -> (p50: Double, p95: Double, peak: Int) {
        let a = try enrolledHome(queue, dir: dir, name: "porta-a", url: url, scope: [ScopeItem(kind: .site, id: site)])
        let b = try enrolledHome(queue, dir: dir, name: "porta-b", url: url, scope: [ScopeItem(kind: .site, id: site)])
        for home in [a, b] { _ = try SyncEngine(queue: home).sync() }
        // Door B reports each sync that brought something (`--json`, one line each) on a pipe: the report is the
        // moment to look for the scan in its database, so nothing here sleeps or polls.
        let reports = ReportLines()
        let watchers = try ["porta-a", "porta-b"].map { name -> Process in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: runner.path("spunta"))
            process.arguments = ["sync", "--watch", "--json", "--home", dir.appendingPathComponent("device-\(name)").path]
            let log = dir.appendingPathComponent("sync-watch-\(name).log")
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
            let handle = try FileHandle(forWritingTo: log)
            process.standardOutput = name == "porta-b" ? reports.pipe(copyingTo: handle) : handle
            process.standardError = handle
            try process.run()
            return process
        }
        defer {
            for watcher in watchers where watcher.isRunning {
                kill(watcher.processIdentifier, SIGTERM)
                watcher.waitUntilExit()
            }
        }
        let device = try a.read { try EnrolledDevice.require($0) }
        let cards = try a.read { db in
            try db.fetchAll("SELECT c.id FROM card c JOIN enrollment e ON e.beneficiary_id = c.beneficiary_id WHERE c.revoked_on IS NULL AND e.site_id = ? ORDER BY c.id LIMIT ?",
                            [site, trials + 5]).map { "SPUNTA1:" + (try $0[0] as String) }
        }
        let station = try ScanStation(queue: a, device: device, setup: ScanSetup(place: .canteen, date: day))
        /// Waits for door B's reports until one finds `op` in B's database; false if none does within 10 s.
        func reached(_ op: String) throws -> Bool {
            let deadline = DispatchTime.now() + 10
            while reports.next(until: deadline) {
                let seen: Int? = try b.read { try $0.scalar("SELECT 1 FROM peer_op WHERE id = ?", [op]) }
                if seen != nil { return true }
            }
            return false
        }
        // A first scan, not measured, proves both loops running (A pushed it, B received it) before the first measure.
        var measured = cards.makeIterator()
        while let card = measured.next() {
            let outcome = station.handle(card)
            if outcome.result == .ok, let op = outcome.opId {
                guard try reached(op) else { throw RawSQLiteBaseline.Failure(description: "propagazione: la porta B non riceve le letture della porta A") }
                break
            }
        }
        var samples: [Double] = []
        for card in IteratorSequence(measured).prefix(trials) {
            let outcome = station.handle(card)
            guard outcome.result == .ok, let op = outcome.opId else { continue }
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try reached(op)
            samples.append(seconds(since: start))
        }
        // Their peak memory, read while they still run.
        let peak = watchers.compactMap { Memory.peak(pid: $0.processIdentifier) }.max() ?? 0
        return (Stats.percentile(samples, 0.5), Stats.percentile(samples, 0.95), peak)
    }
}

/// The lines a watcher writes on its standard output, as they come: a reader thread gathers them and wakes whoever
/// waits for the next one.
final class ReportLines: Sendable {
    /// What came after the last complete line.
    private let partial = Mutex("")
    private let arrived = DispatchSemaphore(value: 0)

    /// A pipe for the watcher's output, whose lines are counted here and copied to `log`.
    func pipe(copyingTo log: FileHandle) -> Pipe {
        let pipe = Pipe()
        pipe.fileHandleForReading.readabilityHandler = { [self] handle in
            let data = handle.availableData
            guard !data.isEmpty else {
                handle.readabilityHandler = nil
                return
            }
            log.write(data)
            let ended = partial.withLock { partial -> Int in
                partial += String(decoding: data, as: UTF8.self)
                let parts = partial.split(separator: "\n", omittingEmptySubsequences: false)
                partial = String(parts.last ?? "")
                return parts.count - 1
            }
            for _ in 0..<ended { arrived.signal() }
        }
        return pipe
    }

    /// Waits for the next line; false if none came before `deadline`.
    func next(until deadline: DispatchTime) -> Bool {
        arrived.wait(timeout: deadline) == .success
    }
}
