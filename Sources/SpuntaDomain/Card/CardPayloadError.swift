/// Why a scanned line was not accepted as a card. Each case has a stable `code` for the wire and an Italian
/// message for the person at the scanner, which says what to check.
public enum CardPayloadError: UserFacingError, Hashable, Sendable {
    /// Nothing but whitespace: the scanner sent an empty line.
    case empty
    /// Not a Spunta card at all.
    case wrongPrefix(looksLike: CardPayload.ForeignCode)
    /// Letters arrive lowercase: Caps Lock, or a scanner set to invert case.
    case lowercase
    /// `SPUNT…` followed by something other than `A1:`: the scanner types for another keyboard layout.
    /// `read` holds the first characters typed (never the id).
    case keyboardLayout(read: String)
    /// A payload of a later version, e.g. `SPUNTA2`.
    case unsupportedVersion(String)
    /// The scanner added characters before the payload.
    case leadingCharacters
    /// The id after the prefix has `length` characters instead of 25: a partial read, or two reads on one line.
    case wrongLength(length: Int)
    /// A character outside the id's alphabet; `position` is 1-based within the id after the prefix.
    case invalidCharacter(Character, position: Int)
    /// The check symbol does not match: a misread character or two swapped.
    case badCheck

    public var code: String {
        switch self {
        case .empty: return "empty"
        case .wrongPrefix: return "wrong_prefix"
        case .lowercase: return "lowercase"
        case .keyboardLayout: return "keyboard_layout"
        case .unsupportedVersion: return "unsupported_version"
        case .leadingCharacters: return "leading_characters"
        case .wrongLength: return "wrong_length"
        case .invalidCharacter: return "invalid_character"
        case .badCheck: return "bad_check"
        }
    }

    public var userMessage: String {
        switch self {
        case .empty:
            return "lettura vuota: il lettore non ha inviato nessun codice; riprovare"
        case let .wrongPrefix(looksLike):
            switch looksLike {
            case .productBarcode:
                return "letto il codice a barre di un prodotto, non una tessera: inquadrare il QR della tessera"
            case .webAddress:
                return "letto il QR di un indirizzo web, non una tessera: inquadrare il QR della tessera"
            case .fiscalCode:
                return "letto un codice fiscale (tessera sanitaria?), non una tessera Spunta: "
                    + "inquadrare il QR della tessera"
            case .unknown:
                return "codice non riconosciuto: non è una tessera Spunta; inquadrare il QR della tessera"
            }
        case .lowercase:
            return "tessera letta in minuscolo: disattivare il Blocco maiuscole (Caps Lock) della tastiera "
                + "e controllare l'impostazione del lettore, poi riprovare"
        case let .keyboardLayout(read):
            return "tastiera con layout diverso: controllare l'impostazione del lettore "
                + "(letto «\(ASCII.excerpt(read, limit: 8))» invece di «\(CardPayload.prefix)»)"
        case let .unsupportedVersion(version):
            return "tessera di una versione più recente (\(version)): aggiornare Spunta su questo dispositivo"
        case .leadingCharacters:
            return "il lettore aggiunge caratteri prima del codice della tessera: "
                + "togliere il prefisso nell'impostazione del lettore"
        case let .wrongLength(length):
            return "tessera non valida: letti \(length) caratteri invece di \(CardID.textLength), "
                + "lettura incompleta o doppia; riprovare"
        case let .invalidCharacter(character, position):
            return "tessera non valida: carattere «\(ASCII.visible(character))» non ammesso alla posizione "
                + "\(position) del codice, possibile errore di lettura; riprovare"
        case .badCheck:
            return "tessera non valida: carattere di controllo errato, possibile errore di lettura; riprovare"
        }
    }
}
