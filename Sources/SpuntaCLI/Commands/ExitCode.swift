#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The status a program exits with. Scripts and monitoring rely on these values:
///
/// | code | meaning |
/// |---|---|
/// | 0 `success` | done |
/// | 1 `failure` | the command could not do its work (the message says why) |
/// | 2 `usage` | the command line is wrong: unknown option, missing or bad value |
/// | 3 `notHealthy` | a check ran and found a problem (`spunta-server status`, health checks) |
/// | 4 `revoked` | the device was revoked: the server will never accept it again, so running the command again cannot
/// help (`spunta sync`; a service manager uses it not to restart) |
///
/// A `run` may also throw an `ExitCode` to end with that status and no message.
public struct ExitCode: RawRepresentable, Hashable, Sendable, Error, CustomStringConvertible {
    public let rawValue: Int32

    public init(rawValue: Int32) {
        self.rawValue = rawValue
    }

    public init(_ rawValue: Int32) {
        self.rawValue = rawValue
    }

    /// 0: done.
    public static let success = ExitCode(0)
    /// 1: the command failed; the message says why.
    public static let failure = ExitCode(1)
    /// 2: the command line is wrong.
    public static let usage = ExitCode(2)
    /// 3: a check found a problem.
    public static let notHealthy = ExitCode(3)
    /// 4: the device was revoked: do not retry.
    public static let revoked = ExitCode(4)

    public var isSuccess: Bool { rawValue == 0 }

    public var description: String { String(rawValue) }
}
