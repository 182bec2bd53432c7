import Foundation
import SpuntaDomain
import SpuntaHTTP
import SpuntaServerStore
import SpuntaStore
import Synchronization

/// `outbox send`: delivers queued messages through the Comune's own means — a sendmail-compatible command for
/// e-mail, a command or an HTTP endpoint for SMS — retrying failures with growing delays.
///
/// Never twice: a message is marked `sending` (committed) before the command runs and `sent` after it
/// succeeds. If the program dies in between, the message stays `sending`; the next run marks it `uncertain`
/// and does not send it again — an operator checks and re-queues it (`outbox retry`). Missing a message is
/// recoverable, a family charged twice in words is not: the choice is at most once.
///
/// Whoever queues a kind of message may give a reason to withdraw it at send time (`MessageQueue.Withdrawal`):
/// billing withdraws a reminder (sollecito) whose notice was paid while it waited in the queue — a family that has
/// paid is not told it has not. A withdrawn message is `dropped`, and the report says so. The sender knows how to
/// deliver, not why a message was written: that stays with the module that queued it.
public struct MessageSender {
    public struct Configuration: Sendable {
        /// Run with `/bin/sh -c`; the message (headers and body, RFC 5322) on standard input; SPUNTA_TO set.
        public var emailCommand: String?
        /// Run with `/bin/sh -c`; the text on standard input; SPUNTA_TO set to the mobile number.
        public var smsCommand: String?
        /// Alternatively, an HTTP endpoint receiving `{"to": "...", "text": "..."}` by POST.
        public var smsURL: String?
        public var sender = "ufficio.scuola@comune.example"
        public var maxAttempts = 5
        /// A command still running after this long is stopped, and its message left `uncertain`: it may have
        /// gone out before the command hung.
        public var commandTimeout: TimeInterval = 60

        public init() {}
    }

    public struct Report: Encodable, Sendable {
        public var sent = 0
        public var retrying = 0
        public var failed = 0
        public var uncertain = 0
        public var skipped = 0
        /// Messages withdrawn at send time (e.g. reminders whose notice was paid meanwhile).
        public var dropped = 0
        public var errors: [String] = []
        /// One line for each message withdrawn, saying why.
        public var notes: [String] = []
        /// How many each withdrawal took, by its summary, in the order they were given.
        var withdrawn: [(summary: String, count: Int)] = []

        enum CodingKeys: String, CodingKey {
            case sent, retrying, failed, uncertain, skipped, dropped, errors, notes
        }

        /// Messages this run tried and did not deliver (to be tried again, given up, or perhaps delivered): the
        /// command then ends with a failure, so that cron or a person running it sees it.
        public var undelivered: Int { retrying + failed + uncertain }

        public var italian: String {
            var text = "Messaggi inviati: \(sent)."
            for (summary, count) in withdrawn where count > 0 { text += " \(summary): \(count)." }
            if retrying + failed > 0 { text += " Non inviati: \(retrying + failed)." }
            if retrying > 0 { text += " Da riprovare: \(retrying) (di nuovo al prossimo invio, dopo un'attesa che cresce a ogni tentativo)." }
            if failed > 0 { text += " Falliti definitivamente: \(failed) (spunta-server outbox retry ID per rimetterli in coda)." }
            if uncertain > 0 { text += " Esito incerto (invio interrotto), da verificare: \(uncertain)." }
            if skipped > 0 { text += " Senza un mezzo configurato: \(skipped)." }
            return text
        }
    }

    let queue: DatabaseQueue
    let configuration: Configuration
    let withdrawals: [MessageQueue.Withdrawal]

    /// - Parameter withdrawals: the reasons not to send a message after all, checked for each message before it goes.
    public init(queue: DatabaseQueue, configuration: Configuration, withdrawals: [MessageQueue.Withdrawal] = []) {
        self.queue = queue
        self.configuration = configuration
        self.withdrawals = withdrawals
    }

    public func send(now: @escaping () -> Date = { Date() }) throws -> Report {
        var report = Report()
        report.withdrawn = withdrawals.map { ($0.summary, 0) }
        report.uncertain = try queue.write { db in
            try db.run("UPDATE outbox_message SET status = 'uncertain', last_error = 'invio interrotto: esito sconosciuto' WHERE status = 'sending'")
            return db.changesCount
        }
        let due = try queue.read { db in
            try db.fetchAll("""
                SELECT id, channel, recipient, subject, body, kind, dedup_key FROM outbox_message
                WHERE status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= ?) ORDER BY id
                """, [UTCTime.string(now(), fractional: true)]).map { row in
                (id: try row[0] as Int64, channel: try row[1] as String, to: try row[2] as String, subject: try row[3] as String,
                 body: try row[4] as String, kind: try row[5] as String, key: try row[6] as String)
            }
        }
        for message in due {
            // Checked in the same transaction that would mark it sending: a payment imported meanwhile is seen.
            let queued = MessageQueue.Queued(id: message.id, kind: message.kind, key: message.key, recipient: message.to)
            let withdrawn = try queue.write { db -> (index: Int, reason: MessageQueue.Withdrawal.Reason)? in
                for (index, withdrawal) in withdrawals.enumerated() {
                    guard let reason = try withdrawal.check(db, queued) else { continue }
                    try db.run("UPDATE outbox_message SET status = 'dropped', last_error = ? WHERE id = ?", [reason.stored, message.id])
                    return (index, reason)
                }
                return nil
            }
            if let withdrawn {
                report.dropped += 1
                report.withdrawn[withdrawn.index].count += 1
                report.notes.append(withdrawn.reason.note)
                continue
            }
            let configured = message.channel == "email" ? configuration.emailCommand != nil
                : (configuration.smsCommand != nil || configuration.smsURL != nil)
            guard configured else {
                report.skipped += 1
                continue
            }
            try queue.write { db in
                try db.run("UPDATE outbox_message SET status = 'sending', attempts = attempts + 1 WHERE id = ?", [message.id])
            }
            let outcome = deliver(channel: message.channel, to: message.to, subject: message.subject, body: message.body)
            if case .uncertain(let why) = outcome {
                try queue.write { db in
                    try db.run("UPDATE outbox_message SET status = 'uncertain', last_error = ? WHERE id = ?", [why, message.id])
                }
                report.uncertain += 1
                report.errors.append("messaggio \(message.id) a \(message.to): \(why)")
                continue
            }
            let error: String? = if case .failed(let why) = outcome { why } else { nil }
            try queue.write { db in
                if let error {
                    let attempts: Int = try db.scalar("SELECT attempts FROM outbox_message WHERE id = ?", [message.id]) ?? 1
                    let finalFailure = attempts >= configuration.maxAttempts
                    let delay = min(3600.0, 60.0 * pow(2.0, Double(attempts - 1)))
                    try db.run("UPDATE outbox_message SET status = ?, last_error = ?, next_attempt_at = ? WHERE id = ?",
                               [finalFailure ? "failed" : "pending", error, UTCTime.string(now().addingTimeInterval(delay), fractional: true), message.id])
                    if finalFailure { report.failed += 1 } else { report.retrying += 1 }
                    report.errors.append("messaggio \(message.id) a \(message.to): \(error)")
                } else {
                    try db.run("UPDATE outbox_message SET status = 'sent', sent_at = ?, last_error = NULL WHERE id = ?",
                               [UTCTime.string(now(), fractional: true), message.id])
                    report.sent += 1
                }
            }
        }
        return report
    }

    /// What became of one message.
    enum Delivery: Equatable {
        case delivered
        /// Not delivered: may be tried again.
        case failed(String)
        /// Perhaps delivered: a person must check before it is sent again.
        case uncertain(String)
    }

    func deliver(channel: String, to: String, subject: String, body: String) -> Delivery {
        if channel == "email", let command = configuration.emailCommand {
            let encodedSubject = subject.allSatisfy(\.isASCII) ? subject
                : "=?UTF-8?B?\(Data(subject.utf8).base64EncodedString())?="
            let message = "From: \(configuration.sender)\nTo: \(to)\nSubject: \(encodedSubject)\nMIME-Version: 1.0\n"
                + "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n\(body)\n"
            return run(command, input: message, to: to)
        }
        if channel == "sms", let command = configuration.smsCommand {
            return run(command, input: body, to: to)
        }
        if channel == "sms", let url = configuration.smsURL {
            do {
                var rest = Substring(url)
                if rest.hasPrefix("http://") { rest = rest.dropFirst(7) }
                let slash = rest.firstIndex(of: "/") ?? rest.endIndex
                let client = try HTTPClient(baseURL: "http://" + rest[..<slash])
                let path = slash == rest.endIndex ? "/" : String(rest[slash...])
                let payload = try JSONSerialization.data(withJSONObject: ["to": to, "text": body], options: [.sortedKeys])
                let response = try client.send(method: "POST", path: path, headers: ["Content-Type": "application/json"], body: payload,
                                               timeout: 20, retryIfStale: false)
                return (200..<300).contains(response.status) ? .delivered : .failed("il servizio SMS ha risposto \(response.status)")
            } catch let error as HTTPClientError {
                return .failed(error.userMessage)
            } catch {
                return .failed("richiesta al servizio SMS non riuscita")
            }
        }
        return .failed("nessun mezzo configurato")
    }

    func run(_ command: String, input: String, to: String) -> Delivery {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        var environment = ProcessInfo.processInfo.environment
        environment["SPUNTA_TO"] = to
        process.environment = environment
        let stdin = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        do {
            try process.run()
        } catch {
            return .failed("comando «\(command)» non avviabile")
        }
        // The error output is drained while the command runs: a chatty command must not stall on a full pipe.
        let errors = ErrorText()
        let reader = Thread { errors.set(stderr.fileHandleForReading.readDataToEndOfFile()) }
        reader.start()
        // A command that exits without reading its input must not kill us with SIGPIPE; the throwing write
        // reports the broken pipe instead (the non-throwing FileHandle.write would trap).
        signal(SIGPIPE, SIG_IGN)
        try? stdin.fileHandleForWriting.write(contentsOf: Data(input.utf8))
        try? stdin.fileHandleForWriting.close()
        if exited.wait(timeout: .now() + configuration.commandTimeout) == .timedOut {
            process.terminate()
            if exited.wait(timeout: .now() + 5) == .timedOut { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            return .uncertain("il comando non ha finito entro \(Int(configuration.commandTimeout)) s ed è stato fermato: il messaggio può essere partito")
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let text = errors.text(waiting: 2)
            let detail = text.isEmpty ? "" : " (\(text.prefix(200)))"
            // The shell's own statuses for a program it could not run: say what to fix, not a number.
            switch process.terminationStatus {
            case 127:
                return .failed("comando non trovato: «\(command)» non si può avviare su questo server\(detail). Installare il "
                               + "programma (per l'e-mail un sendmail, es. il pacchetto msmtp-mta o postfix) o correggere "
                               + "--sendmail / --sms-command")
            case 126:
                return .failed("comando non eseguibile: «\(command)»\(detail). Controllarne i permessi o correggere "
                               + "--sendmail / --sms-command")
            default:
                return .failed("il comando è uscito con \(process.terminationStatus)" + (text.isEmpty ? "" : ": \(text.prefix(200))"))
            }
        }
        return .delivered
    }

    /// Puts an uncertain or failed message back in the queue (the operator checked it was not delivered).
    public static func retry(_ db: Database, id: Int64, actor: String, now: Date) throws -> Bool {
        try db.run("UPDATE outbox_message SET status = 'pending', next_attempt_at = ?, attempts = 0 WHERE id = ? AND status IN ('uncertain', 'failed')",
                   [UTCTime.string(now, fractional: true), id])
        guard db.changesCount > 0 else { return false }
        try AuditLog.record(db, actor: actor, action: "outbox_retry", subject: String(id), details: [:], at: now)
        return true
    }

    public struct Message: Encodable, Sendable {
        public let id: Int64
        public let kind: String
        public let channel: String
        public let recipient: String
        public let subject: String
        public let status: String
        public let attempts: Int
        public let lastError: String?
        public let createdAt: String
        public let sentAt: String?

        enum CodingKeys: String, CodingKey {
            case id, kind, channel, recipient, subject, status, attempts, lastError = "last_error", createdAt = "created_at", sentAt = "sent_at"
        }
    }

    public static func list(_ db: Database, status: String?) throws -> [Message] {
        var sql = "SELECT id, kind, channel, recipient, subject, status, attempts, last_error, created_at, sent_at FROM outbox_message"
        var args: StatementArguments = []
        if let status { sql += " WHERE status = ?"; args.append(status) }
        return try db.fetchAll(sql + " ORDER BY id", args).map { r in
            Message(id: try r[0], kind: try r[1], channel: try r[2], recipient: try r[3], subject: try r[4], status: try r[5],
                    attempts: try r[6], lastError: try r[7], createdAt: try r[8], sentAt: try r[9])
        }
    }
}

/// The error output of a command, filled by the thread that drains it.
private final class ErrorText: Sendable {
    private let data = Mutex(Data())
    /// Signalled once `data` holds the whole output.
    private let done = DispatchSemaphore(value: 0)

    func set(_ value: Data) {
        data.withLock { $0 = value }
        done.signal()
    }

    /// The text read so far, waiting up to `seconds` for the end of the output (a grandchild may keep it open).
    func text(waiting seconds: TimeInterval) -> String {
        _ = done.wait(timeout: .now() + seconds)
        return data.withLock { String(decoding: $0, as: UTF8.self) }.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
