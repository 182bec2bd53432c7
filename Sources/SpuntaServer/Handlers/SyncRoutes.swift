import Foundation
import SpuntaHTTP
import SpuntaProtocol

/// The endpoint table of spunta-sync/1 (protocol/sync.md): each route checks the protocol version where
/// the protocol requires it and hands the request to the sync service.
public enum SyncRoutes {
    public static func router(_ service: SyncService) -> Router {
        var router = Router()
        router.get("/healthz") { _ in response(service.health()) }
        router.get("/metrics") { _ in response(await service.metricsText()) }
        router.post("/v1/enroll") { request in
            try await versioned(service, request) {
                await service.enroll(body: request.body, client: ClientAddress.of(request, trustedProxies: service.settings.trustedProxies))
            }
        }
        router.post("/v1/push") { request in
            try await versioned(service, request) {
                await service.push(
                    authorization: request.headers["Authorization"], deviceTime: request.headers[ProtocolVersion.deviceTimeHeader],
                    deviceSeq: request.headers[ProtocolVersion.deviceSeqHeader],
                    backlog: request.headers[DeviceBacklog.header], body: request.body
                )
            }
        }
        router.get("/v1/pull") { request in
            try await versioned(service, request) {
                await service.pull(
                    authorization: request.headers["Authorization"], deviceTime: request.headers[ProtocolVersion.deviceTimeHeader],
                    deviceSeq: request.headers[ProtocolVersion.deviceSeqHeader],
                    backlog: request.headers[DeviceBacklog.header], query: request.query
                )
            }
        }
        router.get("/v1/device") { request in
            try await versioned(service, request) { await service.whoami(authorization: request.headers["Authorization"]) }
        }
        router.get("/v1/admin/status") { request in
            response(await service.adminStatus(authorization: request.headers["Authorization"]))
        }
        AdminRoutes.add(to: &router, AdminWeb(service: service))
        router.notFound = { _ in
            response(.error(WireError(status: 404, code: WireErrorCode.notFound, message: "Indirizzo inesistente.")))
        }
        router.methodNotAllowed = { _, allowed in
            var reply = response(.error(WireError(status: 405, code: WireErrorCode.methodNotAllowed,
                                                  message: "Metodo non ammesso per questo indirizzo.")))
            reply.headers.set("Allow", allowed.joined(separator: ", "))
            return reply
        }
        return router
    }

    private static func versioned(_ service: SyncService, _ request: HTTPRequest, _ body: () async -> Reply) async throws -> HTTPResponse {
        if let problem = service.versionProblem(request.headers[ProtocolVersion.header]) {
            return response(.error(problem))
        }
        return response(await body())
    }

    static func response(_ reply: Reply) -> HTTPResponse {
        var headers = HTTPHeaders(reply.headers)
        headers.set(ProtocolVersion.header, String(ProtocolVersion.current))
        return HTTPResponse(status: HTTPStatus(reply.status), headers: headers, body: reply.body)
    }
}
