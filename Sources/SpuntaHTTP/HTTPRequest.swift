import Foundation

/// A request as the server received it: method, path, decoded query, headers, body, and who sent it.
public struct HTTPRequest: Sendable {
    public var method: String
    /// The target as sent (`/v1/pull?cursor=c:12`).
    public var target: String
    /// The path without the query, percent-decoded.
    public var path: String
    /// Query parameters, percent-decoded; the first value wins when a name repeats.
    public var query: [String: String]
    public var version: String
    public var headers: HTTPHeaders
    public var body: Data
    /// The peer's address (`127.0.0.1:53211`).
    public var remoteAddress: String
    /// Path parameters filled in by the router (`:id`).
    public var parameters: [String: String] = [:]

    public init(
        method: String, target: String, version: String = "HTTP/1.1", headers: HTTPHeaders = HTTPHeaders(), body: Data = Data(),
        remoteAddress: String = ""
    ) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.body = body
        self.remoteAddress = remoteAddress
        let (path, query) = Self.split(target)
        self.path = path
        self.query = query
    }

    /// Whether the client asked to keep the connection open after the response.
    public var keepAlive: Bool {
        let connection = headers["Connection"]?.lowercased() ?? ""
        if version == "HTTP/1.0" { return connection.contains("keep-alive") }
        return !connection.contains("close")
    }

    /// The fields of an `application/x-www-form-urlencoded` body (an HTML form), decoded as the query is; the first
    /// value wins when a name repeats.
    public var formFields: [String: String] {
        Self.split("?" + String(decoding: body, as: UTF8.self)).1
    }

    /// The value of the cookie `name` from the `Cookie` header, if the browser sent it.
    public func cookie(_ name: String) -> String? {
        for header in headers.values("Cookie") {
            for pair in header.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == name {
                    return parts[1].trimmingCharacters(in: .whitespaces)
                }
            }
        }
        return nil
    }

    static func split(_ target: String) -> (String, [String: String]) {
        guard let mark = target.firstIndex(of: "?") else {
            return (percentDecode(target, plusIsSpace: false), [:])
        }
        let path = percentDecode(String(target[..<mark]), plusIsSpace: false)
        var query: [String: String] = [:]
        for pair in target[target.index(after: mark)...].split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = percentDecode(String(parts[0]), plusIsSpace: true)
            let value = parts.count > 1 ? percentDecode(String(parts[1]), plusIsSpace: true) : ""
            if query[name] == nil { query[name] = value }
        }
        return (path, query)
    }

    /// `%XX` decoding; invalid escapes are kept as they are.
    static func percentDecode(_ text: String, plusIsSpace: Bool) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = Array(text.utf8)[...]
        while let byte = iterator.popFirst() {
            if byte == UInt8(ascii: "%"), iterator.count >= 2,
               let high = hex(iterator[iterator.startIndex]), let low = hex(iterator[iterator.startIndex + 1]) {
                bytes.append(high << 4 | low)
                iterator = iterator.dropFirst(2)
            } else if byte == UInt8(ascii: "+"), plusIsSpace {
                bytes.append(UInt8(ascii: " "))
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 48...57: return byte - 48
        case 65...70: return byte - 55
        case 97...102: return byte - 87
        default: return nil
        }
    }
}
