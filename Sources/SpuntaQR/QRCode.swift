/// Codice QR: a QR Code symbol (ISO/IEC 18004, Model 2) as a square of dark and light modules, without the quiet
/// zone. Made from text in the smallest version that holds it at the level asked for, with the mask that the
/// standard's penalty rules score lowest. Printed on pagoPA notices (level M) for the payer's app to scan, and on
/// the children's cards for the handhelds' scanners.
public struct QRCode: Sendable, Equatable {
    /// The version: the symbol is `version.size` modules a side.
    public let version: QRVersion
    /// The error-correction level.
    public let errorCorrection: QRErrorCorrection
    /// The data mask applied.
    public let mask: QRMask
    /// Dark (true) or light, row after row from the top-left corner.
    let modules: [Bool]

    /// Modules a side, without the quiet zone.
    public var size: Int { version.size }

    /// Whether the module in column `x`, row `y` (from the top-left corner, both 0..<size) is dark.
    public subscript(x: Int, y: Int) -> Bool { modules[y * size + x] }

    /// Encodes `text` (its UTF-8 bytes; digits and capitals in the denser modes where that saves room).
    /// - Parameters:
    ///   - versions: the versions to try, smallest first; the first that holds the text is used.
    ///   - mask: a fixed mask instead of the one the penalty rules choose.
    /// - Throws: `QRCodeError.dataTooLong` when no version in `versions` holds the text.
    public init(encoding text: String, errorCorrection: QRErrorCorrection = .medium, versions: ClosedRange<Int> = QRVersion.all,
                mask: QRMask? = nil) throws(QRCodeError) {
        try self.init(encoding: Array(text.utf8), errorCorrection: errorCorrection, versions: versions, mask: mask)
    }

    /// Encodes `bytes`, as `init(encoding:errorCorrection:versions:mask:)` for text. No ECI header is written:
    /// readers take byte-mode data as ISO-8859-1 or guess UTF-8, and a pagoPA payload is plain ASCII.
    public init(encoding bytes: [UInt8], errorCorrection: QRErrorCorrection = .medium, versions: ClosedRange<Int> = QRVersion.all,
                mask: QRMask? = nil) throws(QRCodeError) {
        guard QRVersion.all.contains(versions.lowerBound), QRVersion.all.contains(versions.upperBound) else {
            throw .invalidVersions(versions)
        }
        // The best split depends only on the width of the count fields, which changes at versions 10 and 27.
        var segmentations: [Int: [QRSegment]] = [:]
        for number in versions {
            guard let version = QRVersion(number) else { continue }
            let band = version.countBits(.byte) + version.countBits(.numeric)
            let segments = segmentations[band] ?? QRSegmenter.segments(bytes, version: version)
            segmentations[band] = segments
            if let data = QRCodewords.data(segments, version: version, level: errorCorrection) {
                self.init(data: data, version: version, errorCorrection: errorCorrection, mask: mask)
                return
            }
        }
        throw .dataTooLong(bytes: bytes.count, level: errorCorrection, maximumVersion: versions.upperBound)
    }

    /// The symbol for data codewords that already fill `version` at `errorCorrection`.
    init(data: [UInt8], version: QRVersion, errorCorrection: QRErrorCorrection, mask: QRMask?) {
        var unmasked = QRMatrix(version: version)
        unmasked.placeCodewords(QRCodewords.interleave(QRCodewords.blocks(data, version: version, level: errorCorrection)))
        func masked(_ mask: QRMask) -> QRMatrix {
            var matrix = unmasked
            matrix.apply(mask)
            matrix.drawFormatInformation(QRFormatInformation.formatBits(errorCorrection, mask: mask))
            return matrix
        }
        var chosen = mask ?? .m0
        var symbol = masked(chosen)
        if mask == nil {
            var lowest = QRPenalty.score(size: symbol.size, dark: symbol.dark)
            for candidate in QRMask.allCases.dropFirst() {
                let matrix = masked(candidate)
                let score = QRPenalty.score(size: matrix.size, dark: matrix.dark)
                if score < lowest {
                    (lowest, chosen, symbol) = (score, candidate, matrix)
                }
            }
        }
        self.version = version
        self.errorCorrection = errorCorrection
        self.mask = chosen
        modules = symbol.dark
    }
}
