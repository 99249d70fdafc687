import JSON

/// One participant object of a call report, in the order it is listed.
public enum SimParty: Equatable {
    /// `ext` with one or more extension numbers (`extid`).
    case ext([String])
    /// `inbound{from,to,trunk,inboundid}`.
    case inbound(from: String, to: String, trunk: String, id: String)
    /// `outbound{from,to,trunk,outboundid}`.
    case outbound(from: String, to: String, trunk: String, id: String)
}

/// A report before it is given a shape: what happened, not how it is spelled.
public enum SimReport: Equatable {
    /// ALERT, RING, ANSWER, ANSWERED, BYE, Tranfer, CallFailed.
    case call(SimCallReport)
    case cdr(SimCDR)
    case extensionStatus(extension: String, status: String)
    case bootUp

    public var action: String {
        switch self {
        case .call(let c): return c.action
        case .cdr: return "NewCdr"
        case .extensionStatus: return "ExtensionStatus"
        case .bootUp: return "BootUp"
        }
    }

    public var callid: String? {
        switch self {
        case .call(let c): return c.callid
        case .cdr(let c): return c.callid
        case .extensionStatus, .bootUp: return nil
        }
    }
}

public struct SimCallReport: Equatable {
    public var action: String
    public var callid: String
    /// CallFailed only: SIP-style code. OpenVox sends it as a bare number before `callid`.
    public var reason: Int?
    public var parties: [SimParty]
    /// Extension-to-extension call: OpenVox writes every `extid` as an array (§9.1 observation).
    public var extidArray: Bool
    /// OpenVox omits `sn` on outbound ALERT/RING (§10.2).
    public var omitSN: Bool
}

public struct SimCDR: Equatable {
    public var callid: String
    public var timestart: String
    public var callfrom: String
    public var callto: String
    /// Whole seconds, sent as strings under the firmware's spelling `callduraction`.
    public var callDuration: Int64
    public var talkDuration: Int64
    /// ANSWERED / NO ANSWER / FAILED.
    public var status: String
    /// Internal / Inbound / Outbound.
    public var type: String
    /// Legacy only: `srctrunkname` (inbound) or `desttrunkname` (internal "", outbound trunk).
    public var trunkName: String
}

/// Spells a `SimReport` in one of the three shapes of §9.1, key order as captured.
public enum SimReportRenderer {
    public static func render(_ r: SimReport, shape: SimReportShape, sn: String) -> JSONValue {
        var o = JSONObject()
        switch r {
        case .bootUp:
            o.append("action", "BootUp")
            o.append("sn", .string(sn))
        case .extensionStatus(let ext, let status):
            o.append("action", "ExtensionStatus")
            o.append("extension", .string(ext))
            o.append("status", .string(status))
            if shape != .legacy { o.append("sn", .string(sn)) }
        case .cdr(let c):
            o.append("action", "NewCdr")
            o.append("callid", .string(c.callid))
            o.append("timestart", .string(c.timestart))
            o.append("callfrom", .string(c.callfrom))
            o.append("callto", .string(c.callto))
            if shape == .legacy {
                o.append(c.type == "Inbound" ? "srctrunkname" : "desttrunkname", .string(c.trunkName))
            }
            o.append("callduraction", .string(String(c.callDuration)))
            o.append("talkduraction", .string(String(c.talkDuration)))
            o.append("status", .string(c.status))
            o.append("type", .string(c.type))
            if shape != .legacy { o.append("sn", .string(sn)) }
        case .call(let c):
            o.append("action", .string(c.action))
            if let reason = c.reason {
                o.append("reason", shape == .openvox ? .int(Int64(reason)) : .string(reasonText(reason)))
            }
            o.append("callid", .string(c.callid))
            // Yeastar's 1.0.2 CallFailed example keeps top-level objects (§9.1); that is only
            // possible while no key repeats (one extension), else the `call` array is used.
            if shape == .yeastar102 && (c.reason == nil || extensionCount(c.parties) > 1) {
                var items: [JSONValue] = []
                for p in c.parties {
                    for (k, v) in members(p, extidArray: false, splitExts: true) {
                        items.append(.object([k: v]))
                    }
                }
                o.append("call", .array(items))
            } else {
                for p in c.parties {
                    for (k, v) in members(p, extidArray: shape == .openvox && c.extidArray, splitExts: shape != .openvox) {
                        o.append(k, v)
                    }
                }
            }
            switch shape {
            case .openvox: if !c.omitSN { o.append("sn", .string(sn)) }
            case .yeastar102: o.append("sn", .string(sn))
            case .legacy: break
            }
        }
        return .object(o)
    }

    public static func body(_ r: SimReport, shape: SimReportShape, sn: String) -> [UInt8] {
        JSON.serialize(render(r, shape: shape, sn: sn))
    }

    /// The member(s) for one participant. `splitExts` writes each extension as its own `ext`
    /// member (legacy duplicate keys) or its own `call` element.
    static func members(_ p: SimParty, extidArray: Bool, splitExts: Bool) -> [(String, JSONValue)] {
        switch p {
        case .ext(let ids):
            if extidArray {
                var arr: [JSONValue] = []
                for id in ids { arr.append(.string(id)) }
                return [("ext", .object(["extid": .array(arr)]))]
            }
            if splitExts || ids.count == 1 {
                var out: [(String, JSONValue)] = []
                for id in ids { out.append(("ext", .object(["extid": .string(id)]))) }
                return out
            }
            var arr: [JSONValue] = []
            for id in ids { arr.append(.string(id)) }
            return [("ext", .object(["extid": .array(arr)]))]
        case .inbound(let from, let to, let trunk, let id):
            return [("inbound", .object([
                "from": .string(from), "to": .string(to), "trunk": .string(trunk), "inboundid": .string(id),
            ]))]
        case .outbound(let from, let to, let trunk, let id):
            return [("outbound", .object([
                "from": .string(from), "to": .string(to), "trunk": .string(trunk), "outboundid": .string(id),
            ]))]
        }
    }

    static func extensionCount(_ parties: [SimParty]) -> Int {
        var n = 0
        for p in parties { if case .ext(let ids) = p { n += ids.count } }
        return n
    }

    /// Yeastar's string reasons (§10.1); OpenVox sends the bare number instead.
    static func reasonText(_ code: Int) -> String {
        switch code {
        case 404: return "404 NOT found"
        case 480: return "480 Temporarily unavailable"
        case 484: return "484 Address Incomplete"
        case 486: return "486 Busy Here"
        case 487: return "487 Request Terminated"
        case 603: return "603 Declined"
        default: return String(code)
        }
    }
}
