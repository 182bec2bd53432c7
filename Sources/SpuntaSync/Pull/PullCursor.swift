/// Where a device is in the log. Opaque to the device, which stores it with the changes of each page.
///
/// `c:SEQ` — incremental: every change up to SEQ that concerns the device has been delivered.
/// `s:HEAD:VERSION:PHASE:LAST` — inside a snapshot taken at log position HEAD for scope VERSION: PHASE is the
/// entity being paged (ops last) and LAST the last id delivered. When the snapshot ends the cursor is `c:HEAD`.
public enum PullCursor: Equatable, Sendable, CustomStringConvertible {
    case start
    case incremental(seq: Int64)
    case snapshot(head: Int64, scopeVersion: Int64, phase: Int, last: String)

    public init?(_ text: String?) {
        guard let text, !text.isEmpty else {
            self = .start
            return
        }
        let parts = text.split(separator: ":", maxSplits: 4, omittingEmptySubsequences: false).map(String.init)
        switch parts.first {
        case "c":
            guard parts.count == 2, let seq = Int64(parts[1]), seq >= 0 else { return nil }
            self = .incremental(seq: seq)
        case "s":
            guard parts.count == 5, let head = Int64(parts[1]), let version = Int64(parts[2]), let phase = Int(parts[3]),
                  head >= 0, phase >= 0 else { return nil }
            self = .snapshot(head: head, scopeVersion: version, phase: phase, last: parts[4])
        default:
            return nil
        }
    }

    public var description: String {
        switch self {
        case .start: return ""
        case .incremental(let seq): return "c:\(seq)"
        case .snapshot(let head, let version, let phase, let last): return "s:\(head):\(version):\(phase):\(last)"
        }
    }
}
