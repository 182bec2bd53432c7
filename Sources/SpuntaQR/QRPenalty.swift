/// The mask evaluation of ISO/IEC 18004 §7.8.3 (Table 11): the lower the score, the easier the symbol is to read.
/// The mask with the lowest score over the whole symbol is chosen.
enum QRPenalty {
    /// N1 + N2 + N3 + N4 over every row and column of the `size`×`size` symbol whose modules are `dark`, row
    /// after row.
    static func score(size: Int, dark: [Bool]) -> Int {
        precondition(dark.count == size * size, "a square of modules")
        var total = 0
        for index in 0..<size {
            let row = Array(dark[(index * size)..<((index + 1) * size)])
            let column = (0..<size).map { dark[$0 * size + index] }
            total += runs(row) + runs(column) + finderLookalikes(row) + finderLookalikes(column)
        }
        return total + blocks(size: size, dark: dark) + balance(dark)
    }

    /// N1 = 3: five or more adjacent modules of one colour in a line score 3, plus 1 for each module beyond five.
    static func runs(_ line: [Bool]) -> Int {
        var score = 0
        var length = 0
        var previous: Bool?
        for module in line {
            if module == previous {
                length += 1
            } else {
                if length >= 5 { score += 3 + length - 5 }
                previous = module
                length = 1
            }
        }
        if length >= 5 { score += 3 + length - 5 }
        return score
    }

    /// N2 = 3: every 2×2 block of one colour (blocks may overlap: an m×n block scores (m−1)(n−1) times).
    static func blocks(size: Int, dark: [Bool]) -> Int {
        var score = 0
        for y in 0..<(size - 1) {
            for x in 0..<(size - 1) {
                let colour = dark[y * size + x]
                if dark[y * size + x + 1] == colour && dark[(y + 1) * size + x] == colour && dark[(y + 1) * size + x + 1] == colour {
                    score += 3
                }
            }
        }
        return score
    }

    /// N3 = 40: a dark-light-dark-dark-dark-light-dark run (1:1:3:1:1) with four light modules before or after it,
    /// the quiet zone beyond the edge counting as light.
    static func finderLookalikes(_ line: [Bool]) -> Int {
        let pattern = [true, false, true, true, true, false, true]
        guard line.count >= pattern.count else { return 0 }
        let quiet = [Bool](repeating: false, count: 4)
        let padded = quiet + line + quiet
        var score = 0
        for start in 4...(padded.count - 11) where padded[start..<(start + 7)].elementsEqual(pattern) {
            let before = padded[(start - 4)..<start].allSatisfy { !$0 }
            let after = padded[(start + 7)..<(start + 11)].allSatisfy { !$0 }
            if before || after { score += 40 }
        }
        return score
    }

    /// N4 = 10: 10 points for each full 5% by which the share of dark modules departs from 50%.
    static func balance(_ dark: [Bool]) -> Int {
        let total = dark.count
        let darkCount = dark.lazy.filter { $0 }.count
        return 10 * (abs(darkCount * 20 - total * 10) / total)
    }
}
