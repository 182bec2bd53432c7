import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A pseudo-terminal pair for tests: what is written to `primary` is typed into `secondary`, which is
/// a real terminal for isatty, termios and TIOCGWINSZ.
final class PseudoTerminal {
    struct Unavailable: Error {
        let step: String
        let errorNumber: Int32
    }

    // TIOCSPTLCK and TIOCGPTN are function-like macros (_IOW/_IOR) that Swift does not import.
    private static let unlockRequest: UInt = 0x4004_5431
    private static let numberRequest: UInt = 0x8004_5430

    let primary: Int32
    let secondary: Int32

    init() throws {
        primary = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard primary >= 0 else { throw Unavailable(step: "open /dev/ptmx", errorNumber: errno) }
        var unlock: Int32 = 0
        var number: UInt32 = 0
        guard ioctl(primary, PseudoTerminal.unlockRequest, &unlock) == 0,
              ioctl(primary, PseudoTerminal.numberRequest, &number) == 0 else {
            let failure = errno
            close(primary)
            throw Unavailable(step: "unlock", errorNumber: failure)
        }
        secondary = open("/dev/pts/\(number)", O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard secondary >= 0 else {
            let failure = errno
            close(primary)
            throw Unavailable(step: "open /dev/pts/\(number)", errorNumber: failure)
        }
    }

    deinit {
        close(secondary)
        close(primary)
    }

    /// Types `bytes` on the terminal's keyboard.
    func type(_ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { write(primary, $0.baseAddress, $0.count) }
    }

    /// What the terminal printed back (its echo), waiting at most `timeoutMilliseconds` for the first byte.
    func echoed(timeoutMilliseconds: Int32) -> [UInt8] {
        var result: [UInt8] = []
        var descriptor = pollfd(fd: primary, events: Int16(POLLIN), revents: 0)
        var wait = timeoutMilliseconds
        while poll(&descriptor, 1, wait) > 0 {
            var chunk = [UInt8](repeating: 0, count: 256)
            let count = chunk.withUnsafeMutableBytes { read(primary, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            result += chunk[..<count]
            wait = 0
        }
        return result
    }

    func setSize(columns: UInt16, rows: UInt16) {
        var size = winsize(ws_row: rows, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(primary, UInt(TIOCSWINSZ), &size)
    }

    func settings() -> termios {
        var settings = termios()
        _ = tcgetattr(secondary, &settings)
        return settings
    }
}

/// Compares the fields raw mode touches.
func sameSettings(_ a: termios, _ b: termios) -> Bool {
    var a = a, b = b
    let sameControl = withUnsafeBytes(of: &a.c_cc) { x in withUnsafeBytes(of: &b.c_cc) { y in x.elementsEqual(y) } }
    return a.c_lflag == b.c_lflag && a.c_iflag == b.c_iflag && a.c_oflag == b.c_oflag && sameControl
}
