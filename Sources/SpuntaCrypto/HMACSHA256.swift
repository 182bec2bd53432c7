import Foundation

/// HMAC with SHA-256 (RFC 2104, tested with the vectors of RFC 4231): a message authentication code
/// over a secret key. Incremental like `SHA256`, with one-shot helpers.
public struct HMACSHA256: Sendable {
    /// Length of an authentication code in bytes.
    public static let byteCount = SHA256.digestByteCount

    private var inner: SHA256
    private let outerKeyPad: [UInt8]

    /// Starts a code under `key`. A key longer than the 64-byte block is hashed first, as RFC 2104 says.
    public init(key: [UInt8]) {
        var blockKey = key.count > SHA256.blockByteCount ? SHA256.hash(key) : key
        blockKey.append(contentsOf: repeatElement(0, count: SHA256.blockByteCount - blockKey.count))
        outerKeyPad = blockKey.map { $0 ^ 0x5c }
        inner = SHA256()
        inner.update(blockKey.map { $0 ^ 0x36 })
    }

    /// Starts a code under `key`.
    public init(key: Data) {
        self.init(key: [UInt8](key))
    }

    /// Adds `bytes` to the message.
    public mutating func update(_ bytes: [UInt8]) { inner.update(bytes) }

    /// Adds `data` to the message.
    public mutating func update(_ data: Data) { inner.update(data) }

    /// Adds the UTF-8 encoding of `string` to the message.
    public mutating func update(_ string: String) { inner.update(string) }

    /// The authentication code of everything added so far.
    public func finalize() -> [UInt8] {
        var outer = SHA256()
        outer.update(outerKeyPad)
        outer.update(inner.finalize())
        return outer.finalize()
    }

    /// The code of `message` under `key`.
    public static func authenticationCode(for message: [UInt8], key: [UInt8]) -> [UInt8] {
        var mac = HMACSHA256(key: key)
        mac.update(message)
        return mac.finalize()
    }

    /// The code of the UTF-8 encoding of `message` under `key`.
    public static func authenticationCode(for message: String, key: [UInt8]) -> [UInt8] {
        var mac = HMACSHA256(key: key)
        mac.update(message)
        return mac.finalize()
    }

    /// Whether `code` is the code of `message` under `key`, compared in constant time.
    public static func isValid(_ code: [UInt8], for message: [UInt8], key: [UInt8]) -> Bool {
        ConstantTime.equals(code, authenticationCode(for: message, key: key))
    }
}
