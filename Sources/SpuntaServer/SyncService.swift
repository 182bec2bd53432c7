import Foundation
import SpuntaDomain
import SpuntaProtocol
import SpuntaServerStore
import SpuntaStore
import SpuntaSync

/// An answer of the sync service, independent of the HTTP library: status, headers, JSON body.
public struct Reply: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: Data

    public init(status: Int, headers: [(String, String)] = [], body: Data) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    static func json<T: Encodable>(_ value: T, status: Int = 200) -> Reply {
        do {
            return Reply(status: status, headers: [("Content-Type", "application/json")], body: try WireCoding.encode(value))
        } catch {
            return .error(WireError(status: 500, code: WireErrorCode.internalError, message: "Errore interno del server nel comporre la risposta."))
        }
    }

    static func error(_ error: WireError) -> Reply {
        let body = (try? WireCoding.encode(error)) ?? Data("{\"error\":{\"code\":\"\(error.code)\"}}".utf8)
        return Reply(status: error.status, headers: [("Content-Type", "application/json")], body: body)
    }
}

/// The server's sync endpoints as plain functions (servizio di sincronizzazione): enrollment, push, pull, the
/// device's own record, health, metrics and the admin status. The HTTP layer only routes to them.
public final class SyncService: Sendable {
    public static let maxOpsPerPush = 1_000
    public static let maxWaitSeconds = 30

    /// What the administrator sets when starting the server.
    public struct Settings: Sendable {
        public var readerCount = 4
        /// Reverse proxies whose `X-Forwarded-For` names the client (`serve --trusted-proxy`); without any, the
        /// client is the socket's peer.
        public var trustedProxies: Set<String> = []
        public var enrollment = EnrollmentGuard.Policy()
        /// The bytes of push bodies held at once (taken, not yet answered); beyond it pushes get `503 server_busy`
        /// (`PushAdmission`). Twice the largest body, so that a full push always has room beside another.
        public var pushBytesBudget = 16 << 20

        public init() {}
    }

    /// The server's log of events an administrator should see (enrollment attempts refused, addresses locked
    /// out): one line each on standard error, which the service manager keeps. Never a secret.
    public static let standardErrorLog: @Sendable (String) -> Void = { line in
        FileHandle.standardError.write(Data((UTCTime.string(Date(), fractional: true) + " " + line + "\n").utf8))
    }

    /// Waits that long without holding a thread (a cancelled wait ends early: the server is stopping).
    public static let sleep: @Sendable (TimeInterval) async -> Void = { seconds in
        try? await Task.sleep(for: .seconds(seconds))
    }

    public let writer: GroupCommitWriter
    /// Copies the writer's WAL into the database file after its commits, beside it.
    let checkpointer: WALCheckpointer
    public let readers: ReaderPool
    public let notifier: ChangeNotifier
    public let metrics: Metrics
    public let epoch: String
    public let settings: Settings
    let clock: @Sendable () -> Date
    let log: @Sendable (String) -> Void
    /// Waits before answering an attempt from an address with many failures (a test records instead of waiting).
    let pause: @Sendable (TimeInterval) async -> Void
    let enrollmentGuard: EnrollmentGuard
    let pushAdmission: PushAdmission

    /// Opens the database at `path` (migrating it) with one writer and `settings.readerCount` readers.
    public init(
        path: String, settings: Settings = Settings(), clock: @escaping @Sendable () -> Date = WallClock.now,
        log: @escaping @Sendable (String) -> Void = SyncService.standardErrorLog,
        pause: @escaping @Sendable (TimeInterval) async -> Void = SyncService.sleep
    ) throws {
        self.settings = settings
        self.log = log
        self.pause = pause
        self.enrollmentGuard = EnrollmentGuard(policy: settings.enrollment)
        let pushAdmission = PushAdmission(budget: settings.pushBytesBudget)
        self.pushAdmission = pushAdmission
        let writeQueue = try ServerDatabase.open(path: path, configuration: ServerDatabase.writerConfiguration)
        self.epoch = try writeQueue.read { try $0.scalar("SELECT value FROM server_meta WHERE key = 'epoch'") } ?? "0"
        self.readers = try ReaderPool(path: path, count: settings.readerCount)
        let notifier = ChangeNotifier()
        let metrics = Metrics()
        // The threads start last, once every connection is open: nothing after them throws, so a failed start leaves
        // none running (and the checkpointer ends its own thread when released without a shutdown).
        let checkpointer = try WALCheckpointer(path: path, log: log)
        self.notifier = notifier
        self.metrics = metrics
        self.checkpointer = checkpointer
        self.writer = GroupCommitWriter(queue: writeQueue) { keys, head, jobs in
            checkpointer.request()
            notifier.notify(keys: keys, head: head)
            metrics.increment("spunta_group_commits_total")
            metrics.increment("spunta_group_commit_jobs_total", by: Double(jobs))
        }
        self.clock = clock
        metrics.gauge("spunta_pulls_waiting", help: "Pulls waiting for news (long poll).") { Double(notifier.waiting) }
        metrics.counter("spunta_office_alerts_total", help: "Alerts raised to the office by kind (once per event).")
        metrics.counter("spunta_office_alert_check_failures_total", help: "Rounds of the office alerts' checks that failed.")
        metrics.counter("spunta_backlog_reports_unreadable_total", help: "Spunta-Device-Backlog headers ignored because unreadable.")
        metrics.gauge("spunta_push_bytes_held", help: "Bytes of push bodies taken and not yet answered.") { Double(pushAdmission.held) }
        metrics.gauge("spunta_push_bytes_held_max", help: "The most bytes of push bodies held at once since the server started.") {
            Double(pushAdmission.peak)
        }
        metrics.gauge("spunta_push_bytes_budget", help: "Bytes of push bodies held at once beyond which pushes are answered busy.") {
            Double(pushAdmission.budget)
        }
        metrics.counter("spunta_pushes_busy_total", help: "Pushes answered 503 server_busy, applied later when the device sends them again.")
    }

    private let rideChecks = Throttle(every: 60)

    /// Rides left open are looked for at most once a minute: the check reads every open ride.
    func rideCheckDue(_ now: Date) -> Bool {
        rideChecks.due(now)
    }

    /// Stops the writer after committing what it holds, and wakes the waiting pulls.
    public func shutdown() {
        notifier.close()
        writer.shutdown()
        checkpointer.shutdown()
    }

    // MARK: Checks shared by the endpoints

    /// The protocol version a request declares, checked against the versions this server speaks.
    public func versionProblem(_ header: String?) -> WireError? {
        guard let header, let version = Int(header.trimmingCharacters(in: .whitespaces)) else {
            return WireError(status: 426, code: WireErrorCode.protocolVersionUnsupported,
                             message: "Richiesta senza versione del protocollo (\(ProtocolVersion.header)): aggiornare l'app del dispositivo.")
        }
        guard ProtocolVersion.supported.contains(version) else {
            let side = version > ProtocolVersion.supported.upperBound ? "il server (parla la versione \(ProtocolVersion.supported.upperBound))"
                                                                       : "l'app del dispositivo"
            return WireError(status: 426, code: WireErrorCode.protocolVersionUnsupported,
                             message: "Versione del protocollo \(version) non supportata: aggiornare \(side).")
        }
        return nil
    }

    static func bearer(_ authorization: String?) -> String? {
        guard let authorization, authorization.lowercased().hasPrefix("bearer ") else { return nil }
        return String(authorization.dropFirst(7)).trimmingCharacters(in: .whitespaces)
    }

    func authenticate(_ authorization: String?) async throws -> DeviceRegistry.Device {
        guard let token = Self.bearer(authorization) else {
            throw WireError(status: 401, code: WireErrorCode.unauthorized,
                            message: "Credenziali mancanti: registrare il dispositivo con spunta enroll.")
        }
        return try await readers.read { db in try DeviceRegistry.authenticate(db, token: token) }
    }

    func nowMs() -> Int64 { Int64(clock().timeIntervalSince1970 * 1000) }

    /// The device's clock measured now, from the request's headers (nil when it did not send its time).
    func clockReading(deviceTime: String?, deviceSeq: String?) -> ClockReading? {
        ClockReading(deviceTime: deviceTime, deviceSeq: deviceSeq, serverMs: nowMs())
    }

    /// Records a device's failed request, and what it reported waiting on it, for the status page (best effort:
    /// the answer does not wait for it).
    func noteError(device: String, _ message: String, backlog: DeviceBacklog? = nil, sentAt: Date? = nil) {
        let now = clock()
        let sent = sentAt ?? now
        Task { [writer] in
            _ = try? await writer.submit { (db: Database) in
                try db.run("UPDATE device SET last_error = ?, last_error_at = ? WHERE id = ?", [message, UTCTime.string(now, fractional: true), device])
                if let backlog { try DeviceRegistry.recordBacklog(db, id: device, backlog, sentAt: sent) }
                return ((), Set<String>())
            }
        }
    }

    /// The backlog a request reports (`Spunta-Device-Backlog`); nil when absent (an older device) or unreadable —
    /// an unreadable report is counted in `/metrics` and otherwise ignored: it is telemetry, and refusing the
    /// request for it would stop the device's sync.
    func backlog(_ header: String?) -> DeviceBacklog? {
        guard let header else { return nil }
        guard let backlog = DeviceBacklog(headerValue: header) else {
            metrics.increment("spunta_backlog_reports_unreadable_total")
            return nil
        }
        return backlog
    }

    // MARK: Endpoints

    /// POST /v1/enroll from `client` (its address, for the count of failed attempts). A wrong code is found by
    /// reading only; the writer is asked only for a code that may be used.
    public func enroll(body: Data, client: String) async -> Reply {
        switch enrollmentGuard.admit(client, now: clock()) {
        case .refused(let retryAfter):
            metrics.increment("spunta_enroll_attempts_total", ["result": "refused"])
            var reply = Reply.error(WireError(
                status: 429, code: WireErrorCode.tooManyAttempts,
                message: "Troppi tentativi di registrazione non riusciti da questo indirizzo: riprovare tra "
                    + Self.italianDuration(seconds: retryAfter) + " controllando il codice, o chiederne uno nuovo all'amministratore."
            ))
            reply.headers.append(("Retry-After", String(retryAfter)))
            return reply
        case .allowed(let delay):
            if delay > 0 { await pause(delay) }
        }
        let request: EnrollRequest
        do {
            request = try WireCoding.decode(EnrollRequest.self, from: body)
        } catch {
            enrollmentGuard.release(client)
            return .error(WireError(status: 400, code: WireErrorCode.malformedJSON, message: "Richiesta di registrazione non valida (JSON)."))
        }
        let epoch = self.epoch
        let now = clock()
        do {
            let check = try await readers.read { db in try DeviceRegistry.check(db, request: request, epoch: epoch, now: now) }
            let response: EnrollResponse
            switch check {
            case .repeated(let answer):
                log("registrazione di \(answer.deviceId) ripetuta da \(client) con la stessa credenziale: la risposta precedente era andata persa")
                metrics.increment("spunta_enroll_attempts_total", ["result": "repeated"])
                response = answer
            case .allowed:
                response = try await writer.submit { db in
                    (try DeviceRegistry.enroll(db, request: request, epoch: epoch, now: now), [ScopeKey.all])
                }
                metrics.increment("spunta_enroll_attempts_total", ["result": "enrolled"])
            }
            enrollmentGuard.release(client)
            return .json(response)
        } catch let error as WireError {
            guard error.status == 403 else {
                enrollmentGuard.release(client)
                return .error(error)
            }
            let failure = enrollmentGuard.failed(client, now: clock())
            metrics.increment("spunta_enroll_attempts_total", ["result": "failed"])
            let why = error.code == WireErrorCode.enrollmentCodeExpired ? "codice scaduto" : "codice non valido o già usato"
            let window = Self.italianDuration(seconds: Int(enrollmentGuard.policy.window))
            if let until = failure.lockedUntil {
                log("registrazione rifiutata da \(client) (\(why)): \(failure.failures) tentativi falliti, indirizzo bloccato per "
                    + Self.italianDuration(seconds: Int(enrollmentGuard.policy.lockout)) + " (fino a \(UTCTime.string(until, fractional: true)))")
            } else {
                log("registrazione rifiutata da \(client) (\(why)): \(failure.failures) tentativi falliti negli ultimi \(window)")
            }
            return .error(error)
        } catch is GroupCommitWriter.ShuttingDown {
            enrollmentGuard.release(client)
            return .error(WireError(status: 503, code: WireErrorCode.shuttingDown, message: "Il server si sta fermando: riprovare tra poco."))
        } catch {
            enrollmentGuard.release(client)
            return internalError(error)
        }
    }

    /// `90` → `2 minuti`, `1` → `1 secondo`: a wait in words.
    static func italianDuration(seconds: Int) -> String {
        if seconds >= 60 {
            let minutes = (seconds + 59) / 60
            return minutes == 1 ? "1 minuto" : "\(minutes) minuti"
        }
        return seconds == 1 ? "1 secondo" : "\(seconds) secondi"
    }

    public func push(
        authorization: String?, deviceTime: String?, deviceSeq: String? = nil, backlog backlogHeader: String? = nil, body: Data
    ) async -> Reply {
        let started = clock()
        // Taken before anything is decoded, so that a busy server spends nothing on a push it cannot hold.
        guard pushAdmission.admit(body.count) else {
            metrics.increment("spunta_pushes_busy_total")
            return Self.busy
        }
        defer { pushAdmission.release(body.count) }
        let reading = clockReading(deviceTime: deviceTime, deviceSeq: deviceSeq)
        let device: DeviceRegistry.Device
        do {
            device = try await authenticate(authorization)
        } catch let error as WireError {
            return .error(error)
        } catch {
            return internalError(error)
        }
        let backlog = self.backlog(backlogHeader)
        // Each op's JSON is kept exactly as received (it is stored verbatim).
        let items: [(op: Op, json: String)]
        do {
            items = try Self.decodeOps(body)
        } catch let error as WireError {
            noteError(device: device.id, error.message, backlog: backlog, sentAt: started)
            return .error(error)
        } catch {
            return internalError(error)
        }
        let batch = PushService.Batch(scope: device.deviceScope, ops: items, clock: reading)
        let receivedMs = nowMs()
        let now = clock()
        let epoch = self.epoch
        // The scope keys to wake long polls on depend on the ops alone: worked out here, not on the one writer.
        var keys: Set<String> = []
        for item in batch.ops { keys.formUnion(DeviceScope.keys(of: item.op)) }
        // The children's master data is read here, beside the writer; the writer takes it only if the master data has
        // not changed since, and reads it itself otherwise — as it does when this read fails.
        let prepared: PushService.Prepared?
        do {
            prepared = try await readers.read { db in try PushService.prepare(db, batch) }
        } catch {
            log("lettura anticipata dell'anagrafica per l'invio di \(device.id) non riuscita (\(error)): la rilegge chi scrive")
            prepared = nil
        }
        do {
            let (outcome, alerts) = try await writer.submit(weight: batch.ops.count) { [keys] db in
                // Only the merge of a ride closed with children aboard raises alerts of its own: the log's end is read
                // beforehand for those pushes alone, so that the others cost no look at the alerts.
                let lastAlert = Self.closesRide(batch) ? try OfficeAlerts.lastId(db) : nil
                let outcome = try PushService().apply(db, batch, prepared: prepared, receivedMs: receivedMs, now: now)
                var alerts: [OfficeAlerts.Alert] = []
                if case .accepted(let results) = outcome {
                    // The rides this push touched are checked now; all open rides (time passing) once a minute.
                    let overdue = try RideChecks.refresh(db, now: now, beneficiaries: self.rideCheckDue(now) ? nil : Self.riders(in: batch))
                    // A child left aboard is told to the office with this very commit.
                    if overdue > 0 { alerts = try OfficeAlerts.childrenLeftAboard(db, now: now) }
                    // Every alert this push raised (those checks, a ride closed with a child aboard), for the journal.
                    if let lastAlert { alerts = try OfficeAlerts.raised(db, after: lastAlert) }
                    if let backlog { try DeviceRegistry.recordBacklog(db, id: device.id, backlog, acknowledged: results.count, sentAt: started) }
                } else if let backlog {
                    // A refused push still says what waits on the device: the admin sees the queue grow.
                    try DeviceRegistry.recordBacklog(db, id: device.id, backlog, sentAt: started)
                }
                return ((outcome, alerts), keys)
            }
            // Committed: the alerts go to the journal as the periodic checks' do.
            AlertMonitor.report(alerts, metrics: metrics, log: log)
            switch outcome {
            case .refused(let error):
                return .error(error)
            case .accepted(let results):
                // Counted per push, not per op: a metric update renders its labels.
                var byResult: [String: Int] = [:]
                var byOutcome: [String: Int] = [:]
                for result in results {
                    byResult[result.status.rawValue, default: 0] += 1
                    if result.status == .applied, let outcome = result.outcome { byOutcome[outcome, default: 0] += 1 }
                }
                for (result, count) in byResult { metrics.increment("spunta_ops_total", ["result": result], by: Double(count)) }
                for (outcome, count) in byOutcome { metrics.increment("spunta_ops_merged_total", ["outcome": outcome], by: Double(count)) }
                metrics.observe("spunta_push_seconds", seconds: clock().timeIntervalSince(started))
                return .json(PushResponse(results: results, epoch: epoch, serverTimeMs: nowMs(), deviceClock: reading?.report))
            }
        } catch is GroupCommitWriter.ShuttingDown {
            return .error(WireError(status: 503, code: WireErrorCode.shuttingDown, message: "Il server si sta fermando: riprovare tra poco."))
        } catch {
            return internalError(error)
        }
    }

    /// The answer to a push beyond `PushAdmission`'s bound: nothing was applied; send it again in a second.
    static let busy: Reply = {
        var reply = Reply.error(WireError(status: 503, code: WireErrorCode.serverBusy,
                                          message: "Il server è occupato: l'invio sarà ripetuto tra poco, senza contare nulla due volte."))
        reply.headers.append(("Retry-After", "1"))
        return reply
    }()

    /// Whether a batch closes a ride: its merge alerts the office for each child left aboard.
    static func closesRide(_ batch: PushService.Batch) -> Bool {
        batch.ops.contains { item in
            if case .rideClosed = item.op.body { return true }
            return false
        }
    }

    /// The children whose rides a batch boards or alights; nil when it voids something (any ride may reopen).
    static func riders(in batch: PushService.Batch) -> Set<String>? {
        var riders: Set<String> = []
        for item in batch.ops {
            switch item.op.body {
            case .boarding(let r), .alighting(let r): riders.insert(r.beneficiaryId)
            case .void: return nil
            default: break
            }
        }
        return riders
    }

    /// Splits `{"ops": [...]}` into ops with their verbatim JSON, enforcing the batch limit.
    static func decodeOps(_ body: Data) throws -> [(op: Op, json: String)] {
        // The plain form devices write is read in one pass; anything else goes through JSONDecoder, which gives the
        // same ops or the error to answer.
        if let items = PushRequestReader.read(body) {
            try checkCount(items.count)
            return items
        }
        return try decodeOpsWithJSONDecoder(body)
    }

    /// `decodeOps` through JSONDecoder: any body the one-pass reader declines, and the error of a body that is wrong.
    static func decodeOpsWithJSONDecoder(_ body: Data) throws -> [(op: Op, json: String)] {
        let decoder = WireCoding.decoder()
        let request: PushRequest
        do {
            request = try decoder.decode(PushRequest.self, from: body)
        } catch {
            // Say which op is wrong: decode them one by one only now.
            throw WireError(status: 400, code: WireErrorCode.malformedJSON, message: "Corpo della richiesta non valido: \(Self.locate(error, in: body)).")
        }
        try checkCount(request.ops.count)
        if let ranges = PushBody.elements(ofArray: "ops", in: body), ranges.count == request.ops.count {
            return zip(request.ops, ranges).map { op, range in (op, String(decoding: body[range], as: UTF8.self)) }
        }
        return try request.ops.map { ($0, String(decoding: try WireCoding.encode($0), as: UTF8.self)) }
    }

    /// A push carries at most `maxOpsPerPush` ops.
    static func checkCount(_ count: Int) throws {
        guard count <= maxOpsPerPush else {
            throw WireError(status: 413, code: WireErrorCode.tooManyOps,
                            message: "Troppe operazioni in un invio (\(count), al massimo \(maxOpsPerPush)): inviarle in più volte.")
        }
    }

    /// Where a body that does not decode goes wrong, in words.
    static func locate(_ error: any Error, in body: Data) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any], let list = object["ops"] as? [Any] else {
            return "atteso {\"ops\": [...]}"
        }
        let decoder = WireCoding.decoder()
        for (index, element) in list.enumerated() {
            guard let data = try? JSONSerialization.data(withJSONObject: element) else { return "operazione \(index + 1) non valida" }
            do {
                _ = try decoder.decode(Op.self, from: data)
            } catch {
                return "operazione \(index + 1): \(describe(error))"
            }
        }
        return describe(error)
    }

    static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "formato errato" }
        switch error {
        case .keyNotFound(let key, _): return "manca il campo «\(key.stringValue)»"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? "formato errato" : "campo «\(path)» non valido"
        @unknown default: return "formato errato"
        }
    }

    public func pull(
        authorization: String?, deviceTime: String?, deviceSeq: String? = nil, backlog backlogHeader: String? = nil, query: [String: String]
    ) async -> Reply {
        // Measured on arrival: a long poll may hold the request for seconds before answering.
        let reading = clockReading(deviceTime: deviceTime, deviceSeq: deviceSeq)
        let device: DeviceRegistry.Device
        do {
            device = try await authenticate(authorization)
        } catch let error as WireError {
            return .error(error)
        } catch {
            return internalError(error)
        }
        guard let cursor = PullCursor(query["cursor"]) else {
            return .error(WireError(status: 400, code: WireErrorCode.cursorInvalid,
                                    message: "Posizione di sincronizzazione non valida: il dispositivo riparte da capo."))
        }
        let limit = query["limit"].flatMap(Int.init) ?? PullService.defaultLimit
        let wait = min(Self.maxWaitSeconds, max(0, query["wait"].flatMap(Int.init) ?? 0))
        let backlog = self.backlog(backlogHeader)
        let sentAt = clock()
        let deadline = sentAt.addingTimeInterval(Double(wait))
        do {
            var page = try await pullPage(device, cursor: cursor, limit: limit)
            // Long poll: an empty page waits for a commit that concerns the device, then reads again.
            while page.page.isEmpty, clock() < deadline {
                let remaining = deadline.timeIntervalSince(clock())
                let news = await notifier.wait(for: device.deviceScope.subscription, after: page.head,
                                               timeout: .milliseconds(Int64(max(0, remaining) * 1000)))
                guard news else { break }
                guard let next = PullCursor(page.page.response.cursor) else { break }
                page = try await pullPage(device, cursor: next, limit: limit)
            }
            try await recordPull(device: device, page: page.page, reading: reading, backlog: backlog.map { ($0, sentAt) })
            var response = page.page.response
            response.deviceClock = reading?.report
            return .json(response)
        } catch let error as WireError {
            return .error(error)
        } catch {
            return internalError(error)
        }
    }

    private func pullPage(_ device: DeviceRegistry.Device, cursor: PullCursor, limit: Int) async throws -> (page: PullService.Page, head: Int64) {
        let started = clock()
        let epoch = self.epoch
        let now = clock()
        let result = try await readers.read { db in
            let head = try ChangeLog.head(db)
            let page = try PullService().page(
                db, device: .init(scope: device.deviceScope, scopeVersion: device.scopeVersion,
                                  snapshotScopeVersion: device.snapshotScopeVersion),
                cursor: cursor, limit: limit, epoch: epoch, now: now
            )
            return (page, head)
        }
        metrics.observe("spunta_pull_seconds", seconds: clock().timeIntervalSince(started))
        return result
    }

    private func recordPull(
        device: DeviceRegistry.Device, page: PullService.Page, reading: ClockReading?, backlog: (report: DeviceBacklog, sentAt: Date)?
    ) async throws {
        let now = UTCTime.string(clock(), fractional: true)
        let delivered = page.deliveredSeq
        let snapshot = page.completedSnapshotVersion
        try await writer.submit { db in
            try db.run("""
                UPDATE device SET last_pull_at = ?, last_seen_at = ?, pulled_seq = MAX(pulled_seq, ?),
                    snapshot_scope_version = COALESCE(?, snapshot_scope_version)
                WHERE id = ?
                """, [now, now, delivered, snapshot, device.id])
            if let reading {
                let known: Int64 = try db.scalar("SELECT last_seq FROM device WHERE id = ?", [device.id]) ?? 0
                try ClockHistory.record(db, device: device.id, reading: reading, knownSeq: known)
            }
            if let backlog { try DeviceRegistry.recordBacklog(db, id: device.id, backlog.report, sentAt: backlog.sentAt) }
            return ((), Set<String>())
        }
    }

    /// The device's own record.
    public func whoami(authorization: String?) async -> Reply {
        do {
            let device = try await authenticate(authorization)
            struct Me: Encodable {
                let deviceId: String, name: String, role: String, scope: [String], epoch: String, blocked: Bool
                enum CodingKeys: String, CodingKey { case deviceId = "device_id", name, role, scope, epoch, blocked }
            }
            return .json(Me(deviceId: device.id, name: device.name, role: device.role.rawValue,
                            scope: device.scope.map(\.description), epoch: epoch, blocked: device.blockedReason != nil))
        } catch let error as WireError {
            return .error(error)
        } catch {
            return internalError(error)
        }
    }

    public func health() -> Reply {
        struct Health: Encodable {
            let status: String, epoch: String, protocolVersion: Int, version: String
            enum CodingKeys: String, CodingKey { case status, epoch, protocolVersion = "protocol", version }
        }
        return .json(Health(status: "ok", epoch: epoch, protocolVersion: ProtocolVersion.current, version: ProtocolVersion.appVersion))
    }

    /// The counters of this process, then the gauges of every device and of the conflicts, read from the database
    /// at each scrape (the same query as `spunta-server devices`).
    public func metricsText() async -> Reply {
        var text = metrics.render()
        let now = clock()
        do {
            text += try await readers.read { db in
                DeviceGauges.render(devices: try AdminQueries.devices(db, now: now),
                                    openConflicts: try db.scalar("SELECT COUNT(*) FROM conflict WHERE status = 'open'") ?? 0)
            }
        } catch {
            FileHandle.standardError.write(Data("metriche dei dispositivi non lette: \(error)\n".utf8))
        }
        return Reply(status: 200, headers: [("Content-Type", "text/plain; version=0.0.4")], body: Data(text.utf8))
    }

    /// GET /v1/admin/status: every device's sync status. Needs the admin token.
    public func adminStatus(authorization: String?) async -> Reply {
        guard let token = Self.bearer(authorization) else {
            return .error(WireError(status: 401, code: WireErrorCode.unauthorized, message: "Serve la credenziale di amministratore."))
        }
        let now = clock()
        do {
            let allowed = try await readers.read { db in try AdminToken.verify(db, token: token) }
            guard allowed else {
                return .error(WireError(status: 403, code: WireErrorCode.forbidden,
                                        message: "Credenziale non valida per le funzioni di amministrazione."))
            }
            struct Status: Encodable {
                let devices: [AdminQueries.DeviceStatus]
                let logHead: Int64
                let epoch: String
                enum CodingKeys: String, CodingKey { case devices, logHead = "log_head", epoch }
            }
            let epoch = self.epoch
            let status = try await readers.read { db in
                Status(devices: try AdminQueries.devices(db, now: now), logHead: try ChangeLog.head(db), epoch: epoch)
            }
            return .json(status)
        } catch {
            return internalError(error)
        }
    }

    func internalError(_ error: any Error) -> Reply {
        FileHandle.standardError.write(Data("errore interno: \(error)\n".utf8))
        return .error(WireError(status: 500, code: WireErrorCode.internalError,
                                message: "Errore interno del server: nulla è stato applicato. Riprovare; se si ripete avvisare l'amministratore."))
    }
}
