import Foundation
import SpuntaHTTP
import SpuntaProtocol

/// The endpoint table of spunta-sync/1 (protocol/sync.md): the device's endpoints form one group that checks the
/// protocol version first; each hands the request to the sync service.
public enum SyncRoutes {
    public static func router(_ service: SyncService) -> Router {
        var router = Router()
        router.get("/healthz") { _ in response(service.health()) }
        router.get("/metrics") { _ in response(await service.metricsText()) }
        router.group("/v1", middleware: { request, next in
            if let problem = service.versionProblem(request.headers[ProtocolVersion.header]) {
                return response(.error(problem))
            }
            return try await next(request)
        }) { v1 in
            v1.post("/enroll") { request in
                response(await service.enroll(body: request.body, client: ClientAddress.of(request, trustedProxies: service.settings.trustedProxies)))
            }
            v1.post("/push") { request in
                await noted(service, request, await service.push(
                    authorization: request.headers["Authorization"], deviceTime: request.headers[ProtocolVersion.deviceTimeHeader],
                    deviceSeq: request.headers[ProtocolVersion.deviceSeqHeader],
                    backlog: request.headers[DeviceBacklog.header], body: request.body
                ))
            }
            v1.get("/pull") { request in
                await noted(service, request, await service.pull(
                    authorization: request.headers["Authorization"], deviceTime: request.headers[ProtocolVersion.deviceTimeHeader],
                    deviceSeq: request.headers[ProtocolVersion.deviceSeqHeader],
                    backlog: request.headers[DeviceBacklog.header], query: request.query
                ))
            }
            v1.get("/device") { request in response(await service.whoami(authorization: request.headers["Authorization"])) }
        }
        // The admin's status is read by admin tools, which do not speak the device protocol: no version check.
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
        router.deadlineExceeded = { _ in
            response(.error(WireError(status: 503, code: WireErrorCode.deadlineExceeded,
                                      message: "Il server non ha risposto in tempo: riprovare tra poco. Un invio ripetuto non conta due volte.")))
        }
        return router
    }

    /// A device's push or pull as answered; one refused because the device is revoked still tells what waits on it.
    static func noted(_ service: SyncService, _ request: HTTPRequest, _ reply: Reply) async -> HTTPResponse {
        if reply.status == 403 {
            await service.noteRevoked(authorization: request.headers["Authorization"], backlog: request.headers[DeviceBacklog.header])
        }
        return response(reply)
    }

    static func response(_ reply: Reply) -> HTTPResponse {
        var headers = HTTPHeaders(reply.headers)
        headers.set(ProtocolVersion.header, String(ProtocolVersion.current))
        return HTTPResponse(status: HTTPStatus(reply.status), headers: headers, body: reply.body)
    }
}
