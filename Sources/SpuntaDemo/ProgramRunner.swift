import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Runs the package's own programs as real processes for the demo (esecuzione dei programmi).
public struct ProgramRunner: Sendable {
    /// The folder holding `spunta` and `spunta-server`.
    public let directory: URL

    /// The folder of the running program (read from /proc/self/exe, so it works whatever the current directory).
    public static func besideThisProgram() -> ProgramRunner {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return ProgramRunner(directory: URL(fileURLWithPath: exe).deletingLastPathComponent())
    }

    public init(directory: URL) {
        self.directory = directory
    }

    public func path(_ program: String) -> String {
        directory.appendingPathComponent(program).path
    }

    public struct Result: Sendable {
        public let status: Int32
        public let output: String
        public let errors: String
    }

    /// Runs a program to its end, `input` on its standard input, `environment` added to this process's own.
    @discardableResult
    public func run(_ program: String, _ arguments: [String], input: String? = nil, environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path(program))
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, added in added }
        let out = Pipe(), err = Pipe(), inPipe = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = inPipe
        do {
            try process.run()
        } catch {
            throw DemoError.programMissing(path(program))
        }
        signal(SIGPIPE, SIG_IGN)
        if let input { try? inPipe.fileHandleForWriting.write(contentsOf: Data(input.utf8)) }
        try? inPipe.fileHandleForWriting.close()
        // Read both pipes before waiting: a full pipe would block the child forever.
        let group = DispatchGroup()
        let box = OutputBox()
        group.enter()
        DispatchQueue.global().async {
            box.setErrors(err.fileHandleForReading.readDataToEndOfFile())
            group.leave()
        }
        let output = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: String(decoding: output, as: UTF8.self),
                      errors: String(decoding: box.errors, as: UTF8.self))
    }

    /// Runs a program that must succeed; otherwise the demo stops with its message.
    @discardableResult
    public func must(_ program: String, _ arguments: [String], input: String? = nil, environment: [String: String] = [:]) throws -> Result {
        let result = try run(program, arguments, input: input, environment: environment)
        guard result.status == 0 else {
            throw DemoError.stepFailed("\(program) \(arguments.prefix(3).joined(separator: " "))", result.errors.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return result
    }
}

/// Collects a pipe's bytes read on another thread.
private final class OutputBox: Sendable {
    private let data = Mutex(Data())
    func setErrors(_ value: Data) { data.withLock { $0 = value } }
    var errors: Data { data.withLock { $0 } }
}

/// The server running in the background during the demo.
public final class BackgroundServer: Sendable {
    private let process = Process()
    public let url: String

    /// `environment` is added to this process's own (the demo passes its story's clock).
    public init(runner: ProgramRunner, database: String, port: Int, environment: [String: String] = [:]) throws {
        process.executableURL = URL(fileURLWithPath: runner.path("spunta-server"))
        process.arguments = ["serve", "--db", database, "--listen", "127.0.0.1:\(port)", "--access-log", "off"]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, added in added }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        // The reader gathers the server's output until the line with its address; the semaphore wakes the
        // start when that line arrives or the output ends (the server stopped).
        let text = Mutex("")
        let found = Mutex<String?>(nil)
        let settled = DispatchSemaphore(value: 0)
        out.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            guard !data.isEmpty else {
                handle.readabilityHandler = nil
                settled.signal()
                return
            }
            let seen = text.withLock { $0 += String(decoding: data, as: UTF8.self); return $0 }
            if found.withLock({ $0 }) == nil, let line = seen.split(separator: "\n").first(where: { $0.contains("http://") }),
               let address = line.split(separator: " ").first(where: { $0.hasPrefix("http://") }) {
                found.withLock { $0 = String(address) }
                settled.signal()
            }
        }
        do {
            try process.run()
        } catch {
            throw DemoError.programMissing(runner.path("spunta-server"))
        }
        _ = settled.wait(timeout: .now() + 20)
        guard let address = found.withLock({ $0 }) else {
            out.fileHandleForReading.readabilityHandler = nil
            url = ""
            stop()
            throw DemoError.stepFailed("spunta-server serve", "il server non è partito")
        }
        url = address
    }

    public var port: Int { Int(url.split(separator: ":").last ?? "0") ?? 0 }

    /// SIGTERM, then wait: the server finishes what is in flight.
    public func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
        }
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}

/// Why the demo stopped.
public enum DemoError: Error, CustomStringConvertible {
    case programMissing(String)
    case stepFailed(String, String)
    case workspaceExists(String)

    public var description: String {
        switch self {
        case .programMissing(let path):
            return "programma \(path) non trovato: compilare il pacchetto (swift build) e riprovare."
        case .stepFailed(let step, let reason):
            return "passo della demo non riuscito (\(step)): \(reason)"
        case .workspaceExists(let path):
            return "la cartella \(path) esiste già e non è vuota: sceglierne un'altra."
        }
    }
}
