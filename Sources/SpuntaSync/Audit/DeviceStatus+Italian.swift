import Foundation
import SpuntaDomain

/// A device's status in the words of the device table, shared by `spunta-server devices` and the web page so
/// that both say the same thing.
extension AdminQueries.DeviceStatus {
    /// "3 h fa", or "mai".
    public var seenItalian: String {
        secondsSinceSeen.map(ItalianTime.ago(seconds:)) ?? "mai"
    }

    /// What waits on the device and how long the oldest has waited: "12 (attesa 45 min)", "0", or "—" when the device
    /// never said (an older app, or not yet enrolled). A revoked device's count is "sconosciuto" until it reports
    /// after its revocation (its refused requests still carry the report): what it said before is not what it holds
    /// now. Short: it is a cell of the device table.
    public var pendingItalian: String {
        if revoked, backlog.map({ $0.reportedAt < (revokedAt ?? "") }) ?? true { return "sconosciuto" }
        guard let backlog else { return "—" }
        guard backlog.pendingOps > 0 else { return "0" }
        let age = backlog.oldestPendingAgeSeconds.map { " (attesa \(ItalianTime.duration(seconds: $0)))" } ?? ""
        return "\(backlog.pendingOps)\(age)"
    }

    /// Ops received, and refused among them: "120 (1 rifiutate)" — the refused ones are in `audit --rejected`.
    public var opsItalian: String {
        opsRejected > 0 ? "\(opsReceived) (\(opsRejected) rifiutate)" : String(opsReceived)
    }

    /// "-1 h", "+12 s", or "—" when never measured.
    public var clockItalian: String {
        clockOffsetMs.map(ItalianTime.offset(milliseconds:)) ?? "—"
    }

    /// The reasons of its state and the last errors, server's and device's, with their local time — each only while
    /// it is the latest thing that happened to the device: an error a good sync followed is history (kept in `--json`
    /// and in the audit trail), and shown here it would send the admin after a handheld that works.
    public var notesItalian: String {
        var notes = reasons.map(\.message)
        if let error = lastError, blockedReasonless(error), !syncedAfter(lastErrorAt) {
            let when = lastErrorAt.map { " (\(ItalianTime.dateTime(stored: $0)))" } ?? ""
            notes.append("errore al server: \(error)\(when)")
        }
        if let backlog, let error = backlog.lastError, !syncedAfter(backlog.lastErrorAt) {
            let when = backlog.lastErrorAt.map { " (\(ItalianTime.dateTime(stored: $0)))" } ?? ""
            notes.append("errore sul dispositivo: \(error)\(when)")
        }
        return notes.joined(separator: "; ")
    }

    /// Whether a push or a pull succeeded after `instant` (an error's time as stored). An error without a time is
    /// never taken as followed by one.
    func syncedAfter(_ instant: String?) -> Bool {
        guard let error = instant.flatMap({ UTCTime.date($0) }) else { return false }
        return [lastPushAt, lastPullAt].contains { $0.flatMap({ UTCTime.date($0) }).map { $0 > error } ?? false }
    }

    /// The blocked reason already reads among the reasons; its raw text is not repeated.
    private func blockedReasonless(_ error: String) -> Bool {
        !error.hasPrefix("bloccato: ")
    }
}

extension [AdminQueries.DeviceStatus] {
    /// "12 dispositivi: 10 ok, 1 da controllare, 1 silenzioso"; "6 dispositivi: 6 silenziosi"; "1 dispositivo: 1 ok".
    public var stateSummaryItalian: String {
        let counts = DeviceHealth.State.allCases.compactMap { state -> String? in
            let n = filter { $0.state == state }.count
            return n == 0 ? nil : state.italian(count: n)
        }
        return Counted.italian(count, "dispositivo", "dispositivi") + (counts.isEmpty ? "" : ": " + counts.joined(separator: ", "))
    }
}
