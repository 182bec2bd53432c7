import Dispatch
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Remembers the settings of every terminal in raw mode and puts them back at exit and on signals,
/// so that a program that ends badly never leaves the user's terminal without echo.
///
/// Signals: the handler only writes the signal's number into a pipe; a thread of the restorer reads it and does
/// the work (restore, then let the signal take its course), so nothing but `write` runs inside the handler. A
/// dispatch signal source does not do here: on Linux it never fired for a Ctrl-C while the program sat in a
/// blocking read, and the signal was lost — the program neither stopped nor gave the echo back.
final class TerminalRestorer: Sendable {
    // Signal work runs on the restorer's thread (never inside a signal handler), so taking the lock there is allowed.

    static let shared = TerminalRestorer()

    /// Signals that end the process by default: restore, then let the signal take its course.
    static let terminatingSignals: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]

    private struct Saved {
        var original: termios
        var raw: termios
    }

    private struct State {
        var saved: [Int32: Saved] = [:]
        var handlersInstalled = false
        var previousActions: [Int32: sigaction] = [:]
        var exitHandlerInstalled = false
        /// Whether the pipe and the thread that reads it exist (made once, kept for the life of the process).
        var listening = false
    }

    private let state = Mutex(State())

    func register(fileDescriptor: Int32, original: termios, raw: termios) {
        state.withLock { state in
            if state.saved[fileDescriptor] == nil {
                state.saved[fileDescriptor] = Saved(original: original, raw: raw)
            } else {
                state.saved[fileDescriptor]?.raw = raw
            }
            if !state.exitHandlerInstalled {
                state.exitHandlerInstalled = true
                atexit { TerminalRestorer.shared.restoreAll() }
            }
            if !state.handlersInstalled { Self.installSignalHandlers(&state) }
        }
    }

    func unregister(fileDescriptor: Int32) {
        state.withLock { state in
            guard var entry = state.saved.removeValue(forKey: fileDescriptor) else { return }
            _ = tcsetattr(fileDescriptor, TCSADRAIN, &entry.original)
            if state.saved.isEmpty { Self.removeSignalHandlers(&state) }
        }
    }

    /// Whether any terminal is currently registered (for tests).
    var hasRegisteredTerminals: Bool {
        state.withLock { !$0.saved.isEmpty }
    }

    /// Puts back the original settings of every registered terminal, keeping the registrations.
    func restoreAll() {
        state.withLock { state in
            for (fileDescriptor, var entry) in state.saved {
                _ = tcsetattr(fileDescriptor, TCSANOW, &entry.original)
            }
        }
    }

    /// Applies raw mode again to every registered terminal (after the process was continued).
    private func reapplyAll() {
        state.withLock { state in
            for (fileDescriptor, var entry) in state.saved {
                _ = tcsetattr(fileDescriptor, TCSANOW, &entry.raw)
            }
        }
    }

    /// Called with the lock of `state` held.
    private static func installSignalHandlers(_ state: inout State) {
        guard listen(&state) else { return }
        state.handlersInstalled = true
        for signalNumber in TerminalRestorer.terminatingSignals + [SIGTSTP] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = forwardSignal
            sigemptyset(&action.sa_mask)
            // An interrupted read of the next scan is resumed, not failed.
            action.sa_flags = SA_RESTART
            var previous = sigaction()
            sigaction(signalNumber, &action, &previous)
            state.previousActions[signalNumber] = previous
        }
    }

    /// Called with the lock of `state` held.
    private static func removeSignalHandlers(_ state: inout State) {
        state.handlersInstalled = false
        for (signalNumber, var previous) in state.previousActions {
            sigaction(signalNumber, &previous, nil)
        }
        state.previousActions.removeAll()
    }

    /// The pipe the handler writes to and the thread that reads it. Called with the lock of `state` held; false when the
    /// pipe cannot be made (then no handler is installed and the signals keep their previous course).
    private static func listen(_ state: inout State) -> Bool {
        if state.listening { return true }
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { return false }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        signalPipeWriteEnd = ends[1]
        state.listening = true
        let readEnd = ends[0]
        let thread = Thread {
            // The thread inherits its creator's mask, where dispatch blocks these signals: the signal raised again
            // after the restore must reach this thread, or it would wait there for ever and the program go on.
            var signals = sigset_t()
            sigemptyset(&signals)
            for signalNumber in TerminalRestorer.terminatingSignals + [SIGTSTP] { sigaddset(&signals, signalNumber) }
            pthread_sigmask(SIG_UNBLOCK, &signals, nil)
            var byte: UInt8 = 0
            while true {
                let count = read(readEnd, &byte, 1)
                if count == 1 {
                    TerminalRestorer.shared.handle(Int32(byte))
                } else if count < 0 && errno == EINTR {
                    continue
                } else {
                    return
                }
            }
        }
        thread.name = "spunta.terminal-restorer"
        thread.start()
        return true
    }

    private func handle(_ signalNumber: Int32) {
        if signalNumber == SIGTSTP {
            // Ctrl-Z: give the shell a sane terminal while stopped, take raw mode back on `fg`.
            restoreAll()
            raise(SIGSTOP)
            reapplyAll()
            return
        }
        restoreAll()
        state.withLock { state in
            state.saved.removeAll()
            Self.removeSignalHandlers(&state)
        }
        raise(signalNumber)
    }
}

/// The write end of the restorer's pipe: set before any handler is installed and never changed after, so the
/// handler reads a plain integer and nothing else.
nonisolated(unsafe) private var signalPipeWriteEnd: Int32 = -1

/// The signal handler: one byte into the pipe (`write` is async-signal-safe), errno left as it was.
private func forwardSignal(_ signalNumber: Int32) {
    let savedErrno = errno
    var byte = UInt8(truncatingIfNeeded: signalNumber)
    _ = write(signalPipeWriteEnd, &byte, 1)
    errno = savedErrno
}
