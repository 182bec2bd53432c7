import Foundation
import SpuntaCLI
import SpuntaDomain
import SpuntaHTTP
import SpuntaServer
import SpuntaServerStore
import Synchronization

/// `spunta-server serve`: the sync server, until SIGINT or SIGTERM.
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Avvia il server di sincronizzazione per i dispositivi del Comune.",
        discussion: """
            Ascolta su 127.0.0.1:8080 se non indicato altrimenti; per la rete della scuola mettere davanti un \
            reverse proxy con TLS (vedere il README). Si ferma con Ctrl-C o SIGTERM dopo aver concluso le \
            richieste in corso. --listen 127.0.0.1:0 sceglie una porta libera e la stampa.
            """
    )

    @OptionGroup var database: DatabaseOption
    @Option(valueName: "host:porta", help: "Indirizzo e porta di ascolto.")
    var listen = "127.0.0.1:8080"
    @Option(name: "access-log", valueName: "file", help: "Registro degli accessi: un file, «-» per lo standard error, «off» per nessuno.")
    var accessLog = "-"
    @Option(name: "max-connections", valueName: "numero", help: "Connessioni contemporanee al massimo.")
    var maxConnections = 4096
    @Option(name: "trusted-proxy", valueName: "indirizzo",
            help: "Reverse proxy fidato: per le sue richieste il client è l'ultimo indirizzo di X-Forwarded-For.")
    var trustedProxy: [String] = []
    @Option(name: "alert-interval", valueName: "secondi", help: "Ogni quanti secondi controllare gli avvisi all'ufficio; 0 per lasciarlo a cron (alerts check).")
    var alertInterval = 60

    var hostAndPort: (String, Int)? {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]), (0...65_535).contains(port)
        else { return nil }
        let host = String(listen[..<colon])
        return host.isEmpty ? nil : (host, port)
    }

    mutating func validate() throws {
        guard hostAndPort != nil else { throw ValidationError("--listen «\(listen)» non valido: usare host:porta, es. 127.0.0.1:8080.") }
        guard maxConnections > 0 else { throw ValidationError("--max-connections deve essere positivo.") }
        for address in trustedProxy {
            var ipv4 = in_addr()
            var ipv6 = in6_addr()
            guard inet_pton(AF_INET, address, &ipv4) == 1 || inet_pton(AF_INET6, address, &ipv6) == 1 else {
                throw ValidationError("--trusted-proxy «\(address)» non valido: indicare l'indirizzo IP del proxy, es. 127.0.0.1.")
            }
        }
        guard (0...3_600).contains(alertInterval) else { throw ValidationError("--alert-interval va da 0 (nessun controllo) a 3600 secondi.") }
    }

    func run(_ context: CommandContext) async throws {
        guard let (host, port) = hostAndPort else { return }
        var configuration = HTTPServer.Configuration(host: host, port: port)
        configuration.maxConnections = maxConnections
        var logLine: (@Sendable (AccessLogEntry) -> Void)?
        if let writer = try AccessLogWriter.make(accessLog) {
            logLine = { entry in writer.write(entry.line) }
        }
        // Held as long as the process lives (the kernel drops it at any end): restore refuses while it is held.
        let lock: ArchiveLock
        do {
            lock = try ArchiveLock.serving(databasePath: database.path)
        } catch ArchiveLock.LockError.unavailable(let path, let reason) {
            throw ServeError.lockUnavailable(path, reason)
        } catch {
            throw ServeError.restoring(database.path)
        }
        defer { withExtendedLifetime(lock) {} }
        var settings = SyncService.Settings()
        settings.trustedProxies = Set(trustedProxy)
        let server = try SyncServer(databasePath: database.path, configuration: configuration, settings: settings, accessLog: logLine,
                                    alertInterval: alertInterval == 0 ? nil : .seconds(alertInterval))
        let bound: Int
        do {
            bound = try server.start()
        } catch {
            if let failure = error as? HTTPServer.BindFailure, failure.addressInUse { throw ServeError.addressInUse(listen) }
            throw ServeError.cannotListen(listen, "\(error)")
        }
        context.print("Spunta server in ascolto su http://\(host):\(bound) (archivio \(database.path), epoca \(server.service.epoch.prefix(8)))")
        context.print("Pagina di amministrazione: http://\(host):\(bound)/admin")
        let signal = await SyncServer.terminationSignal()
        context.printError("Ricevuto segnale \(signal): concludo le richieste in corso…")
        server.stop()
        context.print("Server fermato.")
    }
}

/// Why `serve` did not start; what the operator reads (a ReportableError, so that it is not «Errore imprevisto»).
enum ServeError: ReportableError, CustomStringConvertible {
    case addressInUse(String)
    case cannotListen(String, String)
    case accessLogUnwritable(String)
    case restoring(String)
    case lockUnavailable(String, String)

    var userMessage: String { description }
    var exitCode: ExitCode { .failure }

    var description: String {
        switch self {
        case .addressInUse(let address):
            return "L'indirizzo \(address) è già in uso: forse un altro spunta-server è già avviato (fermarlo, o lasciare quello); "
                + "altrimenti scegliere un'altra porta con --listen (es. --listen 127.0.0.1:0 ne sceglie una libera)."
        case .cannotListen(let address, let reason):
            return "impossibile ascoltare su \(address) (\(reason)): controllare l'indirizzo e la porta indicati con --listen."
        case .accessLogUnwritable(let path):
            return "impossibile scrivere il registro degli accessi \(path): indicare con --access-log un file che l'utente del servizio "
                + "può scrivere, «-» per lo standard error o «off»."
        case .restoring(let path):
            return "l'archivio \(path) si sta ripristinando (spunta-server restore): avviare il server quando il ripristino è finito."
        case .lockUnavailable(let path, let reason):
            return "impossibile aprire il file \(path) (\(reason)): deve poterlo scrivere l'utente del servizio "
                + "(sudo chown spunta:spunta \(path))."
        }
    }
}

/// Writes access-log lines to a file or standard error, one whole line at a time.
final class AccessLogWriter: Sendable {
    private let handle: Mutex<FileHandle>

    /// nil for `off`.
    static func make(_ destination: String) throws -> AccessLogWriter? {
        switch destination {
        case "off": return nil
        case "-": return AccessLogWriter(handle: .standardError)
        default:
            // A new log is for the server's user only (it names the addresses of the devices), whatever the umask.
            var fd = open(destination, O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            if fd >= 0, fchmod(fd, 0o600) != 0 {
                close(fd)
                fd = -1
            } else if fd < 0, errno == EEXIST {
                fd = open(destination, O_WRONLY | O_APPEND | O_CLOEXEC)
            }
            guard fd >= 0 else {
                throw ServeError.accessLogUnwritable(destination)
            }
            return AccessLogWriter(handle: FileHandle(fileDescriptor: fd, closeOnDealloc: true))
        }
    }

    private init(handle: FileHandle) {
        self.handle = Mutex(handle)
    }

    func write(_ line: String) {
        handle.withLock { $0.write(Data((UTCTime.string(Date(), fractional: true) + " " + line + "\n").utf8)) }
    }
}
