import Foundation
import Testing
import SpuntaServerStore
import SpuntaStore
@testable import SpuntaSync

@Suite("Sessions of the admin page")
struct AdminSessionsTests {
    @Test("login needs the form's token and the admin credential; it replaces the session, logout ends it")
    func lifecycle() throws {
        let f = try SyncFixture()
        let now = SyncFixture.now
        let credential = try f.queue.write { db in try AdminToken.create(db, actor: "mrossi", now: now) }
        let (loginID, login) = try f.queue.write { db in try AdminSessions.start(db, now: now) }
        #expect(try f.queue.read { try AdminSessions.find($0, id: loginID, now: now) }?.signedIn == false)

        #expect(throws: AdminSessions.SignInError.wrongCredential) {
            try f.queue.write { db in
                try AdminSessions.signIn(db, sessionID: loginID, formToken: login.formToken, credential: "indovinata", actor: "x", now: now)
            }
        }
        #expect(throws: AdminSessions.SignInError.staleForm) {
            try f.queue.write { db in
                try AdminSessions.signIn(db, sessionID: loginID, formToken: "da un altro sito", credential: credential, actor: "x", now: now)
            }
        }
        let (id, session) = try f.queue.write { db in
            try AdminSessions.signIn(db, sessionID: loginID, formToken: login.formToken, credential: credential + "\n", actor: " lbianchi ", now: now)
        }
        #expect(id != loginID)
        #expect(session.signedIn && session.actor == "lbianchi")
        #expect(session.formToken != login.formToken)
        #expect(try f.queue.read { try AdminSessions.find($0, id: loginID, now: now) } == nil, "the id seen before login opens nothing")
        #expect(try f.queue.read { try AdminSessions.find($0, id: id, now: now.addingTimeInterval(7 * 3_600)) }?.signedIn == true)
        #expect(try f.queue.read { try AdminSessions.find($0, id: id, now: now.addingTimeInterval(8 * 3_600 + 1)) } == nil, "expired")
        #expect(try f.queue.read { db in
            try db.scalar("SELECT COUNT(*) FROM admin_session WHERE id_hash = ?", [id]) as Int?
        } == 0, "only the id's hash is stored")

        #expect(throws: AdminSessions.SignInError.staleForm) {
            try f.queue.write { db in try AdminSessions.signOut(db, sessionID: id, formToken: login.formToken, now: now) }
        }
        try f.queue.write { db in try AdminSessions.signOut(db, sessionID: id, formToken: session.formToken, now: now) }
        #expect(try f.queue.read { try AdminSessions.find($0, id: id, now: now) } == nil)
        let trail = try f.queue.read { db in
            try db.fetchAll("SELECT actor, action FROM audit_log WHERE action LIKE 'admin_log%' ORDER BY id").map { "\(try $0[0] as String) \(try $0[1] as String)" }
        }
        #expect(trail == ["lbianchi admin_login", "lbianchi admin_logout"])
    }
}
