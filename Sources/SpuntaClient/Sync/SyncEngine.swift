import Foundation
import SpuntaCrypto
import SpuntaDomain
import SpuntaHTTP
import SpuntaProtocol
import SpuntaStore

/// Synchronisation with the server (sincronizzazione): push the outbox, then pull pages, each page committed
/// with its cursor, so a dropped connection costs at most one page and the next run resumes there.
public final class SyncEngine {
    /// How long acknowledged ops are kept for re-pushing after a server restore.
    public static let retentionDays = 30
    public static let pushBatch = 500
    public static let pullLimit = 1_000

    let queue: DatabaseQueue
    let clock: @Sendable () -> Date
    private var client: HTTPClient?
    private var clientURL: String?

    /// What one synchronisation did.
    public struct Report: Encodable, Sendable {
        public var pushed = 0
        public var applied = 0
        public var duplicates = 0
        public var rejected: [Rejection] = []
        public var changes = 0
        public var peerOps = 0
        public var pages = 0
        public var snapshot = false
        public var epochChanged = false
        public var cursor: String?
        /// Bytes of the pull answers (what the device downloaded).
        public var bytesReceived = 0

        public struct Rejection: Encodable, Sendable {
            public let opId: String
            public let code: String
            public let message: String
            enum CodingKeys: String, CodingKey { case opId = "op_id", code, message }
        }

        enum CodingKeys: String, CodingKey {
            case pushed, applied, duplicates, rejected, changes, peerOps = "peer_ops", pages, snapshot
            case epochChanged = "epoch_changed", cursor, bytesReceived = "bytes_received"
        }

        /// One line in Italian.
        public var italian: String {
            var parts: [String] = []
            parts.append(pushed == 0 ? "niente da inviare" : "inviate \(pushed) registrazioni")
            if duplicates > 0 { parts.append("\(duplicates) già ricevute") }
            if !rejected.isEmpty { parts.append("\(rejected.count) rifiutate") }
            parts.append(changes + peerOps == 0 ? "nessuna novità" : "ricevute \(changes) modifiche e \(peerOps) registrazioni di altri")
            if snapshot { parts.append("dati riscaricati") }
            if epochChanged { parts.append("server ripristinato: operazioni reinviate") }
            return "Sincronizzato: " + parts.joined(separator: ", ") + "."
        }
    }

    public init(queue: DatabaseQueue, clock: @escaping @Sendable () -> Date = WallClock.now) {
        self.queue = queue
        self.clock = clock
    }

    // MARK: Enrollment

    /// What `spunta enroll` did.
    public struct Enrollment: Sendable {
        public let device: EnrolledDevice
        /// The identity the device had before, when it was enrolled again in place.
        public let previousDeviceId: String?
    }

    /// Trades the one-time code for a token and stores the device. The replica comes with the first sync.
    ///
    /// The token is made here and committed before the request leaves: if the answer is lost, running the same
    /// command again sends the same code with the same token, the server recognises its device and answers again,
    /// so one device results and it holds the token the server knows. A folder already enrolled is enrolled again
    /// in place only when its server no longer knows it (restored from an older backup) or has blocked it; its
    /// ops are kept and sent under the new identity.
    /// What `spunta enroll` can refuse before it makes anything in the folder: no --server for a folder that holds no
    /// device, or an address that is none. A mistyped --home then gets its error and no database that would pass for
    /// a half-enrolled device.
    public static func checkEnrollment(home: DeviceHome, server: String?) throws {
        guard let server else {
            if try !home.holdsDevice() { throw ClientError.serverRequired }
            return
        }
        do {
            _ = try HTTPClient(baseURL: server)
        } catch {
            throw ClientError.offline(error.userMessage)
        }
    }

    public static func enroll(
        queue: DatabaseQueue, server: String?, code: String, label: String, now: Date = WallClock.now()
    ) throws -> Enrollment {
        let existing = try queue.read { try EnrolledDevice.load($0) }
        guard let serverURL = server ?? existing?.serverURL else { throw ClientError.serverRequired }
        let client: HTTPClient
        do {
            client = try HTTPClient(baseURL: serverURL)
        } catch {
            throw ClientError.offline(error.userMessage)
        }
        if let existing { try requireReplaceable(existing, client, now: now) }
        let normalized = EnrollRequest.normalize(code: code)
        // Committed (durably) before the request leaves; the write lock makes two commands racing on one folder agree.
        let token = try queue.write { db -> String in
            if let kept: String = try db.scalar("SELECT token FROM enrollment_attempt WHERE code = ?", [normalized]) { return kept }
            let made = try SecureToken.generate()
            try db.run("INSERT INTO enrollment_attempt (code, token, created_at) VALUES (?, ?, ?)", [normalized, made, UTCTime.string(now, fractional: false)])
            return made
        }
        let body = try WireCoding.encode(EnrollRequest(code: code, deviceLabel: label, appVersion: ProtocolVersion.appVersion, token: token))
        let response: HTTPClientResponse
        do {
            response = try Self.send(client, method: "POST", path: "/v1/enroll", token: nil, body: body, timeout: 30,
                                     clock: .init(time: now, seq: nil))
        } catch ClientError.offline(_, let problem?) where existing == nil {
            // Never enrolled, the device has nothing to go on with offline: the same command, once the server answers.
            throw ClientError.notEnrolledOffline(problem: problem, server: serverURL, code: code)
        }
        let enrolled = try WireCoding.decode(EnrollResponse.self, from: response.body)
        // An older server ignores the proposed token and makes its own: the device keeps the one it is given.
        let device = EnrolledDevice(
            deviceId: enrolled.deviceId, name: enrolled.name, role: enrolled.role, scope: enrolled.scope, serverURL: serverURL,
            token: enrolled.token, municipality: enrolled.municipality, epoch: enrolled.epoch, cursor: nil
        )
        try queue.write { db in
            if try EnrolledDevice.load(db) == nil {
                try device.save(db, enrolledAt: now)
            } else {
                try device.saveReplacing(db, enrolledAt: now)
            }
            // Tokens proposed with other codes whose answers never came stay: a device the server enrolled with one
            // of them is never left with a token nobody holds.
            try db.run("DELETE FROM enrollment_attempt WHERE code = ?", [normalized])
        }
        return Enrollment(device: device, previousDeviceId: existing?.deviceId)
    }

    /// An enrolled folder may take a new code only when the server does not know its token or has blocked it;
    /// a device in good standing keeps its identity (and the code stays unused), a revoked one stays revoked.
    static func requireReplaceable(_ existing: EnrolledDevice, _ client: HTTPClient, now: Date) throws {
        struct Standing: Decodable {
            let blocked: Bool?
        }
        do {
            let response = try Self.send(client, method: "GET", path: "/v1/device", token: existing.token, body: Data(), timeout: 30,
                                         clock: .init(time: now, seq: nil))
            if (try? WireCoding.decode(Standing.self, from: response.body))?.blocked == true { return }
        } catch ClientError.unknownToServer {
            return
        }
        throw ClientError.alreadyEnrolled(existing.deviceId)
    }

    // MARK: One synchronisation

    /// Pushes everything pending, then pulls until the server has nothing more. With `wait` > 0 the first
    /// pull may wait that many seconds for news (long poll).
    public func sync(wait: Int = 0) throws -> Report {
        var report = Report()
        do {
            try pushAll(&report)
            try pullAll(&report, wait: wait)
            if report.epochChanged {
                // The server was restored: push again what it may have lost, then the fresh replica.
                try pushAll(&report)
                try pullAll(&report, wait: 0)
            }
            // One instant for both: an attempt stamped apart from the success would read as a later, failed one.
            let succeeded = Self.attemptStamp(clock())
            try queue.write { db in
                try db.run("""
                    UPDATE sync_state SET last_success_at = ?, last_attempt_at = ?, last_error = NULL, last_error_code = NULL,
                        unknown_to_server = 0, revoked = 0
                    WHERE id = 1
                    """, [succeeded, succeeded])
            }
            return report
        } catch let error as ClientError {
            try? note(error)
            throw error
        }
    }

    /// The instant of an attempt as stored, to the millisecond. Every request reports the last error's age
    /// (`Spunta-Device-Backlog`), and the server shows the error only if no push or pull of its own, stamped to the
    /// millisecond, came after it: an attempt stored to the second looked up to a second older than it was, and an error
    /// right after a good sync was then taken as followed by it and hidden from the admin.
    static func attemptStamp(_ instant: Date) -> String {
        UTCTime.string(instant, fractional: true)
    }

    private func note(_ error: ClientError) throws {
        try queue.write { db in
            try db.run("UPDATE sync_state SET last_attempt_at = ?, last_error = ?, last_error_code = ? WHERE id = 1",
                       [Self.attemptStamp(clock()), error.userMessage, error.code])
            if error == .revoked { try db.run("UPDATE sync_state SET revoked = 1 WHERE id = 1") }
            if error == .blocked { try db.run("UPDATE sync_state SET blocked = 1 WHERE id = 1") }
            if error == .unknownToServer { try db.run("UPDATE sync_state SET unknown_to_server = 1 WHERE id = 1") }
        }
    }

    private func http(_ device: EnrolledDevice) throws -> HTTPClient {
        if let client, clientURL == device.serverURL { return client }
        do {
            let made = try HTTPClient(baseURL: device.serverURL)
            client = made
            clientURL = device.serverURL
            return made
        } catch {
            throw ClientError.offline(error.userMessage)
        }
    }

    /// Pushes the pending ops, oldest first, in batches. Always from the oldest pending op, so that two
    /// processes pushing at once can never make the device's numbering look like it went backwards.
    func pushAll(_ report: inout Report) throws {
        while true {
            let sending = clock()
            let (device, batch, lastSeq) = try queue.read { db -> (EnrolledDevice, [(id: String, json: String)], Int64?) in
                let device = try EnrolledDevice.require(db)
                let rows = try db.fetchAll("SELECT id, json FROM outbox WHERE state = 'pending' ORDER BY seq LIMIT \(Self.pushBatch)")
                return (device, try rows.map { (try $0[0] as String, try $0[1] as String) }, try Self.lastSeq(db))
            }
            guard !batch.isEmpty else { return }
            let body = Data(("{\"ops\":[" + batch.map(\.json).joined(separator: ",") + "]}").utf8)
            let response = try Self.send(try http(device), method: "POST", path: "/v1/push", token: device.token, body: body, timeout: 60,
                                         clock: .init(time: sending, seq: lastSeq, later: clock), backlog: self.backlog)
            let answer = try WireCoding.decode(PushResponse.self, from: response.body)
            let now = UTCTime.string(clock(), fractional: false)
            let epochChanged = answer.epoch != device.epoch
            try queue.write { db in
                for result in answer.results {
                    switch result.status {
                    case .applied, .duplicate:
                        try db.run("UPDATE outbox SET state = 'acked', outcome = ?, acked_at = ? WHERE id = ?", [result.outcome, now, result.opId])
                    case .rejected:
                        try db.run("UPDATE outbox SET state = 'rejected', result_code = ?, result_message = ?, acked_at = ? WHERE id = ?",
                                   [result.code, result.message, now, result.opId])
                    }
                }
                if epochChanged { try self.adoptEpoch(db, answer.epoch) }
                try Self.noteClock(db, answer.deviceClock)
            }
            report.pushed += batch.count
            for result in answer.results {
                switch result.status {
                case .applied: report.applied += 1
                case .duplicate: report.duplicates += 1
                case .rejected:
                    report.rejected.append(.init(opId: result.opId, code: result.code ?? "", message: result.message ?? ""))
                }
            }
            if epochChanged { report.epochChanged = true }
        }
    }

    /// A new server epoch (a restore): forget the cursor, and mark again as pending every op still kept.
    func adoptEpoch(_ db: Database, _ epoch: String) throws {
        try db.run("UPDATE device SET epoch = ?, cursor = NULL WHERE id = 1", [epoch])
        try Self.repushKept(db, now: clock())
    }

    /// Marks again as pending every acknowledged op still kept (acknowledged within the retention window), for a
    /// server that may have lost them: those it has are answered duplicate, the others applied.
    static func repushKept(_ db: Database, now: Date) throws {
        let cutoff = UTCTime.string(now.addingTimeInterval(-Double(retentionDays) * 86_400), fractional: false)
        try db.run("UPDATE outbox SET state = 'pending' WHERE state = 'acked' AND acked_at >= ?", [cutoff])
    }

    func pullAll(_ report: inout Report, wait: Int) throws {
        var wait = wait
        while true {
            let sending = clock()
            let (device, lastSeq) = try queue.read { db in (try EnrolledDevice.require(db), try Self.lastSeq(db)) }
            var path = "/v1/pull?limit=\(Self.pullLimit)&wait=\(wait)"
            if let cursor = device.cursor {
                path += "&cursor=" + (cursor.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? cursor)
            }
            let response = try Self.send(try http(device), method: "GET", path: path, token: device.token, body: Data(),
                                         timeout: Double(wait) + 30, clock: .init(time: sending, seq: lastSeq, later: clock), backlog: self.backlog)
            let page = try WireCoding.decode(PullResponse.self, from: response.body)
            report.bytesReceived += response.body.count
            wait = 0
            if page.epoch != device.epoch {
                try queue.write { db in
                    try self.adoptEpoch(db, page.epoch)
                    try Self.noteClock(db, page.deviceClock)
                }
                report.epochChanged = true
                return
            }
            let now = clock()
            try queue.write { db in
                try ReplicaStore(db).apply(page, now: now)
                try Self.noteClock(db, page.deviceClock)
            }
            report.pages += 1
            report.changes += page.changes.count
            report.peerOps += page.ops.count
            report.snapshot = report.snapshot || page.reset
            report.cursor = page.cursor
            if !page.hasMore { return }
        }
    }

    // MARK: Clock

    /// The number of this database's last op: sent with every request so that the server can tell which ops were
    /// recorded before the clock measurement it takes.
    static func lastSeq(_ db: Database) throws -> Int64? {
        try db.scalar("SELECT last_seq FROM instance WHERE id = 1")
    }

    /// Keeps the offset of this device's clock as the server last measured it, for the screens that warn of it.
    static func noteClock(_ db: Database, _ clock: DeviceClock?) throws {
        guard let clock else { return }
        try db.run("UPDATE sync_state SET clock_offset_ms = ? WHERE id = 1", [clock.offsetMs])
    }

    // MARK: HTTP

    /// How many `503 server_busy` answers in a row one request waits out before the sync reports the server busy.
    static let maxBusyRetries = 10

    /// The seconds a `503 server_busy` answer asks to wait (its `Retry-After`, 1 to 30); nil for any other answer.
    public static func busyRetryAfter(_ response: HTTPClientResponse) -> TimeInterval? {
        guard response.status == 503, (try? WireCoding.decode(WireError.self, from: response.body))?.code == WireErrorCode.serverBusy
        else { return nil }
        let seconds = response.headers["Retry-After"].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } ?? 1
        return TimeInterval(min(30, max(1, seconds)))
    }

    /// What waits on the device at `now` (its clock at the attempt), read again for each attempt of a request: a
    /// report kept from the first attempt would tell ages younger by every second waited out on a busy server.
    /// Unreadable, the header is left out: a report is never a reason to stop a sync.
    func backlog(_ now: Date) -> DeviceBacklog? {
        try? queue.read { db in try LocalBacklog.read(db, now: now) }
    }

    /// What a request says of the device's clock: its time when sent and its last op number.
    struct ClockHeaders {
        let time: Date
        let seq: Int64?
        /// The device's clock, read again for each request sent again after a busy answer: the server measures the
        /// clock's offset from `Spunta-Device-Time`, so a retry that kept the first attempt's time would be taken
        /// for a clock behind by every second waited (ten waits of thirty seconds: a clock five minutes wrong).
        var later: (@Sendable () -> Date)? = nil

        /// The device time of the given attempt (0: the first).
        func time(ofAttempt attempt: Int) -> Date {
            attempt == 0 ? time : later?() ?? time
        }
    }

    /// One request, with the headers of the protocol and, for push and pull, what waits on the device; the server's
    /// errors become `ClientError`s.
    static func send(
        _ client: HTTPClient, method: String, path: String, token: String?, body: Data, timeout: TimeInterval, clock: ClockHeaders,
        backlog: ((Date) -> DeviceBacklog?)? = nil
    ) throws -> HTTPClientResponse {
        var headers: HTTPHeaders = [
            ProtocolVersion.header: String(ProtocolVersion.current),
            "User-Agent": "spunta/\(ProtocolVersion.appVersion)",
        ]
        if let seq = clock.seq { headers.add(ProtocolVersion.deviceSeqHeader, String(seq)) }
        if let token { headers.add("Authorization", "Bearer \(token)") }
        if !body.isEmpty { headers.add("Content-Type", "application/json") }
        var response: HTTPClientResponse
        var busyAnswers = 0
        while true {
            var attempt = headers
            let time = clock.time(ofAttempt: busyAnswers)
            attempt.add(ProtocolVersion.deviceTimeHeader, String(WallClock.milliseconds(time)))
            if let report = backlog?(time) { attempt.add(DeviceBacklog.header, report.headerValue) }
            do {
                // Push and pull are idempotent, so a request on a connection the server had closed is retried once.
                response = try client.send(method: method, path: path, headers: attempt, body: body, timeout: timeout, retryIfStale: true)
            } catch {
                throw ClientError.offline(error.userMessage, problem: error.isOffline ? error.problem : nil)
            }
            // A busy server applied nothing and says when to come back: the same request is sent again then, a few
            // times, before the sync gives up (and the watcher tries again later).
            guard let wait = busyRetryAfter(response) else { break }
            guard busyAnswers < maxBusyRetries else { throw ClientError.serverBusy(attempts: busyAnswers + 1) }
            busyAnswers += 1
            Thread.sleep(forTimeInterval: wait)
        }
        guard let spoken = response.headers[ProtocolVersion.header] else {
            throw ClientError.incompatibleServer(
                "Il server \(client.host):\(client.port) non parla il protocollo di Spunta (versione \(ProtocolVersion.current)): "
                    + "controllare l'indirizzo o aggiornare il server."
            )
        }
        // An answer in another version is not read at all (a newer server's page could wipe the replica); a 426
        // carries the server's own message, read below.
        if response.status != 426, spoken.trimmingCharacters(in: .whitespaces) != String(ProtocolVersion.current) {
            let newer = (Int(spoken.trimmingCharacters(in: .whitespaces)) ?? 0) > ProtocolVersion.current
            throw ClientError.incompatibleServer(
                "Il server \(client.host):\(client.port) usa la versione \(spoken) del protocollo di Spunta, questo dispositivo la "
                    + "\(ProtocolVersion.current): " + (newer ? "aggiornare Spunta su questo dispositivo." : "aggiornare il server.")
            )
        }
        guard response.status == 200 else {
            let error = try? WireCoding.decode(WireError.self, from: response.body)
            let code = error?.code ?? "http_\(response.status)"
            let message = error?.message ?? "Il server ha risposto \(response.status)."
            switch (response.status, code) {
            case (401, _): throw ClientError.unknownToServer
            case (_, WireErrorCode.deviceRevoked): throw ClientError.revoked
            case (_, WireErrorCode.deviceSequenceRegressed): throw ClientError.blocked
            case (426, _): throw ClientError.incompatibleServer(message)
            default: throw ClientError.server(code: code, message: message)
            }
        }
        return response
    }
}
