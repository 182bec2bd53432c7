/// The modules an SVG of `QRCodeSVG` draws, read back from its `viewBox` and its path of `M x yhNv1h-Nz` runs.
public struct SVGModules {
    public let side: Int
    public var dark: [[Bool]]

    public init?(_ svg: String) {
        guard let box = svg.range(of: "viewBox=\"0 0 "), let end = svg[box.upperBound...].firstIndex(of: " "),
              let side = Int(svg[box.upperBound..<end]),
              let d = svg.range(of: " d=\""), let close = svg[d.upperBound...].firstIndex(of: "\"") else { return nil }
        self.side = side
        dark = Array(repeating: Array(repeating: false, count: side), count: side)
        for run in svg[d.upperBound..<close].split(separator: "z") {
            let numbers = run.split { "Mhv ".contains($0) }.map { Int($0) }
            guard numbers.count == 5, let x = numbers[0], let y = numbers[1], let width = numbers[2],
                  numbers[3] == 1, numbers[4] == -width, x + width <= side, y < side else { return nil }
            for column in x..<(x + width) {
                guard !dark[y][column] else { return nil }
                dark[y][column] = true
            }
        }
    }

    /// The symbol inside a quiet zone of `quietZone` modules, decoded by the tests' reader.
    public func decode(quietZone: Int = 4) throws -> QRTestDecoder.Decoded {
        try QRTestDecoder.decode(size: side - 2 * quietZone) { dark[$1 + quietZone][$0 + quietZone] }
    }
}
