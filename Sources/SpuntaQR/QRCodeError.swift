/// Why a QR code cannot be made (errore del codice QR). It has the shape of the project's user-facing errors — a
/// stable `code` and an Italian `userMessage` — without depending on the module that declares them: the encoder
/// stands alone, and whoever draws the code says what the reader sees.
public enum QRCodeError: Error, Equatable, Sendable {
    /// The message does not fit the largest version allowed at the level asked for.
    case dataTooLong(bytes: Int, level: QRErrorCorrection, maximumVersion: Int)
    /// The versions asked for are not within 1...40.
    case invalidVersions(ClosedRange<Int>)

    public var code: String {
        switch self {
        case .dataTooLong: return "qr_data_too_long"
        case .invalidVersions: return "qr_invalid_versions"
        }
    }

    public var userMessage: String {
        switch self {
        case .dataTooLong(let bytes, let level, let maximumVersion):
            return "Contenuto del QR code troppo lungo: \(bytes) byte non entrano in un simbolo di versione \(maximumVersion) "
                + "con correzione \(level.letter). Accorciare il contenuto."
        case .invalidVersions(let versions):
            return "Versioni del QR code \(versions.lowerBound)–\(versions.upperBound) non valide: sono ammesse da 1 a 40."
        }
    }
}
