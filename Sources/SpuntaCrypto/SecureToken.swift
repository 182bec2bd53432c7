/// Bearer tokens and their stored form: 32 random bytes shown once as unpadded base64url text; the
/// server keeps only the SHA-256 of the text, in hex, and compares in constant time.
public enum SecureToken {
    /// Random bytes in a token: 256 bits.
    public static let defaultByteCount = 32

    /// A new token: `byteCount` random bytes as base64url without padding (43 characters for 32 bytes).
    public static func generate(byteCount: Int = defaultByteCount) throws(SecureRandomError) -> String {
        Base64URL.encode(try SecureRandom.bytes(byteCount))
    }

    /// What the server stores for `token`: the lowercase hex SHA-256 of its text.
    public static func storedHash(of token: String) -> String {
        Hex.encode(SHA256.hash(token))
    }

    /// Whether a presented token matches a stored hash, compared in constant time.
    public static func matches(_ token: String, storedHash: String) -> Bool {
        ConstantTime.equals(self.storedHash(of: token), storedHash)
    }
}
