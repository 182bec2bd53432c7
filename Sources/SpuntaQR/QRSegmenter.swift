/// Splits a message into segments of the cheapest modes: digits in numeric mode, capitals in alphanumeric, the
/// rest in byte mode, switching only where the saving pays for the new segment's header. A pagoPA payload —
/// `PAGOPA|002|` and three runs of digits — fits a smaller symbol this way than in byte mode alone.
enum QRSegmenter {
    /// Where the encoder stands after a character: in which mode, and how many characters of the current group
    /// (three digits, two alphanumerics, one byte) are already written.
    private static let states: [(mode: QRMode, phase: Int)] = [
        (.numeric, 0), (.numeric, 1), (.numeric, 2), (.alphanumeric, 0), (.alphanumeric, 1), (.byte, 0),
    ]

    private static func groupSize(_ mode: QRMode) -> Int {
        switch mode {
        case .numeric: return 3
        case .alphanumeric: return 2
        case .byte: return 1
        }
    }

    /// Bits a character adds when `phase` characters of its group precede it: a digit group is 4, 7 or 10 bits
    /// long, an alphanumeric pair 6 or 11, so the exact total is the sum of these steps.
    private static func characterBits(_ mode: QRMode, phase: Int) -> Int {
        switch mode {
        case .numeric: return phase == 0 ? 4 : 3
        case .alphanumeric: return phase == 0 ? 6 : 5
        case .byte: return 8
        }
    }

    /// The segmentation with the fewest bits in `version` (count fields widen with the version, so the best split
    /// may differ): a shortest path over (position, state), linear in the message's length. Runs longer than a
    /// count field can state are then cut into several segments of the same mode.
    static func segments(_ bytes: [UInt8], version: QRVersion) -> [QRSegment] {
        let n = bytes.count
        guard n > 0 else { return [] }
        let unreachable = Int.max / 2
        var cost = [[Int]](repeating: [Int](repeating: unreachable, count: states.count), count: n + 1)
        // For each position and state: the state before the character (-1 at the start) and whether the character
        // opened a new segment.
        var previous = [[(state: Int, opens: Bool)]](repeating: Array(repeating: (-1, true), count: states.count), count: n + 1)
        var cheapest = (cost: 0, state: -1)
        for index in 0..<n {
            for (target, state) in states.enumerated() where state.mode.admits(bytes[index]) {
                let size = groupSize(state.mode)
                let phaseBefore = (state.phase + size - 1) % size
                // Continue the segment of the same mode…
                if let source = states.firstIndex(where: { $0.mode == state.mode && $0.phase == phaseBefore }),
                   cost[index][source] < unreachable {
                    let total = cost[index][source] + characterBits(state.mode, phase: phaseBefore)
                    if total < cost[index + 1][target] {
                        cost[index + 1][target] = total
                        previous[index + 1][target] = (source, false)
                    }
                }
                // …or open a new one here, after the cheapest way to reach this position.
                if state.phase == 1 % size {
                    let total = cheapest.cost + 4 + version.countBits(state.mode) + characterBits(state.mode, phase: 0)
                    if total < cost[index + 1][target] {
                        cost[index + 1][target] = total
                        previous[index + 1][target] = (cheapest.state, true)
                    }
                }
            }
            cheapest = (unreachable, -1)
            for (state, total) in cost[index + 1].enumerated() where total < cheapest.cost { cheapest = (total, state) }
        }
        // Walk back: each character's mode, and where segments open.
        var runs: [(mode: QRMode, start: Int)] = []
        var state = cheapest.state
        var index = n
        while index > 0 && state >= 0 {
            let step = previous[index][state]
            if step.opens { runs.append((states[state].mode, index - 1)) }
            state = step.state
            index -= 1
        }
        runs.reverse()
        var segments: [QRSegment] = []
        for (number, run) in runs.enumerated() {
            let end = number + 1 < runs.count ? runs[number + 1].start : n
            let size = groupSize(run.mode)
            let limit = ((1 << version.countBits(run.mode)) - 1) / size * size
            for start in stride(from: run.start, to: end, by: limit) {
                segments.append(QRSegment(mode: run.mode, bytes: Array(bytes[start..<min(start + limit, end)])))
            }
        }
        return segments
    }
}
