import CallModel
import EventLoop
import HTTP
import PBX

/// Counters of the report listener, for `/v1/health`.
public struct ReportListenerCounters: Equatable {
    public var received: Int64 = 0
    public var applied: Int64 = 0
    public var rejected: Int64 = 0
    public var forbidden: Int64 = 0
    public var httpErrors: Int64 = 0
    public var deadLettered: Int64 = 0
    public var deadLetterFailures: Int64 = 0
    /// Per tolerated wire quirk (`ReportQuirks.all` names), so "tolerated" never means "unseen".
    public var quirks: [String: Int64] = [:]
}

/// Where the PBX pushes its reports. The PBX resends a report until it gets `200 OK`, so an
/// allowed source is always answered 200 and the connection closed (reference §8), whatever
/// the request held: a report the agent cannot use is counted, logged once per reason and kept
/// in the dead-letter file. Sources outside `allow` get 403 and only a counter moves.
public final class ReportListener {
    public let server: HTTPServer
    public private(set) var counters = ReportListenerCounters()
    private let allow: AgentConfig.AllowList
    private let normaliser = ReportNormaliser()
    private var deadLetters: DeadLetterFile
    private var log: Logger
    private let clock: () -> Int64
    private let onReport: (Report) -> Void
    /// Reasons already logged: each is logged once (then only counted), so a PBX that resends
    /// one bad report every few seconds cannot flood the log. Bounded.
    private var loggedReasons: Set<String> = []

    public init(loop: EventLoop, address: SocketAddress, config: AgentConfig.ReportsSection,
                log: Logger, onReport: @escaping (Report) -> Void) throws(SystemError) {
        var limits = HTTPLimits.pbxReports
        limits.maxBodyBytes = config.maxBodyBytes
        limits.headerTimeoutMs = config.readTimeoutMs
        limits.bodyTimeoutMs = config.readTimeoutMs
        limits.idleTimeoutMs = config.readTimeoutMs
        self.allow = config.allow
        self.deadLetters = DeadLetterFile(path: config.deadLetterPath, maxBytes: config.deadLetterMaxBytes)
        self.log = log
        self.clock = { loop.wallClockMs() }
        self.onReport = onReport
        var handle: ((HTTPRequest, HTTPServerContext) -> Void)?
        server = try HTTPServer(loop: loop, address: address, limits: limits,
                                maxConnections: config.maxConnections) { request, context in
            handle?(request, context)
        }
        handle = { [self] request, context in self.handle(request, context) }
        server.onParseError = { [self] error, peer in self.parseError(error, peer: peer) }
        server.onRejected = { [self] rejection in self.rejected(rejection) }
    }

    public var localAddress: SocketAddress { server.localAddress }

    public func close() { server.close() }

    private func allowed(_ peer: SocketAddress) -> Bool { allow.contains(ip: peer.ip) }

    private static func answer(_ status: Int) -> HTTPResponse {
        var headers = HTTPHeaders()
        headers.add(name: "Connection", value: "close")
        return HTTPResponse(status: status, headers: headers, body: [])
    }

    private func handle(_ request: HTTPRequest, _ context: HTTPServerContext) {
        guard allowed(context.peer) else {
            counters.forbidden += 1
            context.respond(ReportListener.answer(403))
            return
        }
        counters.received += 1
        if request.method != "POST" {
            keep(request.body, peer: context.peer, reason: "method " + request.method + " is not POST")
        } else {
            switch normaliser.normalise(body: request.body) {
            case .report(let report):
                count(report.quirks)
                counters.applied += 1
                onReport(report)
            case .rejected(let why):
                keep(request.body, peer: context.peer, reason: why.message)
            }
        }
        context.respond(ReportListener.answer(200))
    }

    private func parseError(_ error: HTTPError, peer: SocketAddress) -> HTTPResponse? {
        guard allowed(peer) else {
            counters.forbidden += 1
            return ReportListener.answer(403)
        }
        counters.httpErrors += 1
        return ReportListener.answer(200)
    }

    /// A request the HTTP decoder refused: keep the line where decoding stopped.
    private func rejected(_ rejection: HTTPServerRejection) {
        guard allowed(rejection.peer) else { return }
        keep(Array(rejection.excerpt.utf8), peer: rejection.peer, reason: "HTTP: " + rejection.error.message)
    }

    private func keep(_ body: [UInt8], peer: SocketAddress, reason: String) {
        counters.rejected += 1
        if deadLetters.append(atISO: TimeFormat.iso8601(ms: clock()), peer: peer.ip, reason: reason, body: body) {
            counters.deadLettered += 1
        } else {
            counters.deadLetterFailures += 1
            log.error("reports", "dead-letter file: " + (deadLetters.lastError ?? "write failed"))
        }
        if loggedReasons.count < 256 && !loggedReasons.contains(reason) {
            loggedReasons.insert(reason)
            log.warn("reports", "report from " + peer.ip + " kept in " + deadLetters.path + ": " + reason
                     + " (logged once; see counters)")
        }
    }

    private func count(_ quirks: ReportQuirks) {
        guard !quirks.isEmpty else { return }
        for (quirk, name) in ReportQuirks.all where quirks.contains(quirk) {
            counters.quirks[name, default: 0] += 1
        }
    }
}
