import SpuntaQR

/// A QR code drawn as SVG for print: a white square with the quiet zone, and one path whose sub-paths are the
/// runs of dark modules of each row, in module units scaled to the physical size asked for. `crispEdges` keeps
/// neighbouring runs from showing hairline seams when the printer rasterises them.
public enum QRCodeSVG {
    /// The SVG element for `code`.
    /// - Parameters:
    ///   - millimetres: the printed width and height, quiet zone included (the pagoPA notice wants about 25 mm).
    ///   - quietZone: light modules around the symbol; the standard asks for at least 4.
    ///   - label: the accessible name, e.g. what the code holds.
    public static func render(_ code: QRCode, millimetres: Double = 25, quietZone: Int = 4, label: String = "QR code") -> String {
        let width = length(millimetres)
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)mm\" height=\"\(width)mm\" "
            + body(code, quietZone: quietZone, label: label)
    }

    /// The same drawing nested in a larger SVG (a card, a page) whose user unit is the millimetre: a square of
    /// `side` units, quiet zone included, with its top-left corner at `x`, `y`.
    public static func embedded(_ code: QRCode, x: Double, y: Double, side: Double, quietZone: Int = 4, label: String = "QR code") -> String {
        "<svg x=\"\(length(x))\" y=\"\(length(y))\" width=\"\(length(side))\" height=\"\(length(side))\" "
            + body(code, quietZone: quietZone, label: label)
    }

    /// Modules a side, quiet zone included.
    public static func side(_ code: QRCode, quietZone: Int = 4) -> Int {
        code.size + 2 * max(quietZone, 0)
    }

    /// The viewBox, the white square and the path of dark runs, after the size attributes of the `svg` element.
    private static func body(_ code: QRCode, quietZone: Int, label: String) -> String {
        let side = side(code, quietZone: quietZone)
        let offset = max(quietZone, 0)
        var path = ""
        for y in 0..<code.size {
            var x = 0
            while x < code.size {
                guard code[x, y] else {
                    x += 1
                    continue
                }
                var run = 1
                while x + run < code.size && code[x + run, y] { run += 1 }
                path += "M\(x + offset) \(y + offset)h\(run)v1h-\(run)z"
                x += run
            }
        }
        return "viewBox=\"0 0 \(side) \(side)\" shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"\(Markup.escape(label))\">"
            + "<rect width=\"\(side)\" height=\"\(side)\" fill=\"#fff\"/><path fill=\"#000\" d=\"\(path)\"/></svg>"
    }

    /// Hundredths of a millimetre at most, no trailing zeros, the same text on every platform.
    public static func length(_ millimetres: Double) -> String {
        let hundredths = Int((max(millimetres, 0) * 100).rounded())
        let whole = "\(hundredths / 100)"
        let fraction = hundredths % 100
        if fraction == 0 { return whole }
        return fraction % 10 == 0 ? "\(whole).\(fraction / 10)" : "\(whole).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}
