import Foundation

/// A program of the system the tests check against (Debian's `zbarimg`, `rsvg-convert`): found on the PATH, run to
/// its end with its output collected.
public enum SystemTool {
    /// The program's path, nil when it is not installed.
    public static func path(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") + ["/usr/bin"] where FileManager.default.isExecutableFile(atPath: "\(directory)/\(name)") {
            return "\(directory)/\(name)"
        }
        return nil
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String

        public init(description: String) {
            self.description = description
        }
    }

    /// Runs `name` with `arguments`; its standard output and error are read to their end before it is waited for.
    public static func run(_ name: String, _ arguments: [String]) throws -> (status: Int32, output: String, errors: String) {
        guard let executable = path(name) else { throw Failure(description: "\(name) is not installed") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // The error stream is drained on another queue, so that neither pipe can fill while the other is read.
        let group = DispatchGroup()
        let errors = ErrorText()
        DispatchQueue.global().async(group: group) {
            errors.text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        }
        let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        group.wait()
        process.waitUntilExit()
        return (process.terminationStatus, output, errors.text)
    }

    /// Written by the draining queue before `group.wait()` returns, read after: the group orders the two.
    private final class ErrorText: @unchecked Sendable {
        var text = ""
    }
}
