import Foundation

/// A command as a person copies it from what a program printed and pastes it into a shell: the line where it
/// starts and the lines a trailing `\` continues it on.
public enum CopiedCommand {
    /// Each command of `program` in `text`: from a line whose text starts with `program` and a space, through the
    /// lines its trailing `\` continues it on, as the lines read (the shell joins them back).
    public static func all(_ program: String, in text: String) -> [String] {
        var commands: [String] = []
        var current: [String]?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if var lines = current {
                lines.append(line)
                current = line.hasSuffix("\\") ? lines : nil
                if current == nil { commands.append(lines.joined(separator: "\n")) }
                continue
            }
            let trimmed = line.drop { $0 == " " }
            guard trimmed.hasPrefix(program + " ") else { continue }
            if line.hasSuffix("\\") { current = [String(trimmed)] } else { commands.append(String(trimmed)) }
        }
        if let lines = current { commands.append(lines.joined(separator: "\n")) }
        return commands
    }

    /// The words the shell reads from `command` (a command of `program` as copied), without running it.
    public static func words(_ command: String, program: String) throws -> [String] {
        let folder = try TemporaryFolder("spunta-copied")
        let echoed = try run("\(program)() { printf '%s\\n' \"$@\"; }\n" + command, in: folder.url)
        return [program] + echoed.output.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    /// Runs `command` with `/bin/sh -c` in `folder`, the package's programs first on PATH, SPUNTA_DB, SPUNTA_HOME and
    /// SPUNTA_NOW unset (the command must name what it acts on).
    public static func run(_ command: String, in folder: URL, environment extra: [String: String] = [:]) throws
        -> (status: Int32, output: String, error: String)
    {
        try run(URL(fileURLWithPath: "/bin/sh"), ["-c", command], in: folder, environment: extra)
    }

    /// Runs the package's program `program` with `arguments` in `folder`, as `run(_:in:environment:)` runs a shell.
    public static func run(program: String, _ arguments: [String], in folder: URL, environment extra: [String: String] = [:]) throws
        -> (status: Int32, output: String, error: String)
    {
        try run(ChildProcess.productsDirectory.appendingPathComponent(program), arguments, in: folder, environment: extra)
    }

    private static func run(_ executable: URL, _ arguments: [String], in folder: URL, environment extra: [String: String]) throws
        -> (status: Int32, output: String, error: String)
    {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = folder
        var environment = ProcessInfo.processInfo.environment
        for variable in ["SPUNTA_DB", "SPUNTA_HOME", "SPUNTA_NOW"] { environment[variable] = nil }
        environment["PATH"] = ChildProcess.productsDirectory.path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        for (key, value) in extra { environment[key] = value }
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Both pipes read before waiting: the outputs here are small, stdout first then stderr cannot block the child.
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self), String(decoding: errors, as: UTF8.self))
    }
}
