import Foundation
import SpuntaProtocol
import SpuntaStore
import SpuntaSync

extension SyncService {
    /// A revoked device's push or pull is refused (`403 device_revoked`), but what it says waits on it
    /// (`Spunta-Device-Backlog`) is kept, before the answer leaves: the admin's listing shows what the revoked
    /// handheld still holds — a child left aboard, the meals of a morning — and so whether to reinstate it.
    func noteRevoked(authorization: String?, backlog header: String?) async {
        guard let token = Self.bearer(authorization), let report = backlog(header) else { return }
        let sentAt = clock()
        do {
            _ = try await writer.submit { db in
                try DeviceRegistry.recordRevokedBacklog(db, token: token, report, sentAt: sentAt)
                return ((), Set<String>())
            }
        } catch {
            log("arretrato riferito da un dispositivo revocato non registrato: \(error)")
        }
    }
}
