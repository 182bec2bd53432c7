/// Why a request from the client failed, with what a field worker reads (Italian) and a stable code.
public enum HTTPClientError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidURL(String)
    case connectionRefused(String)
    case unreachable(String, reason: String)
    case timeout(String)
    case connectionClosed(String)
    case malformedResponse(String)
    case responseTooLarge(Int)

    public var code: String {
        switch self {
        case .invalidURL: return "invalid_url"
        case .connectionRefused: return "connection_refused"
        case .unreachable: return "unreachable"
        case .timeout: return "timeout"
        case .connectionClosed: return "connection_closed"
        case .malformedResponse: return "malformed_response"
        case .responseTooLarge: return "response_too_large"
        }
    }

    /// True when the server could not be reached at all (the device keeps working offline).
    public var isOffline: Bool {
        switch self {
        case .connectionRefused, .unreachable, .timeout, .connectionClosed: return true
        case .invalidURL, .malformedResponse, .responseTooLarge: return false
        }
    }

    /// What went wrong, and for a connection that failed what a device in service does about it: its work stays
    /// on it until the server is back.
    public var userMessage: String {
        isOffline ? "\(problem) Si continua offline; riprovare più tardi." : problem
    }

    /// What went wrong, alone: a device that is not enrolled yet has nothing to continue offline, and says so.
    public var problem: String {
        switch self {
        case .invalidURL(let url):
            if url.lowercased().hasPrefix("https://") {
                return "Indirizzo del server «\(url)»: spunta parla HTTP; per HTTPS usare il tunnel locale (stunnel) descritto nel README e indicare http://127.0.0.1:porta."
            }
            return "Indirizzo del server «\(url)» non valido: usare la forma http://nome-o-indirizzo:porta."
        case .connectionRefused(let host):
            return "Server non raggiungibile (connessione rifiutata da \(host))."
        case .unreachable(let host, let reason):
            return "Server \(host) non raggiungibile (\(reason))."
        case .timeout(let host):
            return "Il server \(host) non risponde in tempo."
        case .connectionClosed(let host):
            return "Connessione con \(host) interrotta."
        case .malformedResponse(let reason):
            return "Risposta del server non valida (\(reason)): verificare l'indirizzo del server."
        case .responseTooLarge(let bytes):
            return "Risposta del server troppo grande (\(bytes) byte)."
        }
    }

    public var description: String { userMessage }
}
