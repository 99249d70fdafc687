import CallModel
import EventLoop
import HTTP
import PBX

/// What became of one `DELETE /v1/calls/{id}`.
enum HangupOutcome {
    /// The BYE arrived: the call ended.
    case hungUp(Call)
    case alreadyEnded(Call)
    case unknown
    /// Live, but no PBX id and no extension to hang up by.
    case noTarget(Call)
    /// The PBX answered Failed.
    case refused(Call, PBXClientError)
    /// The PBX cannot be reached or the session is down.
    case unavailable(Call, PBXClientError)
    /// The PBX accepted the request but no BYE came within `hangup_confirm_timeout`.
    case unconfirmed(Call)
    case shuttingDown
}

/// A hangup request waiting for its call's BYE.
final class HangupWaiter {
    let respond: (HangupOutcome) -> Void
    var timer: TimerID?
    init(respond: @escaping (HangupOutcome) -> Void) { self.respond = respond }
}

extension Agent {
    /// Chooses the PBX request that fits the call (inbound by `inboundid`, outbound by
    /// `outboundid`, internal by extension), sends it, and waits for the call to end. The call
    /// stays live unless a report or reconciliation ends it: a refused or unconfirmed hangup
    /// changes nothing in the table.
    func hangup(_ id: CallID, respond: @escaping (HangupOutcome) -> Void) {
        counters.hangupRequests += 1
        guard let call = table.call(id: id) else { return respond(.unknown) }
        let plan = table.hangupPlan(for: id)
        let send: (@escaping (Result<Void, PBXClientError>) -> Void) -> Void
        switch plan {
        case .alreadyEnded: return respond(.alreadyEnded(call))
        case .unknown: return respond(.unknown)
        case .noTarget: return respond(.noTarget(call))
        case .inbound(let pbxID): send = { self.pbx.hangupInbound(pbxID, completion: $0) }
        case .outbound(let pbxID): send = { self.pbx.hangupOutbound(pbxID, completion: $0) }
        case .extension(let ext): send = { self.pbx.hangupExtension(ext, completion: $0) }
        }
        guard pbx.isLoggedIn else {
            counters.hangupsUnavailable += 1
            return respond(.unavailable(call, .notLoggedIn(pbx.state)))
        }
        log.info("calls", "hangup of call " + id.description + " requested: " + plan.description)
        apply(table.noteHangupRequested(id: id, now: loop.wallClockMs()))
        send { [self] result in
            // The BYE may have overtaken the PBX's reply.
            let current = self.table.call(id: id) ?? call
            switch result {
            case .success:
                if current.state == .ended {
                    self.counters.hangupsConfirmed += 1
                    return respond(.hungUp(current))
                }
                self.wait(for: id, respond: respond)
            case .failure(let error):
                if current.state == .ended { return respond(.alreadyEnded(current)) }
                if error.isRefusal || !error.isServiceUnavailable {
                    self.counters.hangupsRefused += 1
                    self.log.warn("calls", "hangup of call " + id.description + " refused: " + error.message)
                    respond(.refused(current, error))
                } else {
                    self.counters.hangupsUnavailable += 1
                    self.log.warn("calls", "hangup of call " + id.description + " failed: " + error.message)
                    respond(.unavailable(current, error))
                }
            }
        }
    }

    private func wait(for id: CallID, respond: @escaping (HangupOutcome) -> Void) {
        let waiter = HangupWaiter(respond: respond)
        waiter.timer = loop.schedule(afterMs: config.api.hangupConfirmTimeoutMs) { [self] in
            waiter.timer = nil
            self.waiters[id]?.removeAll { $0 === waiter }
            if self.waiters[id]?.isEmpty == true { self.waiters[id] = nil }
            self.counters.hangupsUnconfirmed += 1
            let call = self.table.call(id: id)
            self.log.warn("calls", "hangup of call " + id.description + " unconfirmed: no BYE within "
                          + String(self.config.api.hangupConfirmTimeoutMs) + " ms")
            if let call { waiter.respond(.unconfirmed(call)) } else { waiter.respond(.unknown) }
        }
        waiters[id, default: []].append(waiter)
    }

    /// A call ended (BYE, CallFailed, reconciliation): every hangup waiting for it is answered.
    func callEnded(_ call: Call) {
        guard let list = waiters.removeValue(forKey: call.id) else { return }
        for w in list {
            counters.hangupsConfirmed += 1
            finishWaiter(w, id: call.id, outcome: .hungUp(call))
        }
    }

    func finishWaiter(_ w: HangupWaiter, id: CallID, outcome: HangupOutcome) {
        if let t = w.timer { loop.cancel(t) }
        w.timer = nil
        w.respond(outcome)
    }
}
