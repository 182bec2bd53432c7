import SpuntaDomain
import SpuntaExchange
import SpuntaStore

/// Tessere dell'ufficio: the cards the office issued or revoked with `spunta-server cards` (a card printed for a child
/// who had none, a lost card replaced). The Comune's files do not know of them — its cards section lists a child's
/// cards as the Comune last saw them, the lost card still active and the new one missing — so for these cards the
/// office's record wins: an import with a cards section keeps each of them as it is stored, and its summary names
/// every one the files would have changed or removed. Cards the office never touched stay the files' to change.
public enum OfficeCards {
    /// A card of the office's record that the files would have changed or removed, kept as stored.
    public struct Kept: Codable, Sendable, Equatable {
        /// What the office last did to the card.
        public enum Action: String, Codable, Sendable {
            case issued, revoked
        }

        /// What the files said of the card.
        public enum InFiles: String, Codable, Sendable {
            /// Not listed: the import would have removed it.
            case leftOut = "left_out"
            /// Listed as active, while the office revoked it.
            case active
            /// Listed as revoked, while the office's card is active (or revoked on another day).
            case revoked
            /// Listed for another child.
            case otherChild = "other_child"
            /// Listed with another issue day.
            case otherDates = "other_dates"
        }

        public let cardId: String
        public let beneficiaryId: String
        public let action: Action
        /// The day of `action` (issued or revoked), in Europe/Rome.
        public let on: String
        public let inFiles: InFiles

        enum CodingKeys: String, CodingKey {
            case cardId = "card_id", beneficiaryId = "beneficiary_id", action, on, inFiles = "in_files"
        }

        /// "R9DB… (B0007): revocata dall'ufficio il 20/11/2026; nel file è attiva: resta revocata".
        public var italian: String {
            let day = LocalDate(on)?.italian ?? on
            let did = action == .revoked ? "revocata dall'ufficio il \(day)" : "emessa dall'ufficio il \(day)"
            let state = action == .revoked ? "resta revocata" : "resta attiva"
            let files: String
            switch inFiles {
            case .leftOut: files = "assente dal file: resta in archivio"
            case .active: files = "nel file è attiva: \(state)"
            case .revoked: files = "nel file è revocata: \(state)"
            case .otherChild: files = "nel file è di un altro bambino: resta di \(beneficiaryId)"
            case .otherDates: files = "nel file ha un'altra data di emissione: \(state)"
            }
            return "\(cardId) (\(beneficiaryId)): \(did); \(files)"
        }
    }

    /// Puts back into `final` (the master data after the files) every card of the office's record as it is stored,
    /// and returns those the files had changed or left out, by card id. The cards of a child the files remove go with
    /// the child: a card has no use without its child, and keeping it would refuse the removal.
    static func keep(in final: inout MasterDataSet, _ db: Database) throws -> [Kept] {
        let children = Set(final.beneficiaries.map(\.id))
        var index: [String: Int] = [:]
        for (position, card) in final.cards.enumerated() { index[card.id] = position }
        var kept: [Kept] = []
        for row in try db.fetchAll("""
            SELECT \(Card.columns), revoked_at IS NOT NULL FROM card
            WHERE deleted = 0 AND (issued_at IS NOT NULL OR revoked_at IS NOT NULL) ORDER BY id
            """) {
            let stored = try Card(row: row)
            let revokedHere: Bool = try row[Card.columnNames.count]
            guard children.contains(stored.beneficiaryId) else { continue }
            let inFiles: Kept.InFiles
            if let position = index[stored.id] {
                let listed = final.cards[position]
                guard listed != stored else { continue }
                if listed.beneficiaryId != stored.beneficiaryId {
                    inFiles = .otherChild
                } else if listed.revokedOn != stored.revokedOn {
                    inFiles = listed.revokedOn == nil ? .active : .revoked
                } else {
                    inFiles = .otherDates
                }
                final.cards[position] = stored
            } else {
                inFiles = .leftOut
                final.cards.append(stored)
            }
            let action: Kept.Action = revokedHere ? .revoked : .issued
            let day = (revokedHere ? stored.revokedOn : nil) ?? stored.issuedOn
            kept.append(Kept(cardId: stored.id, beneficiaryId: stored.beneficiaryId, action: action, on: day.description, inFiles: inFiles))
        }
        return kept
    }
}
