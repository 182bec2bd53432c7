import Foundation

/// The address of the client a request comes from (indirizzo del client). Normally the socket's peer; behind a
/// reverse proxy every request comes from the proxy, which names the client in `X-Forwarded-For`. That header is
/// believed only when the peer is a proxy the administrator trusts: anybody else can write anything in it.
public enum ClientAddress {
    /// The client of `request`. With the peer among `trustedProxies`, the last address in `X-Forwarded-For`
    /// that is not itself a trusted proxy (what the nearest proxy saw; addresses before it were written by the
    /// client and are not believed); the peer when there is none or it does not look like an address.
    public static func of(_ request: HTTPRequest, trustedProxies: Set<String>) -> String {
        let peer = host(of: request.remoteAddress)
        // Several header lines read as one list, in order (RFC 9110 §5.3).
        let forwarded = request.headers.values("X-Forwarded-For").joined(separator: ",")
        guard trustedProxies.contains(peer), !forwarded.isEmpty else { return peer }
        for hop in forwarded.split(separator: ",").reversed() {
            let address = hop.trimmingCharacters(in: .whitespaces)
            guard looksLikeAddress(address) else { return peer }
            if !trustedProxies.contains(address) { return address }
        }
        return peer
    }

    /// `127.0.0.1:53211` → `127.0.0.1`.
    static func host(of remote: String) -> String {
        guard let colon = remote.lastIndex(of: ":"), !remote.contains("[") else { return remote }
        return String(remote[..<colon])
    }

    /// IPv4 or IPv6 text: hex digits, dots and colons, not too long. Anything else is not used as a key.
    static func looksLikeAddress(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 45
            && text.utf8.allSatisfy { (48...58).contains($0) || $0 == 46 || (65...70).contains($0) || (97...102).contains($0) }
    }
}
