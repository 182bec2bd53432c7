import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a command reads: standard input or, in tests, bytes given in advance. Barcode and QR scanners
/// act as keyboards, so each scan arrives as one line; screens read single keys in raw mode. Both come
/// from one buffer, so switching between lines and keys loses nothing.
public final class InputSource: Sendable {
    /// What was read and not yet consumed, and whether the input has ended.
    private struct Pending {
        var buffer: [UInt8]
        var reachedEnd: Bool
    }

    private let pending: Mutex<Pending>

    /// The descriptor read from; nil for bytes given in advance.
    public let fileDescriptor: Int32?

    /// The process's standard input.
    public static let standardInput = InputSource(fileDescriptor: STDIN_FILENO)

    /// Reads from `fileDescriptor`.
    public init(fileDescriptor: Int32) {
        self.fileDescriptor = fileDescriptor
        pending = Mutex(Pending(buffer: [], reachedEnd: false))
    }

    private init(bytes: [UInt8]) {
        fileDescriptor = nil
        pending = Mutex(Pending(buffer: bytes, reachedEnd: true))
    }

    /// Input made of these bytes, then end of input.
    public static func bytes(_ bytes: [UInt8]) -> InputSource {
        InputSource(bytes: bytes)
    }

    /// Input made of these lines, each ended by a newline, then end of input.
    public static func lines(_ lines: [String]) -> InputSource {
        InputSource(bytes: Array(lines.map { $0 + "\n" }.joined().utf8))
    }

    /// Whether the input is a terminal (a keyboard), as opposed to a file, a pipe or test bytes.
    public var isTerminal: Bool {
        fileDescriptor.map(Terminal.isTerminal) ?? false
    }

    /// The next line without its line ending (LF or CR LF), nil at end of input. Invalid UTF-8 is
    /// replaced, never fatal. Blocks until a line is complete.
    public func readLine() -> String? {
        pending.withLock { pending in
            while true {
                if let newline = pending.buffer.firstIndex(of: 0x0A) {
                    var line = Array(pending.buffer[..<newline])
                    pending.buffer.removeSubrange(...newline)
                    if line.last == 0x0D { line.removeLast() }
                    return String(decoding: line, as: UTF8.self)
                }
                if pending.reachedEnd || !fill(&pending, timeoutMilliseconds: nil) {
                    guard !pending.buffer.isEmpty else { return nil }
                    defer { pending.buffer.removeAll() }
                    return String(decoding: pending.buffer, as: UTF8.self)
                }
            }
        }
    }

    /// True once the input has ended (no more keys will come).
    public var isAtEnd: Bool { pending.withLock { $0.reachedEnd && $0.buffer.isEmpty } }

    /// The next key press, nil at end of input or when `timeoutMilliseconds` pass without one. Put the
    /// terminal in raw mode first (`Terminal.withRawMode`), or keys arrive only after Enter.
    public func readKey(timeoutMilliseconds: Int? = nil) -> Key? {
        pending.withLock { pending in
            if pending.buffer.isEmpty && (pending.reachedEnd || !fill(&pending, timeoutMilliseconds: timeoutMilliseconds)) {
                return nil
            }
            while true {
                switch KeyDecoder.decode(pending.buffer, atEnd: pending.reachedEnd) {
                case let .key(key, byteCount):
                    pending.buffer.removeFirst(byteCount)
                    return key
                case .incomplete:
                    // The rest of an escape sequence follows within a few milliseconds; a lone ESC does not.
                    if !fill(&pending, timeoutMilliseconds: 50) {
                        guard case let .key(key, byteCount) = KeyDecoder.decode(pending.buffer, atEnd: true) else {
                            return nil
                        }
                        pending.buffer.removeFirst(byteCount)
                        return key
                    }
                }
            }
        }
    }

    /// Reads what is available into `pending`, waiting at most `timeoutMilliseconds` (nil: forever).
    /// Returns false on timeout or end of input. Called with the lock of `pending` held.
    private func fill(_ pending: inout Pending, timeoutMilliseconds: Int?) -> Bool {
        guard let fileDescriptor, !pending.reachedEnd else { return false }
        if let timeoutMilliseconds {
            var descriptor = pollfd(fd: fileDescriptor, events: Int16(POLLIN), revents: 0)
            var ready: Int32
            repeat {
                ready = poll(&descriptor, 1, Int32(clamping: timeoutMilliseconds))
            } while ready < 0 && errno == EINTR
            guard ready > 0 else { return false }
        }
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fileDescriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                pending.buffer.append(contentsOf: chunk[..<count])
                return true
            }
            if count < 0 && errno == EINTR { continue }
            pending.reachedEnd = true
            return false
        }
    }
}
