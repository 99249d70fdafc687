/// Planning a hang-up and recording that one was asked for. The PBX request itself is the
/// shell's; its outcome does not end the call (only a BYE, a CallFailed or reconciliation does).
extension CallTable {
    /// Inbound calls by their latest `inboundid`, outbound calls by their latest `outboundid`;
    /// internal calls, and trunk calls whose id is unknown, by an extension still on the call
    /// (the first current party: the caller unless it transferred away).
    public func hangupPlan(for id: CallID) -> HangupPlan {
        guard let c = table[id] else { return .unknown }
        guard c.isLive else { return .alreadyEnded }
        switch c.direction {
        case .inbound:
            if let t = c.trunkID { return .inbound(t) }
        case .outbound:
            if let t = c.trunkID { return .outbound(t) }
        case .internal:
            break
        }
        if let e = c.parties.first { return .extension(e) }
        // A trunk call whose extension transferred away keeps none in `parties`; an extension
        // hang-up is only safe while one is still on the call.
        if c.direction == .internal, let e = c.extensions.first { return .extension(e) }
        return .noTarget
    }

    /// Records a hang-up request: the call shows `hangup_requested` and stays live. Returns an
    /// `.updated` event, or nothing for an unknown or ended call.
    @discardableResult
    public mutating func noteHangupRequested(id: CallID, now: Int64) -> [Effect] {
        guard var c = table[id], c.isLive else { return [] }
        c.hangupRequestedAt = now
        store(c)
        return [event(.updated, c)]
    }
}
