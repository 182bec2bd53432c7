import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Facts about the terminal and the switch to raw mode. Screens must also fit 40 columns: handhelds
/// have narrow terminals, so layouts take their width from here.
public enum Terminal {
    /// The width assumed when nothing better is known.
    public static let defaultWidth = 80

    /// Whether `fileDescriptor` is a terminal (isatty).
    public static func isTerminal(_ fileDescriptor: Int32) -> Bool {
        isatty(fileDescriptor) == 1
    }

    /// Whether standard output is a terminal.
    public static var isStandardOutputTerminal: Bool { isTerminal(STDOUT_FILENO) }

    /// Whether standard input is a terminal.
    public static var isStandardInputTerminal: Bool { isTerminal(STDIN_FILENO) }

    /// Columns and rows of the terminal on `fileDescriptor` (ioctl TIOCGWINSZ), nil when it is not a
    /// terminal or does not say.
    public static func size(of fileDescriptor: Int32 = STDOUT_FILENO) -> (columns: Int, rows: Int)? {
        var size = winsize()
        guard ioctl(fileDescriptor, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return (Int(size.ws_col), Int(size.ws_row))
    }

    /// The width to lay out for: the terminal's, else a positive `COLUMNS`, else 80.
    public static func width(of fileDescriptor: Int32 = STDOUT_FILENO,
                             environment: [String: String] = ProcessInfo.processInfo.environment) -> Int {
        if let size = size(of: fileDescriptor) { return size.columns }
        if let columns = environment["COLUMNS"].flatMap({ Int($0) }), columns > 0 { return columns }
        return defaultWidth
    }

    /// Runs `body` with the terminal on `fileDescriptor` in raw mode (see `RawMode`), restoring it
    /// afterwards whatever happens.
    public static func withRawMode<T>(fileDescriptor: Int32 = STDIN_FILENO, keepSignals: Bool = true,
                                      _ body: () throws -> T) throws -> T {
        let rawMode = try RawMode.enable(fileDescriptor: fileDescriptor, keepSignals: keepSignals)
        defer { rawMode.restore() }
        return try body()
    }

    /// Runs `body` with the terminal on `fileDescriptor` in raw mode, restoring it afterwards.
    public static func withRawMode<T>(fileDescriptor: Int32 = STDIN_FILENO, keepSignals: Bool = true,
                                      _ body: () async throws -> T) async throws -> T {
        let rawMode = try RawMode.enable(fileDescriptor: fileDescriptor, keepSignals: keepSignals)
        defer { rawMode.restore() }
        return try await body()
    }
}
