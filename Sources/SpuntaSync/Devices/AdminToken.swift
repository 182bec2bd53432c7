import Foundation
import SpuntaCrypto
import SpuntaServerStore
import SpuntaStore

/// The admin credential for the HTTP admin endpoints (credenziale di amministrazione). Only its hash is stored;
/// creating a new one replaces the old one.
public enum AdminToken {
    /// Creates a new admin token, stores its hash, and returns it (shown once).
    public static func create(_ db: Database, actor: String, now: Date) throws -> String {
        let token = try SecureToken.generate()
        try db.run("""
            INSERT INTO server_meta (key, value) VALUES ('admin_token_hash', ?)
            ON CONFLICT (key) DO UPDATE SET value = excluded.value
            """, [TokenHash.of(token)])
        try AuditLog.record(db, actor: actor, action: "admin_token_create", subject: "admin", details: [:], at: now)
        return token
    }

    public static func verify(_ db: Database, token: String) throws -> Bool {
        guard let stored: String = try db.scalar("SELECT value FROM server_meta WHERE key = 'admin_token_hash'") else { return false }
        return SecureToken.matches(token, storedHash: stored)
    }
}
