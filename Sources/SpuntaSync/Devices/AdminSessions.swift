import Foundation
import SpuntaCrypto
import SpuntaDomain
import SpuntaServerStore
import SpuntaStore

/// Sessioni della pagina di amministrazione: server-side rows behind an opaque random id that the browser keeps
/// in an HttpOnly cookie. The table holds only the id's hash, so a copy of the database opens no session. Every
/// session has a form token that each form of the page carries back (a form posted from another site has none).
/// A session starts unsigned, for the login form; signing in with the admin credential replaces it with a new
/// id, so an id seen before login is worth nothing after.
public enum AdminSessions {
    /// How long a session lasts from its start; the page refreshes itself, so it is not extended by use.
    public static let lifetime: TimeInterval = 8 * 3_600

    public struct Session: Sendable, Equatable {
        public let formToken: String
        public let signedIn: Bool
        public let actor: String?
        public let expiresAt: Date
    }

    public enum SignInError: UserFacingError, Equatable {
        case wrongCredential
        case staleForm

        public var code: String {
            switch self {
            case .wrongCredential: return "wrong_credential"
            case .staleForm: return "stale_form"
            }
        }

        public var userMessage: String {
            switch self {
            case .wrongCredential:
                return "Credenziale non valida: usare l'ultima creata sul server con il comando qui sotto."
            case .staleForm:
                return "Modulo scaduto o aperto da un'altra pagina: ricaricare la pagina e riprovare."
            }
        }
    }

    /// A new unsigned session; returns the id for the cookie. Expired sessions are removed on the way.
    public static func start(_ db: Database, now: Date) throws -> (id: String, session: Session) {
        try db.run("DELETE FROM admin_session WHERE expires_at < ?", [UTCTime.string(now, fractional: true)])
        return try insert(db, signedIn: false, actor: nil, now: now)
    }

    private static func insert(_ db: Database, signedIn: Bool, actor: String?, now: Date) throws -> (id: String, session: Session) {
        let id = try SecureToken.generate()
        let form = try SecureToken.generate()
        let expires = now.addingTimeInterval(lifetime)
        try db.run("""
            INSERT INTO admin_session (id_hash, form_token, signed_in, actor, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)
            """, [TokenHash.of(id), form, signedIn ? 1 : 0, actor, UTCTime.string(now, fractional: true), UTCTime.string(expires, fractional: true)])
        return (id, Session(formToken: form, signedIn: signedIn, actor: actor, expiresAt: expires))
    }

    /// The live session of a cookie id; nil when unknown or expired.
    public static func find(_ db: Database, id: String, now: Date) throws -> Session? {
        guard !id.isEmpty, let row = try db.fetchOne(
            "SELECT form_token, signed_in, actor, expires_at FROM admin_session WHERE id_hash = ?", [TokenHash.of(id)]
        ) else { return nil }
        guard let expires = UTCTime.date(try row[3] as String), expires > now else { return nil }
        return Session(formToken: try row[0], signedIn: (try row[1] as Int) != 0, actor: try row[2], expiresAt: expires)
    }

    /// Whether a posted form token is the session's own.
    public static func formMatches(_ session: Session, _ posted: String?) -> Bool {
        guard let posted else { return false }
        return ConstantTime.equals(session.formToken, posted)
    }

    /// Signs in: the login form's session and token, and the admin credential. The old session is removed and a
    /// new signed-in one returned; the login goes into the audit trail under the name given.
    public static func signIn(
        _ db: Database, sessionID: String, formToken: String?, credential: String, actor: String, now: Date
    ) throws -> (id: String, session: Session) {
        guard let session = try find(db, id: sessionID, now: now), formMatches(session, formToken) else { throw SignInError.staleForm }
        guard try AdminToken.verify(db, token: credential.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw SignInError.wrongCredential
        }
        try db.run("DELETE FROM admin_session WHERE id_hash = ?", [TokenHash.of(sessionID)])
        let who = actor.trimmingCharacters(in: .whitespacesAndNewlines)
        let name = who.isEmpty ? "amministratore (pagina web)" : String(who.prefix(80))
        let signed = try insert(db, signedIn: true, actor: name, now: now)
        try AuditLog.record(db, actor: name, action: "admin_login", subject: "web", details: [:], at: now)
        return signed
    }

    /// Ends a session (logout), if the form is the session's own.
    public static func signOut(_ db: Database, sessionID: String, formToken: String?, now: Date) throws {
        guard let session = try find(db, id: sessionID, now: now), formMatches(session, formToken) else { throw SignInError.staleForm }
        try db.run("DELETE FROM admin_session WHERE id_hash = ?", [TokenHash.of(sessionID)])
        if session.signedIn {
            try AuditLog.record(db, actor: session.actor ?? "amministratore", action: "admin_logout", subject: "web", details: [:], at: now)
        }
    }
}
