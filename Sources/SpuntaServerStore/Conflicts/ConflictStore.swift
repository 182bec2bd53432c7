import Foundation
import SpuntaDomain
import SpuntaStore

/// Conflitti: disagreements the merge cannot decide for a person, kept until someone reviews them.
///
/// A conflict is keyed by kind and subject, so recomputing the same fact never opens it twice. It exists
/// while the disagreement exists and goes away when later ops remove it (e.g. the co-teacher corrects the
/// mark); an operator closes it with a resolution, which the conflict and the audit trail keep.
public enum ConflictStore {
    public enum Kind: String, CaseIterable, Sendable {
        /// Co-teachers (or devices) recorded different marks for the same child and day.
        case attendanceDisagreement = "attendance_disagreement"
        /// Absent in the register, yet a meal was recorded.
        case absentButAte = "absent_but_ate"
        /// Boarded the bus and never scanned off by the end of the route.
        case boardedNotAlighted = "boarded_not_alighted"
        /// The register and the canteen scans disagree on a meal (billing basis "both").
        case registerScanMismatch = "register_scan_mismatch"
        /// A device's clock is so far off that an op's date is doubtful.
        case clockSkew = "clock_skew"
        /// A child scanned on a bus route he is not enrolled on that day: the ride is kept and billed only if the
        /// office decides so when resolving (`decision` bill / no_bill).
        case rideNotEnrolled = "ride_not_enrolled"

        public var italian: String {
            switch self {
            case .attendanceDisagreement: return "appello discordante"
            case .absentButAte: return "assente ma ha mangiato"
            case .boardedNotAlighted: return "salito ma mai sceso"
            case .registerScanMismatch: return "registro e mensa non coincidono"
            case .clockSkew: return "orologio del dispositivo sbagliato"
            case .rideNotEnrolled: return "sullo scuolabus senza iscrizione alla linea"
            }
        }
    }

    /// Opens (or refreshes) a conflict. Returns true when it is open afterwards.
    @discardableResult
    public static func raise(
        _ db: Database, kind: Kind, subject: String, beneficiary: String?, date: LocalDate?, details: [String: any Sendable],
        at now: Date
    ) throws -> Bool {
        let json = try JSONObjectText.sortedText(details)
        if let existing = try ConflictRecord.find(db, kind: kind.rawValue, subject: subject) {
            if existing.details == json { return existing.isOpen }
            try ConflictRecord.reopen(db, kind: kind.rawValue, subject: subject, details: json)
        } else {
            try ConflictRecord(
                kind: kind.rawValue, subject: subject, beneficiaryId: beneficiary, businessDate: date?.description, details: json,
                status: "open", openedAt: UTCTime.string(now, fractional: true)
            ).insert(db)
        }
        return true
    }

    /// Forgets an open conflict whose disagreement no longer exists (a later op settled it before anyone
    /// reviewed it), so that the conflicts are a function of the ops alone, whatever their arrival order.
    /// Conflicts an operator resolved stay, with their resolution.
    public static func settle(_ db: Database, kind: Kind, subject: String, at now: Date) throws {
        try db.run("DELETE FROM conflict WHERE kind = ? AND subject = ? AND status = 'open'", [kind.rawValue, subject])
    }

    public static func isOpen(_ db: Database, kind: Kind, subject: String) throws -> Bool {
        try db.scalar("SELECT 1 FROM conflict WHERE kind = ? AND subject = ? AND status = 'open'", [kind.rawValue, subject]) ?? false
    }
}
