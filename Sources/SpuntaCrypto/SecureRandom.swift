#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Cryptographically secure random bytes from the kernel: getentropy(3) (the getrandom(2) system call),
/// falling back to reading /dev/urandom. Never a seeded generator. Used for tokens, card ids, codes.
public enum SecureRandom {
    /// getentropy(3) refuses requests larger than this.
    private static let entropyChunk = 256

    /// `count` random bytes.
    public static func bytes(_ count: Int) throws(SecureRandomError) -> [UInt8] {
        precondition(count >= 0, "a byte count is never negative")
        var bytes = [UInt8](repeating: 0, count: count)
        // withUnsafeMutableBytes is `rethrows`, which would widen the error to `any Error`: carry it out instead.
        let failure = bytes.withUnsafeMutableBytes { buffer -> SecureRandomError? in
            do throws(SecureRandomError) { try fill(buffer) } catch { return error }
            return nil
        }
        if let failure { throw failure }
        return bytes
    }

    /// Fills `buffer` with random bytes.
    public static func fill(_ buffer: UnsafeMutableRawBufferPointer) throws(SecureRandomError) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        var offset = 0
        while offset < buffer.count {
            let length = min(entropyChunk, buffer.count - offset)
            if getentropy(base + offset, length) != 0 {
                try fillFromDevice(UnsafeMutableRawBufferPointer(start: base + offset, count: buffer.count - offset))
                return
            }
            offset += length
        }
    }

    /// A uniformly distributed integer in `0..<upperBound`, by rejection sampling (no modulo bias).
    public static func uniform(below upperBound: UInt64) throws(SecureRandomError) -> UInt64 {
        precondition(upperBound > 0, "the range 0..<upperBound must not be empty")
        // The largest multiple of upperBound that fits: values at or above it are redrawn.
        let limit = UInt64.max - (UInt64.max % upperBound + 1) % upperBound
        while true {
            let random = try bytes(8)
            let value = random.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            if value <= limit { return value % upperBound }
        }
    }

    private static func fillFromDevice(_ buffer: UnsafeMutableRawBufferPointer) throws(SecureRandomError) {
        let descriptor = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw SecureRandomError(errorNumber: errno) }
        defer { close(descriptor) }
        guard let base = buffer.baseAddress else { return }
        var offset = 0
        while offset < buffer.count {
            let result = read(descriptor, base + offset, buffer.count - offset)
            if result > 0 {
                offset += result
            } else if result < 0 && errno == EINTR {
                continue
            } else {
                throw SecureRandomError(errorNumber: result == 0 ? EIO : errno)
            }
        }
    }
}
