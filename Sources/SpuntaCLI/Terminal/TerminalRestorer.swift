import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Remembers the settings of every terminal in raw mode and puts them back at exit and on signals,
/// so that a program that ends badly never leaves the user's terminal without echo.
final class TerminalRestorer: @unchecked Sendable {
    // Safe to share: every stored property is read and written only while `lock` is held. Signal work
    // runs on a dispatch queue (never inside a signal handler), so taking the lock there is allowed.

    static let shared = TerminalRestorer()

    /// Signals that end the process by default: restore, then let the signal take its course.
    static let terminatingSignals: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]

    private struct Saved {
        var original: termios
        var raw: termios
    }

    private let lock = NSLock()
    private var saved: [Int32: Saved] = [:]
    private var sources: [any DispatchSourceSignal] = []
    private var previousActions: [Int32: sigaction] = [:]
    private var exitHandlerInstalled = false
    private let queue = DispatchQueue(label: "spunta.terminal-restorer")

    func register(fileDescriptor: Int32, original: termios, raw: termios) {
        lock.withLock {
            if saved[fileDescriptor] == nil {
                saved[fileDescriptor] = Saved(original: original, raw: raw)
            } else {
                saved[fileDescriptor]?.raw = raw
            }
            if !exitHandlerInstalled {
                exitHandlerInstalled = true
                atexit { TerminalRestorer.shared.restoreAll() }
            }
            if sources.isEmpty { installSignalHandlers() }
        }
    }

    func unregister(fileDescriptor: Int32) {
        lock.withLock {
            guard var entry = saved.removeValue(forKey: fileDescriptor) else { return }
            _ = tcsetattr(fileDescriptor, TCSADRAIN, &entry.original)
            if saved.isEmpty { removeSignalHandlers() }
        }
    }

    /// Whether any terminal is currently registered (for tests).
    var hasRegisteredTerminals: Bool {
        lock.withLock { !saved.isEmpty }
    }

    /// Puts back the original settings of every registered terminal, keeping the registrations.
    func restoreAll() {
        lock.withLock {
            for (fileDescriptor, var entry) in saved {
                _ = tcsetattr(fileDescriptor, TCSANOW, &entry.original)
            }
        }
    }

    /// Applies raw mode again to every registered terminal (after the process was continued).
    private func reapplyAll() {
        lock.withLock {
            for (fileDescriptor, var entry) in saved {
                _ = tcsetattr(fileDescriptor, TCSANOW, &entry.raw)
            }
        }
    }

    /// Called with `lock` held.
    private func installSignalHandlers() {
        for signalNumber in TerminalRestorer.terminatingSignals + [SIGTSTP] {
            var previous = sigaction()
            sigaction(signalNumber, nil, &previous)
            previousActions[signalNumber] = previous
            // A dispatch signal source only sees the signal once its default action is disabled.
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: queue)
            source.setEventHandler { TerminalRestorer.shared.handle(signalNumber) }
            source.resume()
            sources.append(source)
        }
    }

    /// Called with `lock` held.
    private func removeSignalHandlers() {
        for source in sources { source.cancel() }
        sources.removeAll()
        for (signalNumber, var previous) in previousActions {
            sigaction(signalNumber, &previous, nil)
        }
        previousActions.removeAll()
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
        lock.withLock {
            saved.removeAll()
            removeSignalHandlers()
        }
        raise(signalNumber)
    }
}
