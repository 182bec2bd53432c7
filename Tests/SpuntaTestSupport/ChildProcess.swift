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

    public init(_ program: String, _ arguments: [String], environment: [String: String] = [:]) throws {
        process.executableURL = Self.productsDirectory.appendingPathComponent(program)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        process.standardOutput = outPipe
        process.standardError = errPipe
        process.standardInput = inPipe
        outPipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self else { return }
            guard !data.isEmpty else {
                self.lock.withLock { self.outEnded = true }
                return
            }
            let text = String(decoding: data, as: UTF8.self)
            self.lock.withLock {
                // The last element is the line still being written; it grows until a newline ends it.
                let pending = (self.outLines.popLast() ?? "") + text
                self.outLines.append(contentsOf: pending.components(separatedBy: "\n"))
            }
        }
        errPipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self else { return }
            guard !data.isEmpty else {
                self.lock.withLock { self.errEnded = true }
                return
            }
            self.lock.withLock { self.errText += String(decoding: data, as: UTF8.self) }
        }
        try process.run()
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
        outPipe.fileHandleForReading.readabilityHandler = nil
        errPipe.fileHandleForReading.readabilityHandler = nil
    }
}
