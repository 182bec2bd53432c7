import Foundation
import SpuntaCrypto
import SpuntaServerStore
import SpuntaStore

/// The admin credential for the HTTP admin endpoints (credenziale di amministrazione). Only its hash is stored;
/// creating a new one replaces the old one.
public enum AdminToken {
    /// Creates a new admin token, stores its hash, and returns it (shown once).
    public static func create(_ db: Database, actor: String, now: Date) throws -> String {
        try replace(db, actor: actor, now: now).token
    }

    /// Creates a new admin token in place of the old one and ends every signed-in session of the status page, in the
    /// same transaction: all of them were opened with an older credential, and a credential is replaced because it
    /// leaked or its holder left, so what it opened closes now, not when its 8 hours run out. Returns the token
    /// (shown once) and how many sessions ended.
    public static func replace(_ db: Database, actor: String, now: Date) throws -> (token: String, sessionsEnded: Int) {
        let token = try SecureToken.generate()
        try db.run("""
            INSERT INTO server_meta (key, value) VALUES ('admin_token_hash', ?)
            ON CONFLICT (key) DO UPDATE SET value = excluded.value
            """, [TokenHash.of(token)])
        try db.run("DELETE FROM admin_session WHERE signed_in = 1")
        let ended = db.changesCount
        try AuditLog.record(db, actor: actor, action: "admin_token_create", subject: "admin", details: ["sessions_ended": ended], at: now)
        return (token, ended)
    }

    public static func verify(_ db: Database, token: String) throws -> Bool {
        guard let stored: String = try db.scalar("SELECT value FROM server_meta WHERE key = 'admin_token_hash'") else { return false }
        return SecureToken.matches(token, storedHash: stored)
    }
}
