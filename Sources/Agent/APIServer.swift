import CallModel
import EventLoop
import HTTP
import JSON
import PBX

/// The native API (`/v1/...`) on the `[api] listen` address. Every answer is JSON; every
/// non-2xx answer carries `{"error":{"code":…,"message":…}}`.
public final class APIServer {
    public let server: HTTPServer
    /// The agent and its API server refer to each other and live as long as the process
    /// (Embedded Swift has no `weak`); `close()` releases the socket at shutdown.
    private let agent: Agent

    init(agent: Agent, address: SocketAddress) throws(SystemError) {
        self.agent = agent
        var handle: ((HTTPRequest, HTTPServerContext) -> Void)?
        server = try HTTPServer(loop: agent.loop, address: address, limits: .api, maxConnections: 256) { request, context in
            handle?(request, context)
        }
        handle = { [self] request, context in self.route(request, context) }
    }

    public var localAddress: SocketAddress { server.localAddress }

    public func close() { server.close() }

    static func json(_ status: Int, _ value: JSONValue) -> HTTPResponse {
        var body = JSON.serialize(value)
        body.append(UInt8(ascii: "\n"))
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        return HTTPResponse(status: status, headers: headers, body: body)
    }

    static func error(_ status: Int, code: String, message: String, extra: [JSONMember] = []) -> HTTPResponse {
        var o = JSONObject(extra)
        o.append("error", .object(CallJSON.error(code: code, message: message)))
        return json(status, .object(o))
    }

    private func route(_ request: HTTPRequest, _ context: HTTPServerContext) {
        let path = request.path
        let parts = path.split(separator: "/", omittingEmptySubsequences: true).map { String($0) }
        let method = request.method
        switch (parts.count, parts.first, parts.count > 1 ? parts[1] : "") {
        case (2, "v1", "calls"):
            guard method == "GET" else { return context.respond(methodNotAllowed("GET")) }
            context.respond(listCalls(request))
        case (3, "v1", "calls"):
            let key = HTTPTarget.percentDecoded(Array(parts[2].utf8), plusIsSpace: false)
            switch method {
            case "GET": context.respond(getCall(key))
            case "DELETE": deleteCall(key, context)
            default: context.respond(methodNotAllowed("GET, DELETE"))
            }
        case (2, "v1", "extensions"):
            guard method == "GET" else { return context.respond(methodNotAllowed("GET")) }
            context.respond(APIServer.json(200, extensionsJSON()))
        case (2, "v1", "health"):
            guard method == "GET" else { return context.respond(methodNotAllowed("GET")) }
            context.respond(APIServer.json(200, AgentHealth.json(agent)))
        default:
            context.respond(APIServer.error(404, code: "not_found", message: "no such endpoint: " + method + " " + path))
        }
    }

    private func methodNotAllowed(_ allowed: String) -> HTTPResponse {
        var r = APIServer.error(405, code: "method_not_allowed", message: "allowed: " + allowed)
        r.headers.add(name: "Allow", value: allowed)
        return r
    }

    private func listCalls(_ request: HTTPRequest) -> HTTPResponse {
        let query = request.queryParameters(limit: 16).map { ($0.name, $0.value) }
        let filter: CallFilter
        switch CallFilter.parse(query) {
        case .success(let f): filter = f
        case .failure(let e): return APIServer.error(400, code: "bad_request", message: e.message)
        }
        let now = agent.loop.wallClockMs()
        var list: [JSONValue] = []
        for call in agent.table.calls where filter.matches(call, now: now) {
            list.append(CallJSON.call(call, now: now))
        }
        var o = JSONObject()
        o.append("count", .int(Int64(list.count)))
        o.append("fresh", .bool(agent.table.isFresh))
        o.append("calls", .array(list))
        return APIServer.json(200, .object(o))
    }

    /// A call by agent id (digits) or by any PBX id of it (`1589953914.1775`).
    private func lookup(_ key: String) -> Call? { agent.table.call(matching: key) }

    private func getCall(_ key: String) -> HTTPResponse {
        guard let call = lookup(key) else {
            return APIServer.error(404, code: "not_found", message: "no call with id " + key)
        }
        return APIServer.json(200, CallJSON.call(call, now: agent.loop.wallClockMs()))
    }

    private func deleteCall(_ key: String, _ context: HTTPServerContext) {
        guard let call = lookup(key) else { return context.respond(hangupResponse(.unknown)) }
        agent.hangup(call.id) { [self] outcome in
            context.respond(self.hangupResponse(outcome))
        }
    }

    private func hangupResponse(_ outcome: HangupOutcome) -> HTTPResponse {
        let now = agent.loop.wallClockMs()
        func body(_ status: String, _ call: Call?) -> JSONObject {
            var o = JSONObject()
            o.append("status", .string(status))
            o.append("call", call.map { CallJSON.call($0, now: now) } ?? .null)
            return o
        }
        func failure(_ http: Int, _ status: String, _ call: Call?, code: String, message: String, errno: String? = nil) -> HTTPResponse {
            var o = body(status, call)
            o.append("error", .object(CallJSON.error(code: code, message: message, errno: errno)))
            return APIServer.json(http, .object(o))
        }
        switch outcome {
        case .hungUp(let call):
            return APIServer.json(200, .object(body("hung_up", call)))
        case .alreadyEnded(let call):
            return APIServer.json(200, .object(body("already_hung_up", call)))
        case .unknown:
            return failure(404, "not_found", nil, code: "not_found", message: "no such call in the table (agent id or PBX id)")
        case .noTarget(let call):
            return failure(409, "no_target", call, code: "no_hangup_target",
                           message: "the call has neither a PBX trunk id nor an extension to hang up by")
        case .refused(let call, let error):
            return failure(502, "refused", call, code: "pbx_refused", message: error.message, errno: error.errno?.code)
        case .unavailable(let call, let error):
            return failure(503, "unavailable", call, code: "pbx_unavailable", message: error.message)
        case .unconfirmed(let call):
            return failure(504, "unconfirmed", call, code: "unconfirmed",
                           message: "the PBX accepted the hangup but no BYE report arrived within "
                               + String(agent.config.api.hangupConfirmTimeoutMs) + " ms; the call stays live until a report or reconciliation ends it")
        case .shuttingDown:
            return failure(503, "unavailable", nil, code: "shutting_down", message: "the agent is shutting down")
        }
    }

    private func extensionsJSON() -> JSONValue {
        var list: [JSONValue] = []
        for (number, state) in agent.table.extensions.sorted(by: { $0.key < $1.key }) {
            var o = JSONObject()
            o.append("extension", .string(number.value))
            o.append("status", .string(state.status.description))
            o.append("changed_at", CallJSON.time(state.changedAt))
            o.append("updated_at", CallJSON.time(state.updatedAt))
            list.append(.object(o))
        }
        var o = JSONObject()
        o.append("count", .int(Int64(list.count)))
        o.append("extensions", .array(list))
        return .object(o)
    }
}
