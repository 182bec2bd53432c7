import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A program run in a real terminal: a detached tmux session of a fixed size on a tmux server of its own
/// (`tmux -L <unique name>`), driven with `send-keys` and read with `capture-pane`. The server, and the
/// program with it, is killed when the session is released.
public final class TmuxSession: Sendable {
    /// Where tmux is, or nil when it is not installed.
    public static let executable: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return (path.split(separator: ":").map { "\($0)/tmux" } + ["/usr/bin/tmux"])
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// Whether tmux can be run here.
    public static var isAvailable: Bool { executable != nil }

    public let socket: String
    private let configuration: String
    /// The tmux server and the program, killed outright if `kill-server` does not end them; the server's socket,
    /// which `kill-server` leaves behind. Known once the session has started.
    private let server = Mutex<(processes: [pid_t], socketPath: String?)>(([], nil))
    /// Bytes the program has written to its terminal, counted as `pipe-pane` passes them on through a FIFO: a wait
    /// for the screen sleeps until this count moves, then looks again.
    private let written = Watched(0)
    private let outputFIFO: String

    /// Starts `command` (a program and its arguments) in a new session of `columns` × `rows`, with no
    /// status line. When the program ends its screen stays, followed by `[exit STATUS]`.
    public init(columns: Int, rows: Int, command: [String], environment: [String: String] = [:]) throws {
        socket = "spunta-test-\(getpid())-\(UUID().uuidString.prefix(8))"
        configuration = FileManager.default.temporaryDirectory.appendingPathComponent("\(socket).conf").path
        outputFIFO = configuration + ".output"
        try Data("""
            set -g status off
            set -g default-terminal "screen"
            set -g escape-time 0
            set -g history-limit 0

            """.utf8).write(to: URL(fileURLWithPath: configuration))
        var arguments = ["new-session", "-d", "-s", "test", "-x", "\(columns)", "-y", "\(rows)"]
        for (name, value) in environment.sorted(by: { $0.key < $1.key }) { arguments += ["-e", "\(name)=\(value)"] }
        // The program's last words stay on screen: the shell prints its exit status and waits to be killed.
        arguments.append(command.map(Self.shellQuoted).joined(separator: " ") + "; echo \"[exit $?]\"; exec sleep 3600")
        let started = try tmux(["-f", configuration] + arguments)
        guard started.status == 0 else { throw TmuxError.command(arguments, started.output) }
        let shown = try checked(["display-message", "-p", "-t", "test", "#{pid} #{pane_pid} #{socket_path}"])
            .split(whereSeparator: \.isWhitespace).map(String.init)
        server.withLock { $0 = (shown.prefix(2).compactMap { pid_t($0) }, shown.count > 2 ? shown[2] : nil) }

        try followOutput()
    }

    /// Starts counting what the program writes: `pipe-pane` copies the pane's output into a FIFO that a thread reads.
    /// The thread ends when the writer goes (the server killed, or `deinit` opening and closing the FIFO).
    private func followOutput() throws {
        guard mkfifo(outputFIFO, 0o600) == 0 else { throw TmuxError.command(["mkfifo", outputFIFO], "errno \(errno)") }
        // Non-blocking, so that opening does not wait for the writer; poll then waits for data (no hang-up is
        // reported before a writer has come).
        let fd = open(outputFIFO, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw TmuxError.command(["open", outputFIFO], "errno \(errno)") }
        let written = self.written
        Thread {
            defer { close(fd) }
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                var request = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                if poll(&request, 1, -1) < 0 {
                    if errno == EINTR { continue }
                    return
                }
                let count = read(fd, &buffer, buffer.count)
                if count > 0 {
                    written.update { $0 += count }
                } else if count == 0 || (errno != EAGAIN && errno != EINTR) {
                    return
                }
            }
        }.start()
        try checked(["pipe-pane", "-t", "test", "exec cat > " + Self.shellQuoted(outputFIFO)])
    }

    deinit {
        _ = try? tmux(["kill-server"])
        let (processes, socketPath) = server.withLock { $0 }
        for pid in processes where kill(pid, 0) == 0 { kill(pid, SIGKILL) }
        if let socketPath { try? FileManager.default.removeItem(atPath: socketPath) }
        // A writer that comes and goes ends the reading thread, had `pipe-pane` never opened the FIFO.
        let wake = open(outputFIFO, O_WRONLY | O_NONBLOCK | O_CLOEXEC)
        if wake >= 0 { close(wake) }
        try? FileManager.default.removeItem(atPath: outputFIFO)
        try? FileManager.default.removeItem(atPath: configuration)
    }

    /// Runs one tmux command on this session's server; returns its exit status and output.
    ///
    /// Spawned directly rather than with Foundation's `Process`: on Linux `Process` hands the child a
    /// socket and reports the exit only once every holder of it has closed it, and the server that
    /// `new-session` leaves behind holds it for ever — `waitUntilExit` would never return.
    @discardableResult
    public func tmux(_ arguments: [String]) throws -> (status: Int32, output: String) {
        guard let executable = Self.executable else { throw TmuxError.notInstalled }
        let outputPath = configuration + ".\(UUID().uuidString.prefix(8)).out"
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // The server outlives this call: it must not keep the test's pipes and sockets open.
        _ = Self.closeFrom?(&actions, 3)
        // -u: the pane's text comes back as UTF-8 whatever the locale of the test process.
        let argv = [executable, "-u", "-L", socket] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["TMUX"] = nil
        environment["LANG"] = "C.UTF-8"
        let envp = environment.map { "\($0.key)=\($0.value)" }
        let cArguments = argv.map { strdup($0) } + [nil]
        let cEnvironment = envp.map { strdup($0) } + [nil]
        defer { (cArguments + cEnvironment).forEach { free($0) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, executable, &actions, nil, cArguments, cEnvironment)
        guard spawned == 0 else { throw TmuxError.command(arguments, "posix_spawn: errno \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let data = FileManager.default.contents(atPath: outputPath) ?? Data()
        // WIFEXITED / WEXITSTATUS.
        let exitStatus: Int32 = status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return (exitStatus, String(decoding: data, as: UTF8.self))
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34), which the Glibc module does not export.
    private static let closeFrom: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
    }()

    /// Types `text` as it is (each character a key).
    public func type(_ text: String) throws {
        try checked(["send-keys", "-t", "test", "-l", text])
    }

    /// Presses named keys: `Down`, `Up`, `Enter`, `Escape`, `PageDown`…
    public func press(_ keys: String...) throws {
        try checked(["send-keys", "-t", "test"] + keys)
    }

    /// Changes the terminal's size, as when a window is resized.
    public func resize(columns: Int, rows: Int) throws {
        try checked(["resize-window", "-t", "test", "-x", "\(columns)", "-y", "\(rows)"])
    }

    /// The screen as the user sees it, one string per row, trailing spaces removed; a line that the
    /// terminal wrapped because it was wider than the screen is joined back into one (so it shows).
    public func screen() throws -> [String] {
        let captured = try checked(["capture-pane", "-p", "-J", "-t", "test"])
        var rows = captured.components(separatedBy: "\n")
        if rows.last == "" { rows.removeLast() }
        return rows.map { String($0.reversed().drop(while: { $0 == " " }).reversed()) }
    }

    /// Looks at the screen each time the program writes to its terminal, until `condition` holds or `seconds`
    /// pass; returns the last screen seen and whether the condition held.
    public func waitForScreen(seconds: Double = 30, _ condition: ([String]) -> Bool) throws -> (screen: [String], matched: Bool) {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            // Counted before looking: output that comes while the screen is read makes the wait return at once.
            let seen = written.read { $0 }
            let last = try screen()
            if condition(last) { return (last, true) }
            guard written.wait(until: deadline, for: { $0 > seen }) else {
                let final = try screen()
                return (final, condition(final))
            }
        }
    }

    /// Waits until some row contains `text`.
    public func waitFor(_ text: String, seconds: Double = 30) throws -> (screen: [String], matched: Bool) {
        try waitForScreen(seconds: seconds) { $0.contains { $0.contains(text) } }
    }

    /// The exit status of the program once it has ended, nil while it runs.
    public func exitStatus() throws -> Int32? {
        for row in try screen().reversed() where row.hasPrefix("[exit ") && row.hasSuffix("]") {
            return Int32(row.dropFirst(6).dropLast())
        }
        return nil
    }

    @discardableResult
    private func checked(_ arguments: [String]) throws -> String {
        let result = try tmux(arguments)
        guard result.status == 0 else { throw TmuxError.command(arguments, result.output) }
        return result.output
    }

    private static func shellQuoted(_ word: String) -> String {
        "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

/// tmux is missing, or one of its commands failed.
public enum TmuxError: Error, CustomStringConvertible {
    case notInstalled
    case command([String], String)

    public var description: String {
        switch self {
        case .notInstalled: return "tmux is not installed"
        case let .command(arguments, output): return "tmux \(arguments.joined(separator: " ")) failed: \(output)"
        }
    }
}
