import JSON

/// Query, device information and hangup endpoints (§4, §5, §12.19–§12.22).
extension SimulatedPBX {
    /// `inbound/query` / `outbound/query`: trunk calls only (internal calls never appear);
    /// `inboundid`/`outboundid` may list several ids separated by commas; no id lists all.
    func queryTrunkCalls(_ kind: SimCallKind, _ f: [SimField], format: SimResponseFormat) -> SimAPIResponse {
        let idField = kind == .inbound ? "inboundid" : "outboundid"
        let wanted = f.value(idField).map(SimulatedPBX.splitIDs)
        if wanted == nil && !settings.emptyQueryListsAll {
            return .failed(settings.errnos.missingParameter, format: format)
        }
        var items: [JSONValue] = []
        for c in calls where c.kind == kind {
            guard let id = c.trunkID else { continue }
            if let w = wanted, !w.contains(id) { continue }
            var o = JSONObject()
            o.append(idField, .string(id))
            o.append("from", .string(c.from))
            o.append("to", .string(kind == .inbound ? (c.inboundTo ?? "") : c.to))
            o.append("trunk", .string(c.trunk))
            if kind == .inbound {
                // An object on OpenVox (`openvox-inbound-query-response-1.json`), an array on Yeastar.
                o.append("callee", .object(["extid": .string(c.calleeExt ?? "")]))
            }
            o.append("status", .string(queryStatus(c)))
            items.append(.object(o))
        }
        return .success([JSONMember(key: kind == .inbound ? "inbound" : "outbound", value: .array(items))], format: format)
    }

    /// Yeastar's query states: ringing → Progress, on hold → Wait, connected → Talking.
    func queryStatus(_ c: SimCall) -> String {
        if c.state == .ringing { return "Progress" }
        return c.held ? "Wait" : "Talking"
    }

    static func splitIDs(_ s: String) -> [String] {
        var out: [String] = []
        var cur: [UInt8] = []
        for b in s.utf8 {
            if b == UInt8(ascii: ",") {
                if !cur.isEmpty { out.append(String(decoding: cur, as: UTF8.self)) }
                cur = []
            } else if b != UInt8(ascii: " ") {
                cur.append(b)
            }
        }
        if !cur.isEmpty { out.append(String(decoding: cur, as: UTF8.self)) }
        return out
    }

    /// Extension-list state: the only place `Hold` is visible (§4.3).
    public func listStatus(_ ext: String) -> String {
        if settings.unavailableExtensions.contains(ext) { return "Unavailable" }
        for c in calls where c.state == .talking && c.held && c.extensions.contains(ext) { return "Hold" }
        let s = derivedStatus(ext)
        if s == "Ringing" { return "Ringing" }
        if s == settings.busyStatus { return "Busy" }
        return "Registered"
    }

    func extensionList(format: SimResponseFormat) -> SimAPIResponse {
        var items: [JSONValue] = []
        for e in settings.extensions {
            items.append(.object([
                "extnumber": .string(e), "status": .string(listStatus(e)), "type": "pjsip",
                "username": .string(e), "agentid": "",
            ]))
        }
        return .success([JSONMember(key: "extlist", value: .array(items))], format: format)
    }

    func deviceInfo(format: SimResponseFormat, now: Int64) -> SimAPIResponse {
        let tz = settings.utcOffsetMinutes
        let info: JSONObject = [
            "devicename": .string(settings.deviceName),
            "sn": .string(settings.sn),
            "hardwarever": .string(settings.hardwareVersion),
            "firmwarever": .string(settings.firmwareVersion),
            "systemtime": .string(SimCalendar.dateTime(unixMs: clock.wall(now), utcOffsetMinutes: tz)),
            "uptime": .string(SimCalendar.bootDate(unixMs: bootWallMs, utcOffsetMinutes: tz)),
            "extensionstatus": .string(String(settings.extensions.count - settings.unavailableExtensions.count)
                + "/" + String(settings.extensionCapacity)),
        ]
        return .success([JSONMember(key: "deviceinfo", value: .object(info))], format: format)
    }

    /// `extension/hangup {"extid"}`: ends the extension's most recent call as if that
    /// extension hung up (a ringing call fails with 480).
    func hangupExtension(_ f: [SimField], format: SimResponseFormat, t: Int64, now: Int64,
                         deliveries: inout [SimDelivery]) -> SimAPIResponse {
        let e = settings.errnos
        guard let ext = f.value("extid") else { return .failed(e.missingParameter, format: format) }
        guard settings.extensions.contains(ext) else { return .failed(e.extensionUnknown, format: format) }
        var found: Int? = nil
        for (i, c) in calls.enumerated() where c.extensions.contains(ext) { found = i }
        guard let i = found else { return .failed(e.callUnknown, format: format) }
        counters.apiHangups += 1
        if calls[i].state == .ringing {
            deliveries += failCall(i, reason: 480, t: t, now: now)
        } else {
            let side: SimSide = calls[i].callerExt == ext ? .caller : .callee
            deliveries += hangupCall(i, by: side, t: t, now: now)
        }
        return .success(format: format)
    }

    /// `inbound/hangup {"inboundid"}` / `outbound/hangup {"outboundid"}`: the PBX drops the
    /// trunk side, which is listed first in the first BYE.
    func hangupTrunkCall(_ kind: SimCallKind, _ f: [SimField], format: SimResponseFormat, t: Int64, now: Int64,
                         deliveries: inout [SimDelivery]) -> SimAPIResponse {
        let e = settings.errnos
        guard let id = f.value(kind == .inbound ? "inboundid" : "outboundid") else {
            return .failed(e.missingParameter, format: format)
        }
        var found: Int? = nil
        for (i, c) in calls.enumerated() where c.kind == kind {
            if c.legA == id || (settings.hangupAcceptsAnyLegID && c.legB == id) { found = i }
        }
        guard let i = found else { return .failed(e.callUnknown, format: format) }
        counters.apiHangups += 1
        if calls[i].state == .ringing {
            deliveries += failCall(i, reason: 480, t: t, now: now)
        } else {
            deliveries += hangupCall(i, by: kind == .inbound ? .caller : .callee, t: t, now: now)
        }
        return .success(format: format)
    }

    /// `extension/hold` / `extension/unhold`: no report exists for hold (§10.1); only the
    /// extension list and the query status show it.
    func hold(_ f: [SimField], on: Bool, format: SimResponseFormat) -> SimAPIResponse {
        let e = settings.errnos
        guard let ext = f.value("extid") else { return .failed(e.missingParameter, format: format) }
        guard settings.extensions.contains(ext) else { return .failed(e.extensionUnknown, format: format) }
        for (i, c) in calls.enumerated() where c.state == .talking && c.extensions.contains(ext) {
            calls[i].held = on
            return .success(format: format)
        }
        return .failed(e.callUnknown, format: format)
    }
}
