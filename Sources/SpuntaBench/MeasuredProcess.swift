import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A program of the day run to its end by the benchmark itself, with its peak resident memory: the high-water mark
/// of its own memory (`VmHWM`), read every 10 ms while it runs. Not `ru_maxrss` from `wait4`: `posix_spawn` runs the
/// child on the benchmark's memory until it execs, and Linux keeps that high-water mark across the exec, so every
/// child of a big benchmark would "peak" at the benchmark's own size.
struct MeasuredProcess {
    let status: Int32
    /// Peak resident memory, in bytes (the last high-water mark read before it ended).
    let peakBytes: Int
    let seconds: Double
    /// What it wrote on its standard output and error, kept in a file of the workspace.
    let log: URL

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func run(_ executable: String, _ arguments: [String], log: URL) throws -> MeasuredProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = ProcessInfo.processInfo.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for p in argv { free(p) }
            for p in envp { free(p) }
        }
        let start = DispatchTime.now().uptimeNanoseconds
        var child: pid_t = 0
        let spawned = posix_spawn(&child, executable, &actions, nil, argv, envp)
        guard spawned == 0 else { throw Failure(description: "posix_spawn \(executable): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        var peak = 0
        while true {
            let reaped = waitpid(child, &status, WNOHANG)
            if reaped == child { break }
            guard reaped == 0 || errno == EINTR else { throw Failure(description: "waitpid \(executable): \(String(cString: strerror(errno)))") }
            peak = max(peak, Memory.peak(pid: child) ?? 0)
            usleep(10_000)
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        // WIFEXITED / WEXITSTATUS, which Swift does not import: the low 7 bits are the signal, the next 8 the exit code.
        let exit = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return MeasuredProcess(status: exit, peakBytes: peak, seconds: seconds, log: log)
    }
}
