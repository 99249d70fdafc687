/// What one call report says about its call, worked out once: ids, direction, trunk leg,
/// extensions and the roles the report states.
struct ReportFacts {
    let kind: ReportKind
    /// `callid`, `inboundid`, `outboundid`: distinct, in that order.
    let ids: [PBXCallID]
    /// Inbound if the report has `inbound`, outbound if `outbound`, internal if only extensions.
    let direction: Direction
    /// The `inbound` object if any, else the `outbound` object.
    let leg: TrunkLeg?
    /// Distinct, in payload order (the order carries meaning).
    let extensions: [ExtensionNumber]
    let caller: String?
    let callee: String?
    /// The report states roles: a trunk object (from/to), an ALERT (the caller) or a RING
    /// (callee first). ANSWER, BYE and CallFailed order their parties inconsistently (the two
    /// OpenVox ANSWER captures of one callid list 106,101 and 101,106).
    let rolesDefinite: Bool
    let trunkListedFirst: Bool

    init(_ r: Report) {
        kind = r.kind
        var ids: [PBXCallID] = []
        for id in [r.callID, r.inbound?.id, r.outbound?.id] {
            if let id, !ids.contains(id) { ids.append(id) }
        }
        self.ids = ids
        if let l = r.inbound {
            direction = .inbound; leg = l
        } else if let l = r.outbound {
            direction = .outbound; leg = l
        } else {
            direction = .internal; leg = nil
        }
        var exts: [ExtensionNumber] = []
        for e in r.extensions where !exts.contains(e) { exts.append(e) }
        extensions = exts
        trunkListedFirst = r.trunkListedFirst && leg != nil

        if let leg {
            caller = leg.from; callee = leg.to; rolesDefinite = true
        } else {
            switch r.kind {
            case .alert:
                // Ring-back: the caller, alone.
                caller = exts.first?.value; callee = nil; rolesDefinite = !exts.isEmpty
            case .ring:
                callee = exts.first?.value
                caller = exts.count > 1 ? exts[1].value : nil
                rolesDefinite = !exts.isEmpty
            default:
                // A guess in RING order, used only to fill in a call created from this report.
                callee = exts.first?.value
                caller = exts.count > 1 ? exts[1].value : nil
                rolesDefinite = false
            }
        }
    }

    var legKey: TrunkKey? {
        guard let leg else { return nil }
        return TrunkKey(direction: direction, from: leg.from, to: leg.to, trunk: leg.trunk)
    }

    var isSetup: Bool {
        switch kind {
        case .alert, .ring: return true
        default: return false
        }
    }

    var seenFlag: SeenReports {
        switch kind {
        case .alert: return .alert
        case .ring: return .ring
        case .answer, .answered: return .answer
        case .bye: return .bye
        case .callFailed: return .failed
        case .transfer: return .transfer
        case .newCdr: return .cdr
        default: return []
        }
    }

    /// The party listed first: for a first BYE, the one who hung up. A trunk object listed
    /// first stands for the external party: `inbound.from` or `outbound.to`.
    var firstListedParty: String? {
        if trunkListedFirst, let leg {
            return direction == .inbound ? leg.from : leg.to
        }
        if let e = extensions.first { return e.value }
        if let leg { return direction == .inbound ? leg.from : leg.to }
        return nil
    }

    /// For anomaly messages: "BYE callid 1589953914.1775 ext 106,101".
    var summary: String {
        var s = kind.name
        if let first = ids.first { s += " callid " + first.value }
        if !extensions.isEmpty { s += " ext " + joinedNumbers(extensions) }
        if let leg { s += " " + direction.description + " " + leg.from + "->" + leg.to + " trunk " + leg.trunk }
        return s
    }
}
