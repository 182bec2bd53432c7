/// Something that answers requests. An error thrown becomes a 500; the server goes on.
public protocol HTTPHandler: Sendable {
    func handle(_ request: HTTPRequest) async throws -> HTTPResponse
    /// What the server answers in the handler's place when it has not answered by the deadline
    /// (`HTTPServer.Configuration.handlerDeadline`). Called on the server's event loop: it must not block.
    func deadlineExceeded(for request: HTTPRequest) -> HTTPResponse
}

extension HTTPHandler {
    /// 503 with a short Italian text.
    public func deadlineExceeded(for request: HTTPRequest) -> HTTPResponse {
        HTTPResponse.lateAnswer
    }
}

extension HTTPResponse {
    /// The server's own answer to a request its handler did not answer in time.
    public static let lateAnswer = HTTPResponse.text(
        "Il server non ha risposto in tempo: riprovare tra poco.\n", status: .serviceUnavailable
    )
}

/// Routes by method and path, with `:name` path parameters: `router.get("/healthz") { request in … }`.
/// A path that exists with another method answers 405 with `Allow`; an unknown path 404. Routes that share a
/// check form a group (`group(_:middleware:_:)`), so that no route can forget it.
public struct Router: HTTPHandler {
    public typealias Handler = @Sendable (HTTPRequest) async throws -> HTTPResponse
    /// A check shared by the routes of a group: answers in their place, or passes the request on to `next`.
    public typealias Middleware = @Sendable (_ request: HTTPRequest, _ next: Handler) async throws -> HTTPResponse

    private struct Route: Sendable {
        let method: String
        let pattern: String
        let segments: [Substring]
        let handler: Handler
    }

    private var routes: [Route] = []
    /// What to answer when nothing matches (404) or the method is wrong (405); defaults to plain text.
    public var notFound: @Sendable (HTTPRequest) -> HTTPResponse = { _ in .text("Not Found\n", status: .notFound) }
    public var methodNotAllowed: @Sendable (HTTPRequest, [String]) -> HTTPResponse = { _, allowed in
        var response = HTTPResponse.text("Method Not Allowed\n", status: .methodNotAllowed)
        response.headers.set("Allow", allowed.joined(separator: ", "))
        return response
    }

    /// What to answer when a handler misses its deadline; defaults to `HTTPResponse.lateAnswer`.
    public var deadlineExceeded: @Sendable (HTTPRequest) -> HTTPResponse = { _ in .lateAnswer }

    public init() {}

    public mutating func on(_ method: String, _ path: String, _ handler: @escaping Handler) {
        routes.append(Route(method: method, pattern: path, segments: path.split(separator: "/"), handler: handler))
    }

    public mutating func get(_ path: String, _ handler: @escaping Handler) { on("GET", path, handler) }
    public mutating func post(_ path: String, _ handler: @escaping Handler) { on("POST", path, handler) }

    /// Routes under `prefix` that all pass `middleware` first:
    /// `router.group("/v1", middleware: versionCheck) { v1 in v1.post("/push") { … } }` registers `/v1/push`.
    public mutating func group(_ prefix: String, middleware: @escaping Middleware, _ build: (inout RouteGroup) -> Void) {
        var group = RouteGroup(prefix: prefix)
        build(&group)
        for route in group.routes {
            let handler = route.handler
            on(route.method, route.path) { request in try await middleware(request, handler) }
        }
    }

    public func deadlineExceeded(for request: HTTPRequest) -> HTTPResponse {
        deadlineExceeded(request)
    }

    public func handle(_ request: HTTPRequest) async throws -> HTTPResponse {
        let segments = request.path.split(separator: "/")
        var allowed: [String] = []
        for route in routes {
            guard let parameters = match(route.segments, segments) else { continue }
            let method = request.method == "HEAD" ? "GET" : request.method
            guard route.method == method else {
                allowed.append(route.method)
                continue
            }
            var request = request
            request.parameters = parameters
            return try await route.handler(request)
        }
        return allowed.isEmpty ? notFound(request) : methodNotAllowed(request, allowed)
    }

    /// The pattern a path falls under (`/items/:id` for `/items/42`), whatever the method; nil for a path no
    /// route has. Counts and logs use it so that the paths clients invent never become series of their own.
    public func pattern(of path: String) -> String? {
        let segments = path.split(separator: "/")
        return routes.first { match($0.segments, segments) != nil }?.pattern
    }

    private func match(_ pattern: [Substring], _ path: [Substring]) -> [String: String]? {
        guard pattern.count == path.count else { return nil }
        var parameters: [String: String] = [:]
        for (p, s) in zip(pattern, path) {
            if p.hasPrefix(":") {
                parameters[String(p.dropFirst())] = String(s)
            } else if p != s {
                return nil
            }
        }
        return parameters
    }
}

/// The routes of one group while it is being declared (`Router.group`): paths relative to the group's prefix.
public struct RouteGroup {
    let prefix: String
    fileprivate var routes: [(method: String, path: String, handler: Router.Handler)] = []

    init(prefix: String) {
        self.prefix = prefix
    }

    public mutating func on(_ method: String, _ path: String, _ handler: @escaping Router.Handler) {
        routes.append((method, prefix + path, handler))
    }

    public mutating func get(_ path: String, _ handler: @escaping Router.Handler) { on("GET", path, handler) }
    public mutating func post(_ path: String, _ handler: @escaping Router.Handler) { on("POST", path, handler) }
}
