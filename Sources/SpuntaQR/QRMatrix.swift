/// The square of modules being built: which are dark, and which belong to function patterns (finder, separator,
/// timing, alignment, format and version information) and so carry no data and are never masked.
struct QRMatrix: Sendable, Equatable {
    let version: QRVersion
    let size: Int
    private(set) var dark: [Bool]
    private(set) var function: [Bool]

    /// A symbol of `version` with every function pattern drawn; the format information area is reserved (light).
    init(version: QRVersion) {
        self.version = version
        size = version.size
        dark = [Bool](repeating: false, count: size * size)
        function = [Bool](repeating: false, count: size * size)
        drawFunctionPatterns()
    }

    subscript(x: Int, y: Int) -> Bool { dark[y * size + x] }

    func isFunction(x: Int, y: Int) -> Bool { function[y * size + x] }

    var freeModuleCount: Int { function.lazy.filter { !$0 }.count }

    private mutating func setFunction(x: Int, y: Int, dark value: Bool) {
        dark[y * size + x] = value
        function[y * size + x] = true
    }

    private mutating func drawFunctionPatterns() {
        // Timing patterns first: finders and alignment patterns drawn afterwards overwrite their ends.
        for index in 0..<size {
            setFunction(x: 6, y: index, dark: index % 2 == 0)
            setFunction(x: index, y: 6, dark: index % 2 == 0)
        }
        drawFinder(centreX: 3, centreY: 3)
        drawFinder(centreX: size - 4, centreY: 3)
        drawFinder(centreX: 3, centreY: size - 4)
        let centres = version.alignmentCentres
        for cy in centres {
            for cx in centres {
                let overlapsFinder = (cx == 6 && cy == 6) || (cx == 6 && cy == size - 7) || (cx == size - 7 && cy == 6)
                if !overlapsFinder { drawAlignment(centreX: cx, centreY: cy) }
            }
        }
        drawFormatInformation(0)
        drawVersionInformation()
    }

    /// The 7×7 finder and, around it, the light separator (clipped at the symbol's edge).
    private mutating func drawFinder(centreX: Int, centreY: Int) {
        for dy in -4...4 {
            for dx in -4...4 {
                let x = centreX + dx, y = centreY + dy
                guard (0..<size).contains(x), (0..<size).contains(y) else { continue }
                let ring = max(abs(dx), abs(dy))
                setFunction(x: x, y: y, dark: ring != 2 && ring != 4)
            }
        }
    }

    private mutating func drawAlignment(centreX: Int, centreY: Int) {
        for dy in -2...2 {
            for dx in -2...2 {
                setFunction(x: centreX + dx, y: centreY + dy, dark: max(abs(dx), abs(dy)) != 1)
            }
        }
    }

    /// Both copies of the 15 format bits (bit 14 first in reading order, Figure 25), and the dark module beside
    /// the bottom-left finder that is always dark.
    mutating func drawFormatInformation(_ bits: UInt32) {
        func bit(_ index: Int) -> Bool { (bits >> UInt32(index)) & 1 == 1 }
        // Around the top-left finder: bits 0–7 up column 8 (skipping the timing row), 8–14 along row 8 leftwards.
        for index in 0...5 { setFunction(x: 8, y: index, dark: bit(index)) }
        setFunction(x: 8, y: 7, dark: bit(6))
        setFunction(x: 8, y: 8, dark: bit(7))
        setFunction(x: 7, y: 8, dark: bit(8))
        for index in 9...14 { setFunction(x: 14 - index, y: 8, dark: bit(index)) }
        // The second copy: bits 0–7 along row 8 from the right edge, 8–14 down column 8 to the bottom edge.
        for index in 0...7 { setFunction(x: size - 1 - index, y: 8, dark: bit(index)) }
        for index in 8...14 { setFunction(x: 8, y: size - 15 + index, dark: bit(index)) }
        setFunction(x: 8, y: size - 8, dark: true)
    }

    /// The two 6×3 blocks of version information (Annex D), bit 0 nearest the corner's finder, for version ≥ 7.
    private mutating func drawVersionInformation() {
        guard version.number >= 7 else { return }
        let bits = QRFormatInformation.versionBits(version)
        for index in 0..<18 {
            let value = (bits >> UInt32(index)) & 1 == 1
            let along = index / 3, across = size - 11 + index % 3
            setFunction(x: across, y: along, dark: value)
            setFunction(x: along, y: across, dark: value)
        }
    }

    /// Places the codewords' bits, most significant first, in two-module columns zig-zagging up and down from the
    /// bottom-right corner and skipping function modules and the vertical timing column (§7.7.3). Modules left
    /// over are the remainder bits, light.
    mutating func placeCodewords(_ codewords: [UInt8]) {
        var bitIndex = 0
        let totalBits = codewords.count * 8
        var right = size - 1
        var upward = true
        while right >= 1 {
            if right == 6 { right = 5 }
            for step in 0..<size {
                let y = upward ? size - 1 - step : step
                for x in [right, right - 1] where !function[y * size + x] {
                    if bitIndex < totalBits {
                        dark[y * size + x] = (codewords[bitIndex / 8] >> UInt8(7 - bitIndex % 8)) & 1 == 1
                    }
                    bitIndex += 1
                }
            }
            upward.toggle()
            right -= 2
        }
    }

    /// Inverts the data modules where `mask` says; applying it twice restores them.
    mutating func apply(_ mask: QRMask) {
        for y in 0..<size {
            for x in 0..<size where !function[y * size + x] && mask.inverts(row: y, column: x) {
                dark[y * size + x].toggle()
            }
        }
    }
}
