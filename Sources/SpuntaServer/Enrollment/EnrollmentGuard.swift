import Foundation
import Synchronization

/// Limits enrollment attempts per client address (tentativi di registrazione): each failed attempt is counted;
/// past a few in a window the answers are slowed down, and past a limit the address is refused for a while. A
/// code is 12 characters from 31, so guessing is hopeless anyway: this keeps a guesser from occupying the server
/// and makes every attempt visible in the log. Successful enrollments are never counted.
public final class EnrollmentGuard: Sendable {
    public struct Policy: Sendable {
        /// Failed attempts in `window` that are answered at once.
        public var freeFailures = 5
        /// Failed attempts in `window` after which the address is refused for `lockout`.
        public var maxFailures = 20
        public var window: TimeInterval = 15 * 60
        public var lockout: TimeInterval = 15 * 60
        /// The wait before answering the first attempt past the free ones; it doubles with each failure, up to `maxDelay`.
        public var firstDelay: TimeInterval = 0.5
        public var maxDelay: TimeInterval = 8
        /// Attempts of one address handled at the same time; more are refused at once (a burst cannot get past
        /// the count before its failures are known).
        public var maxConcurrent = 8
        /// Addresses remembered; past this, those with nothing to remember are forgotten first.
        public var maxAddresses = 10_000

        public init() {}
    }

    /// What to do with an attempt that arrives.
    public enum Admission: Equatable, Sendable {
        /// Handle it, after waiting `delay` seconds (0 for an address with few failures).
        case allowed(delay: TimeInterval)
        /// Refuse it without looking at the code; the client may try again after `retryAfter` seconds.
        case refused(retryAfter: Int)
    }

    /// A failure counted: how many failures the address has in the window, and whether it is now locked out.
    public struct Failure: Equatable, Sendable {
        public let failures: Int
        public let lockedUntil: Date?
    }

    private struct Entry {
        var failures: [Date] = []
        var inFlight = 0
        var lockedUntil: Date?
    }

    public let policy: Policy
    private let entries = Mutex<[String: Entry]>([:])

    public init(policy: Policy = Policy()) {
        self.policy = policy
    }

    /// Admits (or refuses) an attempt from `address`. An admitted attempt must end with `release` or `failed`.
    public func admit(_ address: String, now: Date) -> Admission {
        entries.withLock { entries in
            var entry = entries[address] ?? Entry()
            entry.failures.removeAll { now.timeIntervalSince($0) >= policy.window }
            if let until = entry.lockedUntil {
                if until > now {
                    entries[address] = entry
                    return .refused(retryAfter: max(1, Int(until.timeIntervalSince(now).rounded(.up))))
                }
                entry.lockedUntil = nil
            }
            guard entry.inFlight < policy.maxConcurrent else {
                entries[address] = entry
                return .refused(retryAfter: 1)
            }
            entry.inFlight += 1
            if entries[address] == nil, entries.count >= policy.maxAddresses { forgetIdle(&entries, now: now) }
            entries[address] = entry
            let beyond = entry.failures.count - policy.freeFailures
            guard beyond >= 0 else { return .allowed(delay: 0) }
            return .allowed(delay: min(policy.maxDelay, policy.firstDelay * pow(2, Double(min(beyond, 30)))))
        }
    }

    /// The attempt is over without a failure to count: it enrolled a device, or it was not an attempt at a code
    /// (a malformed request, a server stopping).
    public func release(_ address: String) {
        entries.withLock { $0[address]?.inFlight -= 1 }
    }

    /// The attempt presented a wrong, used or expired code: counted, and the address locked out at the limit.
    public func failed(_ address: String, now: Date) -> Failure {
        entries.withLock { entries in
            var entry = entries[address] ?? Entry(inFlight: 1)
            entry.inFlight = max(0, entry.inFlight - 1)
            entry.failures.removeAll { now.timeIntervalSince($0) >= policy.window }
            entry.failures.append(now)
            var locked: Date?
            if entry.failures.count >= policy.maxFailures, entry.lockedUntil == nil {
                locked = now.addingTimeInterval(policy.lockout)
                entry.lockedUntil = locked
                // The lockout is the penalty; once it is over the address starts afresh.
                entry.failures.removeAll()
            }
            entries[address] = entry
            return Failure(failures: locked == nil ? entry.failures.count : policy.maxFailures, lockedUntil: locked)
        }
    }

    /// Addresses with no failure in the window, no attempt in flight and no lockout.
    private func forgetIdle(_ entries: inout [String: Entry], now: Date) {
        entries = entries.filter { _, entry in
            entry.inFlight > 0 || (entry.lockedUntil.map { $0 > now } ?? false)
                || entry.failures.contains { now.timeIntervalSince($0) < policy.window }
        }
    }
}
