import Testing
@testable import SpuntaMarkup
@testable import SpuntaQR
@testable import SpuntaTestSupport

@Suite("QR code (ISO/IEC 18004)")
struct QRCodeTests {
    static let pagoPA = "PAGOPA|002|301000000001234519|12345678901|5000"

    static func decode(_ code: QRCode) throws -> QRTestDecoder.Decoded {
        try QRTestDecoder.decode(size: code.size) { code[$0, $1] }
    }

    @Test("the standard's worked example: 01234567 at 1-M gives the published data and error-correction codewords")
    func workedExample() throws {
        let version = try #require(QRVersion(1))
        let segments = QRSegmenter.segments(Array("01234567".utf8), version: version)
        #expect(segments == [QRSegment(mode: .numeric, bytes: Array("01234567".utf8))])
        let data = try #require(QRCodewords.data(segments, version: version, level: .medium))
        let expectedData: [UInt8] = [0x10, 0x20, 0x0C, 0x56, 0x61, 0x80, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11]
        #expect(data == expectedData)
        let blocks = QRCodewords.blocks(data, version: version, level: .medium)
        #expect(blocks.count == 1)
        #expect(blocks.first?.errorCorrection == [0xA5, 0x24, 0xD4, 0xC1, 0xED, 0x36, 0xC7, 0x87, 0x2C, 0x55])
        for mask in QRMask.allCases {
            let code = try QRCode(encoding: "01234567", versions: 1...1, mask: mask)
            #expect(try Self.decode(code).dataCodewords == expectedData, "mask \(mask.rawValue)")
        }
    }

    @Test("generator polynomials are those of Annex A", arguments: [
        (7, [0, 87, 229, 146, 149, 238, 102, 21]),
        (10, [0, 251, 67, 46, 61, 118, 70, 64, 94, 32, 45]),
    ])
    func generators(degree: Int, exponents: [Int]) {
        let generator = ReedSolomon(degree: degree).generator
        #expect(generator.map { GaloisField256.logarithms[Int($0)] } == exponents)
    }

    @Test("Reed–Solomon remainders of the published HELLO WORLD blocks", arguments: [
        (QRErrorCorrection.medium, [UInt8]([32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17]),
         [UInt8]([196, 35, 39, 119, 235, 215, 231, 226, 93, 23])),
        (QRErrorCorrection.quartile, [UInt8]([32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236]),
         [UInt8]([168, 72, 22, 82, 217, 54, 156, 0, 46, 15, 180, 122, 16])),
    ])
    func helloWorld(level: QRErrorCorrection, data: [UInt8], errorCorrection: [UInt8]) throws {
        let version = try #require(QRVersion(1))
        let segments = QRSegmenter.segments(Array("HELLO WORLD".utf8), version: version)
        #expect(segments.map(\.mode) == [.alphanumeric])
        #expect(QRCodewords.data(segments, version: version, level: level) == data)
        #expect(ReedSolomon(degree: errorCorrection.count).remainder(of: data) == errorCorrection)
    }

    @Test("data followed by its remainder vanishes at every root of the generator", arguments: [7, 10, 16, 18, 22, 26, 28, 30])
    func remaindersMakeCodewords(degree: Int) {
        var seed: UInt64 = 0x5EED_0000 + UInt64(degree)
        let code = ReedSolomon(degree: degree)
        for round in 0..<20 {
            let data = (0..<(1 + round * 7)).map { _ -> UInt8 in
                seed = seed &* 6364136223846793005 &+ 1442695040888963407
                return UInt8(truncatingIfNeeded: seed >> 33)
            }
            #expect(TestGF.syndromesVanish(data + code.remainder(of: data), count: degree), "seed \(seed), round \(round)")
        }
    }

    @Test("format information matches the published table of Annex C",
          arguments: QRErrorCorrection.allCases, QRMask.allCases)
    func formatInformation(level: QRErrorCorrection, mask: QRMask) throws {
        let letter = try #require(level.letter.first)
        let published = try #require(QRTestDecoder.formatWords[letter]?[mask.rawValue])
        #expect(String(QRFormatInformation.formatBits(level, mask: mask), radix: 2).leftPadded(to: 15) == published)
    }

    @Test("version information matches Annex D", arguments: [
        (7, "000111110010010100"), (8, "001000010110111100"), (9, "001001101010011001"), (10, "001010010011010011"),
        (40, "101000110001101001"),
    ])
    func versionInformation(number: Int, published: String) throws {
        let version = try #require(QRVersion(number))
        #expect(String(QRFormatInformation.versionBits(version), radix: 2).leftPadded(to: 18) == published)
    }

    @Test("alignment pattern centres match Annex E for every version")
    func alignmentCentres() throws {
        for number in QRVersion.all {
            let version = try #require(QRVersion(number))
            #expect(version.alignmentCentres == QRTestDecoder.alignmentCentres[number - 1], "version \(number)")
        }
    }

    @Test("codeword capacities and remainder bits match Tables 1 and 7")
    func capacities() throws {
        let totals = [1: 26, 2: 44, 3: 70, 4: 100, 5: 134, 6: 172, 7: 196, 8: 242, 9: 292, 10: 346, 20: 1085, 40: 3706]
        for (number, total) in totals {
            #expect(try #require(QRVersion(number)).capacity.codewords == total, "version \(number)")
        }
        let remainderBits = [0] + [Int](repeating: 7, count: 5) + [Int](repeating: 0, count: 7) + [Int](repeating: 3, count: 7)
            + [Int](repeating: 4, count: 7) + [Int](repeating: 3, count: 7) + [Int](repeating: 0, count: 6)
        #expect(try QRVersion.all.map { try #require(QRVersion($0)).capacity.remainderBits } == remainderBits)
        let data: [(Int, QRErrorCorrection, Int)] = [
            (1, .low, 19), (1, .medium, 16), (1, .quartile, 13), (1, .high, 9), (3, .medium, 44), (4, .medium, 64),
            (10, .medium, 216), (40, .low, 2956), (40, .medium, 2334), (40, .quartile, 1666), (40, .high, 1276),
        ]
        for (number, level, count) in data {
            #expect(try #require(QRVersion(number)).dataCodewords(level) == count, "\(number)-\(level.letter)")
        }
    }

    @Test("finder patterns, separators, timing patterns and the dark module stand where the standard puts them",
          arguments: ["01234567", pagoPA, String(repeating: "Spunta ", count: 30)])
    func functionPatterns(text: String) throws {
        let code = try QRCode(encoding: text)
        let n = code.size
        for (left, top) in [(0, 0), (n - 7, 0), (0, n - 7)] {
            for dy in 0..<7 {
                for dx in 0..<7 {
                    let ring = max(abs(dx - 3), abs(dy - 3))
                    #expect(code[left + dx, top + dy] == (ring != 2), "finder at \(left),\(top) module \(dx),\(dy)")
                }
            }
        }
        for index in 0..<8 {
            #expect(!code[7, index] && !code[index, 7], "top-left separator")
            #expect(!code[n - 8, index] && !code[n - 1 - index, 7], "top-right separator")
            #expect(!code[7, n - 1 - index] && !code[index, n - 8], "bottom-left separator")
        }
        for index in 8..<(n - 8) {
            #expect(code[index, 6] == (index % 2 == 0) && code[6, index] == (index % 2 == 0), "timing at \(index)")
        }
        #expect(code[8, n - 8], "the dark module")
    }

    @Test("a pagoPA payload takes version 3 at level M: numeric segments save the room byte mode would need")
    func pagoPAVersion() throws {
        let code = try QRCode(encoding: Self.pagoPA)
        #expect(code.version.number == 3)
        #expect(code.errorCorrection == .medium)
        #expect(code.size == 29)
        let version = try #require(QRVersion(3))
        #expect(QRSegmenter.segments(Array(Self.pagoPA.utf8), version: version).map(\.mode).contains(.numeric))
        let byteOnly = [QRSegment(mode: .byte, bytes: Array(Self.pagoPA.utf8))]
        #expect(QRCodewords.data(byteOnly, version: version, level: .medium) == nil)
        // The largest amount GPD takes still fits the same version.
        #expect(try QRCode(encoding: "PAGOPA|002|399999999999999999|99999999999|999999999999").version.number == 3)
        #expect(throws: QRCodeError.dataTooLong(bytes: Self.pagoPA.utf8.count, level: .medium, maximumVersion: 2)) {
            try QRCode(encoding: Self.pagoPA, versions: 1...2)
        }
    }

    @Test("reading our symbols back gives the bytes written, at every level and with every mask", arguments: [
        pagoPA, "01234567", "HELLO WORLD", "", "Città di Prova — è così", "https://example.org/avviso?nav=301000000001234519",
        String(repeating: "Spunta mensa 2026 ", count: 6), String(repeating: "0123456789", count: 25),
        String(repeating: "AB:CD ", count: 20) + "lower",
    ])
    func roundTrip(text: String) throws {
        for level in QRErrorCorrection.allCases {
            for mask in QRMask.allCases {
                let code = try QRCode(encoding: text, errorCorrection: level, versions: 1...10, mask: mask)
                let decoded = try Self.decode(code)
                #expect(decoded.bytes == Array(text.utf8), "\(level.letter) mask \(mask.rawValue)")
                #expect(decoded.mask == mask.rawValue && decoded.version == code.version.number)
                #expect(String(decoded.level) == level.letter)
            }
        }
    }

    @Test("the mask chosen scores lowest under the penalty rules", arguments: [pagoPA, "01234567", "HELLO WORLD"])
    func maskChoice(text: String) throws {
        let chosen = try QRCode(encoding: text)
        let scores = try QRMask.allCases.map { mask in
            let code = try QRCode(encoding: text, mask: mask)
            return QRPenalty.score(size: code.size, dark: code.modules)
        }
        let lowest = try #require(scores.min())
        #expect(scores[chosen.mask.rawValue] == lowest)
        #expect(scores.firstIndex(of: lowest) == chosen.mask.rawValue, "ties go to the lower mask number")
    }

    @Test("penalty rules score runs, blocks, finder look-alikes and balance as Table 11 says")
    func penaltyRules() {
        let d = true, l = false
        #expect(QRPenalty.runs([d, d, d, d, l, l, l, l]) == 0)
        #expect(QRPenalty.runs([d, d, d, d, d, l, d]) == 3)
        #expect(QRPenalty.runs([l, l, l, l, l, l, l, d]) == 5)
        #expect(QRPenalty.finderLookalikes([d, l, d, d, d, l, d, l, l, l, l, d]) == 40)
        #expect(QRPenalty.finderLookalikes([d, d, l, d, d, d, l, d, d, d, d, d, d]) == 0)
        #expect(QRPenalty.finderLookalikes([d, l, d, d, d, l, d]) == 40, "the quiet zone counts as light")
        #expect(QRPenalty.blocks(size: 3, dark: [d, d, l, d, d, l, l, l, l]) == 3)
        #expect(QRPenalty.blocks(size: 3, dark: [l, l, l, l, l, l, l, l, l]) == 12)
        #expect(QRPenalty.balance([d, l, d, l]) == 0)
        #expect(QRPenalty.balance([d, d, d, l]) == 50)
        #expect(QRPenalty.balance([d, d, d, d, d, d, d, d, d, d, d, l, l, l, l, l, l, l, l, l]) == 10)
    }

    @Test("too long a message is refused with a clear error")
    func tooLong() {
        let long = String(repeating: "a", count: 2332)
        #expect(throws: QRCodeError.dataTooLong(bytes: 2332, level: .medium, maximumVersion: 40)) { try QRCode(encoding: long) }
        #expect((try? QRCode(encoding: String(long.dropFirst())))?.version.number == 40, "2331 bytes is version 40-M's capacity")
        #expect(throws: QRCodeError.dataTooLong(bytes: 300, level: .medium, maximumVersion: 10)) {
            try QRCode(encoding: String(repeating: "a", count: 300), versions: 1...10)
        }
        #expect(throws: QRCodeError.invalidVersions(0...41)) { try QRCode(encoding: "x", versions: 0...41) }
        let message = QRCodeError.dataTooLong(bytes: 2332, level: .medium, maximumVersion: 40).userMessage
        #expect(message.contains("2332 byte") && message.contains("versione 40") && message.contains("correzione M"))
    }

    @Test("the SVG is the symbol with a 4-module quiet zone, 25 mm wide, crisp, one path")
    func svg() throws {
        let code = try QRCode(encoding: Self.pagoPA)
        let svg = QRCodeSVG.render(code, millimetres: 25)
        #expect(svg.hasPrefix("<svg ") && svg.hasSuffix("</svg>"))
        #expect(svg.contains("width=\"25mm\" height=\"25mm\" viewBox=\"0 0 37 37\""))
        #expect(svg.contains("shape-rendering=\"crispEdges\""))
        #expect(svg.components(separatedBy: "<path").count == 2)
        let drawn = try #require(SVGModules(svg))
        #expect(drawn.side == 37)
        for y in 0..<drawn.side {
            for x in 0..<drawn.side {
                let inside = (4..<33).contains(x) && (4..<33).contains(y)
                #expect(drawn.dark[y][x] == (inside && code[x - 4, y - 4]), "module \(x),\(y)")
            }
        }
        #expect(QRCodeSVG.length(25) == "25" && QRCodeSVG.length(25.5) == "25.5" && QRCodeSVG.length(24.05) == "24.05")
    }
}
