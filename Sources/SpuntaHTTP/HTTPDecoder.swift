import Foundation

/// Turns the bytes received on a connection into requests (RFC 9112), with limits. A pure function of its
/// input: it never blocks, never allocates beyond the limits, and answers every malformed input with the
/// status to send, so it can be fed junk (tests, fuzzing).
public enum HTTPDecoder {
    /// The bounds of one request.
    public struct Limits: Sendable {
        /// Request line and header fields together, CRLFs included.
        public var maxHeaderBytes: Int
        public var maxHeaderCount: Int
        public var maxBodyBytes: Int

        public init(maxHeaderBytes: Int = 16 * 1024, maxHeaderCount: Int = 100, maxBodyBytes: Int = 8 * 1024 * 1024) {
            self.maxHeaderBytes = maxHeaderBytes
            self.maxHeaderCount = maxHeaderCount
            self.maxBodyBytes = maxBodyBytes
        }
    }

    public enum Result: Sendable {
        /// The bytes so far are the start of a valid request: read more.
        case needMore
        /// A whole request, and how many bytes of the input it used (the rest is the next request).
        case request(HTTPRequest, consumed: Int)
        /// The input can never become a valid request: answer `status` and close.
        case failure(HTTPStatus, String)
    }

    /// Decodes the first request in `bytes`.
    public static func decode(_ bytes: [UInt8], limits: Limits = Limits(), remoteAddress: String = "") -> Result {
        bytes.withUnsafeBufferPointer { decode($0, limits: limits, remoteAddress: remoteAddress) }
    }

    public static func decode(_ bytes: UnsafeBufferPointer<UInt8>, limits: Limits, remoteAddress: String) -> Result {
        let cr: UInt8 = 13, lf: UInt8 = 10
        // Empty lines before a request are ignored (RFC 9112 §2.2).
        var start = 0
        while start + 1 < bytes.count, bytes[start] == cr, bytes[start + 1] == lf { start += 2 }
        // Find the end of the header section.
        var headerEnd = -1
        let searchLimit = min(bytes.count, start + limits.maxHeaderBytes + 4)
        var i = start
        while i + 3 < searchLimit {
            if bytes[i] == cr, bytes[i + 1] == lf, bytes[i + 2] == cr, bytes[i + 3] == lf {
                headerEnd = i
                break
            }
            i += 1
        }
        if headerEnd < 0 {
            if bytes.count - start > limits.maxHeaderBytes {
                return .failure(.headersTooLarge, "header section larger than \(limits.maxHeaderBytes) bytes")
            }
            // A request line that is already wrong need not wait for more bytes.
            if let problem = earlyProblem(bytes, from: start) { return problem }
            return .needMore
        }
        let head = UnsafeBufferPointer(rebasing: bytes[start..<headerEnd])
        var lines: [ArraySlice<UInt8>] = []
        var lineStart = 0
        var j = 0
        let headArray = Array(head)
        while j < headArray.count {
            if headArray[j] == cr {
                guard j + 1 < headArray.count, headArray[j + 1] == lf else {
                    return .failure(.badRequest, "bare CR in the header section")
                }
                lines.append(headArray[lineStart..<j])
                j += 2
                lineStart = j
            } else if headArray[j] == lf {
                return .failure(.badRequest, "bare LF in the header section")
            } else {
                j += 1
            }
        }
        lines.append(headArray[lineStart..<headArray.count])
        guard let requestLine = lines.first else { return .failure(.badRequest, "empty request") }
        let parts = requestLine.split(separator: 32, omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty else {
            return .failure(.badRequest, "malformed request line")
        }
        guard parts[0].allSatisfy(isTokenByte) else { return .failure(.badRequest, "invalid method") }
        let method = String(decoding: parts[0], as: UTF8.self)
        guard parts[1].allSatisfy({ $0 > 32 && $0 < 127 }) else { return .failure(.badRequest, "invalid request target") }
        let target = String(decoding: parts[1], as: UTF8.self)
        guard target.hasPrefix("/") || (target == "*" && method == "OPTIONS") else {
            return .failure(.badRequest, "request target must be a path")
        }
        let version = String(decoding: parts[2], as: UTF8.self)
        guard version.hasPrefix("HTTP/"), version.count == 8 else { return .failure(.badRequest, "malformed HTTP version") }
        guard version == "HTTP/1.1" || version == "HTTP/1.0" else {
            return .failure(.httpVersionNotSupported, "HTTP version \(version) not supported")
        }
        var headers = HTTPHeaders()
        var count = 0
        for line in lines.dropFirst() {
            guard let first = line.first else { return .failure(.badRequest, "empty header line") }
            if first == 32 || first == 9 { return .failure(.badRequest, "obsolete line folding") }
            guard let colon = line.firstIndex(of: 58) else { return .failure(.badRequest, "header field without colon") }
            let name = line[line.startIndex..<colon]
            guard !name.isEmpty, name.allSatisfy(isTokenByte) else { return .failure(.badRequest, "invalid header field name") }
            var value = line[line.index(after: colon)...]
            while let f = value.first, f == 32 || f == 9 { value = value.dropFirst() }
            while let l = value.last, l == 32 || l == 9 { value = value.dropLast() }
            guard value.allSatisfy({ $0 == 9 || ($0 >= 32 && $0 != 127) }) else {
                return .failure(.badRequest, "control character in a header value")
            }
            count += 1
            if count > limits.maxHeaderCount { return .failure(.headersTooLarge, "more than \(limits.maxHeaderCount) header fields") }
            headers.add(String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self))
        }
        if version == "HTTP/1.1", headers["Host"] == nil {
            return .failure(.badRequest, "missing Host header")
        }
        if !headers.values("Transfer-Encoding").isEmpty {
            return .failure(.notImplemented, "Transfer-Encoding is not supported: send a Content-Length body")
        }
        var length = 0
        let lengths = headers.values("Content-Length").flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        if let first = lengths.first {
            guard lengths.allSatisfy({ $0 == first }) else { return .failure(.badRequest, "conflicting Content-Length values") }
            guard !first.isEmpty, first.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
                return .failure(.badRequest, "invalid Content-Length")
            }
            guard first.count <= 12, let value = Int(first), value <= limits.maxBodyBytes else {
                return .failure(.payloadTooLarge, "body larger than \(limits.maxBodyBytes) bytes")
            }
            length = value
        }
        let bodyStart = headerEnd + 4
        guard bytes.count - bodyStart >= length else { return .needMore }
        let body = Data(UnsafeBufferPointer(rebasing: bytes[bodyStart..<(bodyStart + length)]))
        let request = HTTPRequest(method: method, target: target, version: version, headers: headers, body: body, remoteAddress: remoteAddress)
        return .request(request, consumed: bodyStart + length)
    }

    /// A request line already known to be wrong before the header section is complete.
    private static func earlyProblem(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Result? {
        // Lines end with CRLF: a bare LF anywhere is refused at once rather than waited on.
        for k in start..<bytes.count where bytes[k] == 10 && (k == start || bytes[k - 1] != 13) {
            return .failure(.badRequest, "bare LF in the header section")
        }
        var i = start
        while i < bytes.count, bytes[i] != 13, bytes[i] != 10 {
            let byte = bytes[i]
            if byte < 32 || byte >= 127 { return .failure(.badRequest, "invalid byte in the request line") }
            i += 1
        }
        if i - start > 8192 { return .failure(.badRequest, "request line too long") }
        // The method is a token: junk that does not start like one can be refused at once.
        var j = start
        while j < i, bytes[j] != 32 {
            if !isTokenByte(bytes[j]) { return .failure(.badRequest, "invalid method") }
            j += 1
        }
        return nil
    }

    /// tchar of RFC 9110 §5.6.2.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 48...57, 65...90, 97...122: return true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "'"),
             UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"),
             UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default: return false
        }
    }
}
