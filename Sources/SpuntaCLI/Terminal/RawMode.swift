import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A terminal switched to raw mode for single-key input: not canonical (no line editing, each key
/// arrives at once), no echo, no Ctrl-S/Ctrl-Q flow control, CR not turned into NL. Output processing
/// stays on, so "\n" still starts a new line. The same switch-and-restore serves a terminal whose only change
/// is that it does not echo (`disableEcho`), for the scanner's lines.
///
/// The saved settings come back on `restore()`, on deinit, at process exit, and on SIGINT, SIGTERM,
/// SIGHUP and SIGQUIT (after which the signal takes its previous course); Ctrl-Z restores the terminal
/// while the program is stopped and raw mode resumes on `fg`.
public final class RawMode: Sendable {
    private let isActive = Mutex(true)
    /// The terminal in raw mode.
    public let fileDescriptor: Int32

    private init(fileDescriptor: Int32) {
        self.fileDescriptor = fileDescriptor
    }

    /// Puts the terminal on `fileDescriptor` into raw mode. With `keepSignals`, Ctrl-C and Ctrl-Z still
    /// raise signals; without, they arrive as `.control("c")` and `.control("z")` keys.
    public static func enable(fileDescriptor: Int32 = STDIN_FILENO,
                              keepSignals: Bool = true) throws(TerminalError) -> RawMode {
        try switching(fileDescriptor) { rawSettings(from: $0, keepSignals: keepSignals) }
    }

    /// Turns off only the echo of the terminal on `fileDescriptor`: lines still arrive whole (canonical input,
    /// with the terminal's own line editing), signals still work, but what is typed is not printed. A barcode
    /// reader types a 33-character payload before each answer; echoed, it would push the answers off a
    /// 20-row screen. Restored like raw mode: on `restore()`, deinit, exit and the terminating signals.
    public static func disableEcho(fileDescriptor: Int32 = STDIN_FILENO) throws(TerminalError) -> RawMode {
        try switching(fileDescriptor) { settings in
            var quiet = settings
            quiet.c_lflag &= ~tcflag_t(ECHO | ECHONL)
            return quiet
        }
    }

    /// Applies `change` to the settings of the terminal on `fileDescriptor`, registering the original ones
    /// to be put back.
    private static func switching(_ fileDescriptor: Int32, _ change: (termios) -> termios) throws(TerminalError) -> RawMode {
        guard Terminal.isTerminal(fileDescriptor) else { throw .notATerminal(fileDescriptor: fileDescriptor) }
        var original = termios()
        guard tcgetattr(fileDescriptor, &original) == 0 else { throw .systemCall("tcgetattr", errno: errno) }
        var changed = change(original)
        TerminalRestorer.shared.register(fileDescriptor: fileDescriptor, original: original, raw: changed)
        // TCSADRAIN, not TCSAFLUSH: a scan typed ahead by a barcode reader must not be discarded.
        guard tcsetattr(fileDescriptor, TCSADRAIN, &changed) == 0 else {
            let failure = errno
            TerminalRestorer.shared.unregister(fileDescriptor: fileDescriptor)
            throw .systemCall("tcsetattr", errno: failure)
        }
        return RawMode(fileDescriptor: fileDescriptor)
    }

    /// Whether raw mode is still on (not yet restored).
    public var isEnabled: Bool {
        isActive.withLock { $0 }
    }

    /// Puts the saved settings back. Calling it again does nothing.
    public func restore() {
        let wasActive = isActive.withLock { isActive in
            defer { isActive = false }
            return isActive
        }
        if wasActive { TerminalRestorer.shared.unregister(fileDescriptor: fileDescriptor) }
    }

    deinit {
        restore()
    }

    /// The raw variant of `settings`.
    static func rawSettings(from settings: termios, keepSignals: Bool) -> termios {
        var raw = settings
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO | ECHONL | IEXTEN)
        if !keepSignals { raw.c_lflag &= ~tcflag_t(ISIG) }
        raw.c_iflag &= ~tcflag_t(IXON | ICRNL | INLCR | IGNCR)
        withUnsafeMutableBytes(of: &raw.c_cc) { controlCharacters in
            controlCharacters[Int(VMIN)] = 1
            controlCharacters[Int(VTIME)] = 0
        }
        return raw
    }
}
