import EventLoop
import HTTP
import JSON

/// Why the simulator could not start.
public enum SimulatorError: Error, Equatable {
    case invalidSettings(String)
    case bind(what: String, error: SystemError)
    case usage(String)

    public var message: String {
        switch self {
        case .invalidSettings(let m): return "simulator settings: " + m
        case .bind(let what, let e): return "simulator: cannot listen for the " + what + ": " + e.message
        case .usage(let m): return "simulate: " + m
        }
    }
}

/// The PBX simulator on an event loop: the PBX API (default port 9011), the control API for
/// tests and the demo, and report delivery to the registered clients.
///
///     let sim = try Simulator(loop: loop, settings: SimulatorSettings())
///     try sim.start()          // binds; apiAddress / controlAddress now carry the ports
///     loop.run()
///     sim.stop()
///
/// Everything that decides what the PBX says is in `SimulatorEngine` (pure); this class only
/// moves bytes and runs the timers the engine asks for.
public final class Simulator {
    public let loop: EventLoop
    public let engine: SimulatorEngine
    public var logger: Logger
    /// Where to listen; port 0 lets the kernel choose (tests). `control` nil: no control API.
    public let apiListen: SocketAddress
    public let controlListen: SocketAddress?

    /// Bound addresses, set by `start()`.
    public private(set) var apiAddress: SocketAddress?
    public private(set) var controlAddress: SocketAddress?

    private var api: SimHTTPListener?
    private var control: SimHTTPListener?
    private let sender: ReportSender
    private var timer: TimerID?
    private var timerDeadline: Int64?
    private var running = false

    /// Connections each listener holds at most (hung ones included).
    public static let maxConnections = 256

    public static let defaultAPI = SocketAddress(ip: "127.0.0.1", port: 9011)
    public static let defaultControl = SocketAddress(ip: "127.0.0.1", port: 9012)

    public init(loop: EventLoop, settings: SimulatorSettings, api: SocketAddress? = nil, control: SocketAddress? = nil,
                controlEnabled: Bool = true, logger: Logger = Logger()) throws(SimulatorError) {
        guard settings.timeScale > 0 else { throw .invalidSettings("time scale must be above 0") }
        guard !settings.extensions.isEmpty else { throw .invalidSettings("at least one extension is needed") }
        guard let a = api ?? Simulator.defaultAPI else { throw .invalidSettings("no API address") }
        self.loop = loop
        self.logger = logger
        apiListen = a
        controlListen = controlEnabled ? (control ?? Simulator.defaultControl) : nil
        engine = SimulatorEngine(settings: settings, now: loop.refreshNow(), wallClockMs: loop.wallClockMs())
        sender = ReportSender(loop: loop)
    }

    /// Binds the listeners and starts the clock. Throws when a port is taken.
    public func start() throws(SimulatorError) {
        guard !running else { return }
        let apiServer: SimHTTPListener
        do throws(SystemError) {
            apiServer = try SimHTTPListener(loop: loop, name: "api", address: apiListen,
                                            maxConnections: Simulator.maxConnections, logger: logger) { _, _ in .close }
        } catch {
            throw .bind(what: "PBX API on " + apiListen.description, error: error)
        }
        if let c = controlListen {
            do throws(SystemError) {
                control = try SimHTTPListener(loop: loop, name: "control", address: c,
                                              maxConnections: Simulator.maxConnections, logger: logger) { _, _ in .close }
            } catch {
                apiServer.close()
                throw .bind(what: "control API on " + c.description, error: error)
            }
        }
        api = apiServer
        apiServer.handler = { [self] req, peer in self.handleAPI(req, peer) }
        apiServer.acceptMode = { [self] in
            self.engine.pbx.isRebooting ? .close : self.engine.pbx.silentMode
        }
        control?.handler = { [self] req, _ in self.handleControl(req) }
        apiAddress = apiServer.localAddress
        controlAddress = control?.localAddress
        running = true
        logger.info("simulator", "PBX API on " + apiServer.localAddress.description
            + (control.map { ", control API on " + $0.localAddress.description } ?? ""))
        pump()
    }

    /// Closes the listeners, abandons deliveries in flight and stops the timers. The engine
    /// keeps its state (a stopped simulator can be inspected).
    public func stop() {
        guard running else { return }
        running = false
        api?.close()
        control?.close()
        api = nil
        control = nil
        sender.cancelAll()
        if let t = timer { loop.cancel(t) }
        timer = nil
        timerDeadline = nil
    }

    /// The one-line startup message tests parse: `simulator: api=127.0.0.1:PORT control=127.0.0.1:PORT`.
    public var startupLine: String {
        "simulator: api=" + (apiAddress?.description ?? "-") + " control=" + (controlAddress?.description ?? "-")
    }

    // MARK: API

    private func handleAPI(_ req: HTTPRequest, _ peer: SocketAddress) -> SimHTTPReply {
        let now = loop.refreshNow()
        let reply = engine.handleAPI(SimAPIRequest(method: req.method, target: req.target, body: req.body),
                                     clientIP: peer.ip, now: now)
        defer { pump() }
        switch reply {
        case .noAnswer(let mode):
            logger.debug("simulator", "API " + req.method + " " + req.target + " from " + peer.ip + ": not answered (" + mode.name + ")")
            return mode == .close ? .close : .hang
        case .respond(let r):
            logger.debug("simulator", "API " + req.method + " " + req.target + " from " + peer.ip + ": "
                + (r.errno.map { "Failed " + $0 } ?? "Success"))
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: r.format.contentType)
            for h in SimAPIResponse.corsHeaders { headers.add(name: h.name, value: h.value) }
            return .respond(HTTPResponse(status: 200, headers: headers, body: r.body))
        }
    }

    // MARK: control

    private func handleControl(_ req: HTTPRequest) -> SimHTTPReply {
        let r = engine.control(method: req.method, target: req.target, body: req.body, now: loop.refreshNow())
        pump()
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        return .respond(HTTPResponse(status: r.status, headers: headers, body: r.body))
    }

    // MARK: clock and delivery

    /// Runs what is due, starts due delivery attempts and re-arms the one timer.
    func pump() {
        guard running else { return }
        let now = loop.refreshNow()
        engine.advance(now: now)
        for a in engine.dueAttempts(now: now) { startAttempt(a, now: now) }
        rearm(now: now)
    }

    private func startAttempt(_ a: SimDeliveryAttempt, now: Int64) {
        let d = a.delivery
        let label = d.action + (d.callid.map { " " + $0 } ?? "") + " to " + d.destination.key
            + (a.attempt > 1 ? " (attempt " + String(a.attempt) + ")" : "") + (a.duplicate ? " (duplicate)" : "")
        sender.send(a, bytes: engine.requestBytes(a), timeoutMs: engine.settings.deliveryTimeoutMs,
                    written: { [self] in self.engine.attemptWritten(a, now: self.loop.refreshNow()) },
                    done: { [self] outcome in
                        self.logger.debug("simulator", "report " + label + ": " + outcome.name)
                        self.engine.finish(a, outcome: outcome, now: self.loop.refreshNow())
                        self.pump()
                    })
    }

    private func rearm(now: Int64) {
        guard let d = engine.nextDeadline() else {
            if let t = timer { loop.cancel(t) }
            timer = nil
            timerDeadline = nil
            return
        }
        if timer != nil, timerDeadline == d { return }
        if let t = timer { loop.cancel(t) }
        // At least 1 ms: rounding between real and simulated time may put an event a hair
        // after the deadline computed for it.
        let delay = d - now > 0 ? d - now : 1
        timerDeadline = d
        timer = loop.schedule(afterMs: delay) { [self] in
            self.timer = nil
            self.timerDeadline = nil
            self.pump()
        }
    }
}
