import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A program of this package run as a real child process, its output collected line by line; killed when
/// released so that no test leaves a process behind.
public final class ChildProcess: @unchecked Sendable {
    public let process = Process()
    private let lock = NSLock()
    private var outLines: [String] = []
    private var errText = ""
    /// Set when each pipe reached end of file: the whole output has been collected.
    private var outEnded = false
    private var errEnded = false
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
        try process.run()
        // Read by threads of our own, not by Foundation's readabilityHandler: on Linux its pipes are non-blocking and
        // `availableData` answers an empty read that merely found no data yet as if it were end of file, so output
        // still on its way was lost (a 70 KB --json answer arrived cut at 24 or 48 KB).
        Self.drain(outPipe, { [weak self] data in
            guard let self else { return }
            let text = String(decoding: data, as: UTF8.self)
            self.lock.withLock {
                // The last element is the line still being written; it grows until a newline ends it.
                let pending = (self.outLines.popLast() ?? "") + text
                self.outLines.append(contentsOf: pending.components(separatedBy: "\n"))
            }
        }, ended: { [weak self] in self?.lock.withLock { self?.outEnded = true } })
        Self.drain(errPipe, { [weak self] data in
            guard let self else { return }
            self.lock.withLock { self.errText += String(decoding: data, as: UTF8.self) }
        }, ended: { [weak self] in self?.lock.withLock { self?.errEnded = true } })
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

    public var output: [String] { lock.withLock { outLines.filter { !$0.isEmpty } } }
    public var errors: String { lock.withLock { errText } }

    /// Waits for an output line containing `text`; returns it.
    public func waitForLine(containing text: String, seconds: Double = 20) -> String? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let line = output.first(where: { $0.contains(text) }) { return line }
            if !process.isRunning { return output.first(where: { $0.contains(text) }) }
            usleep(10_000)
        }
        return nil
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

    /// Waits for the process to end (killing it after `seconds`) and for its output to be read to the end;
    /// returns its exit status.
    @discardableResult
    public func wait(seconds: Double = 30) -> Int32 {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        // The exit can be noticed before the last bytes are read: wait for end of file on both pipes (a
        // grandchild still holding them open is given two seconds).
        let drained = Date().addingTimeInterval(2)
        while !lock.withLock({ outEnded && errEnded }) && Date() < drained { usleep(2_000) }
        return process.terminationStatus
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}
