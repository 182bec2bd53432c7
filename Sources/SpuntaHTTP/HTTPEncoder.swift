import Foundation

/// Writes responses (and, for the client, requests) as HTTP/1.1 bytes.
public enum HTTPEncoder {
    /// The response bytes, with `Content-Length`, `Date` and `Connection` set.
    public static func encode(_ response: HTTPResponse, keepAlive: Bool, headOnly: Bool = false) -> [UInt8] {
        var text = "HTTP/1.1 \(response.status.code) \(response.status.reason)\r\n"
        var headers = response.headers
        headers.set("Content-Length", String(response.body.count))
        headers.set("Connection", keepAlive ? "keep-alive" : "close")
        if headers["Date"] == nil { headers.set("Date", httpDate(Date())) }
        for field in headers {
            text += "\(sanitize(field.name)): \(sanitize(field.value))\r\n"
        }
        text += "\r\n"
        var bytes = Array(text.utf8)
        if !headOnly { bytes.append(contentsOf: response.body) }
        return bytes
    }

    /// Request bytes for the client.
    public static func encodeRequest(method: String, target: String, host: String, headers: HTTPHeaders, body: Data) -> [UInt8] {
        var text = "\(method) \(target) HTTP/1.1\r\nHost: \(sanitize(host))\r\n"
        var all = headers
        if !body.isEmpty || method == "POST" || method == "PUT" { all.set("Content-Length", String(body.count)) }
        for field in all {
            text += "\(sanitize(field.name)): \(sanitize(field.value))\r\n"
        }
        text += "\r\n"
        var bytes = Array(text.utf8)
        bytes.append(contentsOf: body)
        return bytes
    }

    /// Header text never carries CR or LF: a value from outside cannot split the message.
    static func sanitize(_ text: String) -> String {
        text.contains(where: { $0 == "\r" || $0 == "\n" }) ? text.filter { $0 != "\r" && $0 != "\n" } : text
    }

    /// IMF-fixdate (RFC 9110 §5.6.7).
    static func httpDate(_ date: Date) -> String {
        var t = time_t(date.timeIntervalSince1970)
        var parts = tm()
        gmtime_r(&t, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(Int(parts.tm_year) + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }
}
