import SpuntaDomain

/// Why a card action was refused (errore delle tessere). Nothing was changed; the message names what was wrong and
/// where to look it up.
public enum CardError: UserFacingError, HintingError, Equatable {
    case unknownClass(String)
    case unknownSite(String)
    case unknownRoute(String)
    case unknownChild(String)
    /// The selection holds no child: an empty class, a route nobody is enrolled on.
    case nobodySelected(String)
    /// `reissue` without a reason: the audit trail must say why a card was replaced.
    case missingReason
    /// The QR code of a card could not be drawn (it cannot happen with a `SPUNTA1:` payload, which is 33
    /// characters; said rather than printing a card without its code).
    case qrCode(String)

    public var code: String {
        switch self {
        case .unknownClass: return "unknown_class"
        case .unknownSite: return "unknown_site"
        case .unknownRoute: return "unknown_route"
        case .unknownChild: return "unknown_child"
        case .nobodySelected: return "nobody_selected"
        case .missingReason: return "missing_reason"
        case .qrCode: return "qr_code"
        }
    }

    public var userMessage: String { hintedMessage.description }

    public var hintedMessage: HintedText {
        switch self {
        case .unknownClass(let id):
            return "classe «\(id)» sconosciuta: controllare l'identificativo con \(CommandHint.server("list", "classes"))."
        case .unknownSite(let id):
            return "plesso «\(id)» sconosciuto: controllare l'identificativo con \(CommandHint.server("list", "sites"))."
        case .unknownRoute(let id):
            return "linea «\(id)» sconosciuta: controllare l'identificativo con \(CommandHint.server("list", "routes"))."
        case .unknownChild(let id):
            return "bambino «\(id)» sconosciuto: controllare l'identificativo con \(CommandHint.server("list", "beneficiaries", arguments: ["--search", "NOME"]))."
        case .nobodySelected(let what):
            return "nessun bambino in \(what): nessuna tessera da stampare."
        case .missingReason:
            return "manca il motivo: indicare perché la tessera viene sostituita, es. --reason \"smarrita\"."
        case .qrCode(let message):
            return "codice QR della tessera non disegnabile: \(message)"
        }
    }
}
