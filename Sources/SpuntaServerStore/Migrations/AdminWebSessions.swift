import SpuntaStore

/// Sessions of the admin web page: the cookie holds a random id, the table only its hash, the token every form of
/// the session carries, who signed in, and when the session ends. A session starts unsigned (the login form
/// needs its token too) and is replaced by a new one at login.
enum AdminWebSessions {
    static func apply(_ db: Database) throws {
        try db.execute("""
            CREATE TABLE admin_session (
                id_hash TEXT PRIMARY KEY,
                form_token TEXT NOT NULL,
                signed_in INTEGER NOT NULL DEFAULT 0,
                actor TEXT,
                created_at TEXT NOT NULL,
                expires_at TEXT NOT NULL
            ) STRICT;
            CREATE INDEX admin_session_expiry ON admin_session(expires_at);
            """)
    }
}
