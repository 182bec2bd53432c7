import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A program of this package run as a real child process, its output collected line by line; killed when
/// released so that no test leaves a process behind.
public final class ChildProcess: Sendable {
    /// What the child has written, and which of its ends have come.
    private struct Progress {
        var outLines: [String] = []
        var errText = ""
        /// Set when each pipe reached end of file: the whole output has been collected.
        var outEnded = false
        var errEnded = false
        var exited = false
    }

    public let process = Process()
    private let progress = Watched(Progress())
    private let outPipe = Pipe()
    private let errPipe = Pipe()
    private let inPipe = Pipe()

    /// The directory holding the package's built programs (beside the test bundle).
    public static var productsDirectory: URL {
        var url = Bundle.main.bundleURL
        while url.pathExtension == "xctest" || url.lastPathComponent.hasSuffix(".xctest") { url.deleteLastPathComponent() }
        if FileManager.default.fileExists(atPath: url.appendingPathComponent("spunta-server").path) { return url }
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    }

    /// Runs `program` with `arguments`; with `umask`, under that file-creation mask (through `sh`, which
    /// sets it and then becomes the program: the process id stays the program's).
    public init(_ program: String, _ arguments: [String], environment: [String: String] = [:], umask: mode_t? = nil) throws {
        let executable = Self.productsDirectory.appendingPathComponent(program)
        if let umask {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "umask \(String(umask, radix: 8)) && exec \"$0\" \"$@\"", executable.path] + arguments
        } else {
            process.executableURL = executable
            process.arguments = arguments
        }
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        process.standardOutput = outPipe
        process.standardError = errPipe
        process.standardInput = inPipe
        process.terminationHandler = { [progress] _ in progress.update { $0.exited = true } }
        try process.run()
        // Read by threads of our own, not by Foundation's readabilityHandler: on Linux its pipes are non-blocking and
        // `availableData` answers an empty read that merely found no data yet as if it were end of file, so output
        // still on its way was lost (a 70 KB --json answer arrived cut at 24 or 48 KB).
        Self.drain(outPipe, { [progress] data in
            let text = String(decoding: data, as: UTF8.self)
            progress.update { progress in
                // The last element is the line still being written; it grows until a newline ends it.
                let pending = (progress.outLines.popLast() ?? "") + text
                progress.outLines.append(contentsOf: pending.components(separatedBy: "\n"))
            }
        }, ended: { [progress] in progress.update { $0.outEnded = true } })
        Self.drain(errPipe, { [progress] data in
            progress.update { $0.errText += String(decoding: data, as: UTF8.self) }
        }, ended: { [progress] in progress.update { $0.errEnded = true } })
    }

    /// Reads `pipe` until end of file on a thread of its own. The thread keeps the pipe (and so its descriptor) open
    /// until then, so the descriptor can never be closed and reused under it; the child's end closes when it exits.
    private static func drain(_ pipe: Pipe, _ received: @escaping @Sendable (Data) -> Void, ended: @escaping @Sendable () -> Void) {
        let thread = Thread {
            let descriptor = pipe.fileHandleForReading.fileDescriptor
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = read(descriptor, &buffer, buffer.count)
                if count > 0 {
                    received(Data(buffer[0..<count]))
                } else if count == 0 {
                    break
                } else if errno == EINTR {
                    continue
                } else if errno == EAGAIN || errno == EWOULDBLOCK {
                    var request = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                    _ = poll(&request, 1, -1)
                } else {
                    break
                }
            }
            ended()
        }
        thread.start()
    }

    public var output: [String] { progress.read { $0.outLines.filter { !$0.isEmpty } } }
    public var errors: String { progress.read { $0.errText } }

    /// Waits for an output line containing `text` and returns it; nil when the output ends (or `seconds` pass)
    /// without one.
    public func waitForLine(containing text: String, seconds: Double = 20) -> String? {
        _ = progress.wait(until: Date().addingTimeInterval(seconds)) { progress in
            progress.outEnded || progress.outLines.contains { $0.contains(text) }
        }
        return output.first(where: { $0.contains(text) })
    }

    /// Waits until the standard error holds `text` (a server's log line); false when it ends (or `seconds` pass)
    /// without it.
    public func waitForError(containing text: String, seconds: Double = 20) -> Bool {
        _ = progress.wait(until: Date().addingTimeInterval(seconds)) { $0.errEnded || $0.errText.contains(text) }
        return errors.contains(text)
    }

    public func send(_ text: String) {
        // A child that has died must not take the test process down with SIGPIPE.
        Glibc.signal(SIGPIPE, SIG_IGN)
        try? inPipe.fileHandleForWriting.write(contentsOf: Data(text.utf8))
    }

    public func closeInput() {
        try? inPipe.fileHandleForWriting.close()
    }

    public func signal(_ sig: Int32) {
        if process.isRunning { kill(process.processIdentifier, sig) }
    }

    /// Waits for the process to end and for its output to be read to the end; returns its exit status. A process
    /// still running after `seconds` fails the test, and is killed.
    @discardableResult
    public func wait(seconds: Double = 120) -> Int32 {
        if !progress.wait(until: Date().addingTimeInterval(seconds), for: \.exited) {
            Issue.record("\(process.arguments?.joined(separator: " ") ?? "") still running after \(Int(seconds)) s: killed")
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
        // The exit can be noticed before the last bytes are read: wait for end of file on both pipes (a
        // grandchild still holding them open is given two seconds).
        _ = progress.wait(until: Date().addingTimeInterval(2)) { $0.outEnded && $0.errEnded }
        return process.terminationStatus
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}
