import XCTest
@testable import CallModel

/// Reports as the PBX normaliser would produce them from OpenVox captures: the same ids,
/// parties and participant order, and `digest` = FNV-1a of the compact wire body (OpenVox key
/// order), so a resend dedupes and two different reports never do.
enum Wire {
    static let sn = "a09805021987"
    static let trunk = "to-18-16-2"

    static func leg(_ from: String, _ to: String, _ id: String?, trunk: String = Wire.trunk) -> TrunkLeg {
        TrunkLeg(from: from, to: to, trunk: trunk, id: id.map { PBXCallID($0) })
    }

    /// The compact body of a call report. OpenVox writes `extid` as an array for
    /// extension-to-extension calls and as a string for trunk calls (reference §9.1).
    static func body(_ kind: ReportKind, _ callid: String?, ext: [String], inbound: TrunkLeg?, outbound: TrunkLeg?,
                     trunkFirst: Bool, sn: String?) -> String {
        var b = "{\"action\":\"" + kind.name + "\""
        if case .callFailed(let reason?) = kind {
            switch reason {
            case .sip(let code, let text): b += ",\"reason\":" + (text.isEmpty ? String(code) : "\"\(code) \(text)\"")
            case .text(let t): b += ",\"reason\":\"" + t + "\""
            }
        }
        if let callid { b += ",\"callid\":\"" + callid + "\"" }
        var extPart = ""
        if !ext.isEmpty {
            if inbound == nil && outbound == nil {
                extPart = "\"ext\":{\"extid\":[" + ext.map { "\"" + $0 + "\"" }.joined(separator: ",") + "]}"
            } else {
                extPart = "\"ext\":{\"extid\":\"" + ext[0] + "\"}"
            }
        }
        var trunkPart = ""
        if let l = inbound { trunkPart = "\"inbound\":" + legJSON(l, idName: "inboundid") }
        if let l = outbound { trunkPart = "\"outbound\":" + legJSON(l, idName: "outboundid") }
        for part in (trunkFirst ? [trunkPart, extPart] : [extPart, trunkPart]) where !part.isEmpty { b += "," + part }
        if let sn { b += ",\"sn\":\"" + sn + "\"" }
        return b + "}"
    }

    static func legJSON(_ l: TrunkLeg, idName: String) -> String {
        var s = "{\"from\":\"" + l.from + "\",\"to\":\"" + l.to + "\",\"trunk\":\"" + l.trunk + "\""
        if let id = l.id { s += ",\"" + idName + "\":\"" + id.value + "\"" }
        return s + "}"
    }

    static func report(_ kind: ReportKind, _ callid: String?, ext: [String] = [], inbound: TrunkLeg? = nil,
                       outbound: TrunkLeg? = nil, trunkFirst: Bool = false, sn: String? = Wire.sn) -> Report {
        let b = body(kind, callid, ext: ext, inbound: inbound, outbound: outbound, trunkFirst: trunkFirst, sn: sn)
        var quirks: ReportQuirks = []
        if inbound == nil && outbound == nil && !ext.isEmpty { quirks.insert(.extidArray) }
        if sn == nil { quirks.insert(.missingSerial) }
        if case .callFailed(.sip(_, let text)?) = kind, text.isEmpty { quirks.insert(.numericReason) }
        return Report(kind: kind, callID: callid.map { PBXCallID($0) }, extensions: ext.map { ExtensionNumber($0) },
                      inbound: inbound, outbound: outbound, serial: sn, quirks: quirks,
                      digest: fnv1a64(Array(b.utf8)), trunkListedFirst: trunkFirst)
    }

    static func alert(_ callid: String, ext: [String] = [], inbound: TrunkLeg? = nil, sn: String? = Wire.sn) -> Report {
        report(.alert, callid, ext: ext, inbound: inbound, sn: sn)
    }
    static func ring(_ callid: String, ext: [String], inbound: TrunkLeg? = nil, outbound: TrunkLeg? = nil, sn: String? = Wire.sn) -> Report {
        // RING lists the callee first: `outbound` then `ext`; `ext` then `inbound`.
        report(.ring, callid, ext: ext, inbound: inbound, outbound: outbound, trunkFirst: outbound != nil, sn: sn)
    }
    static func answer(_ callid: String, ext: [String], inbound: TrunkLeg? = nil, outbound: TrunkLeg? = nil) -> Report {
        report(.answer, callid, ext: ext, inbound: inbound, outbound: outbound)
    }
    static func bye(_ callid: String, ext: [String], inbound: TrunkLeg? = nil, outbound: TrunkLeg? = nil, trunkFirst: Bool = false) -> Report {
        report(.bye, callid, ext: ext, inbound: inbound, outbound: outbound, trunkFirst: trunkFirst)
    }
    static func transfer(_ callid: String, ext: [String], inbound: TrunkLeg? = nil, outbound: TrunkLeg? = nil) -> Report {
        report(.transfer, callid, ext: ext, inbound: inbound, outbound: outbound)
    }
    static func failed(_ callid: String, reason: FailureReason? = .sip(code: 480, text: ""), ext: [String],
                       inbound: TrunkLeg? = nil, outbound: TrunkLeg? = nil) -> Report {
        report(.callFailed(reason), callid, ext: ext, inbound: inbound, outbound: outbound)
    }

    static func cdr(_ callid: String, start: String, from: String, to: String, duration: Int64, talk: Int64,
                    status: String, type: String) -> Report {
        let b = "{\"action\":\"NewCdr\",\"callid\":\"" + callid + "\",\"timestart\":\"" + start + "\",\"callfrom\":\"" + from
            + "\",\"callto\":\"" + to + "\",\"callduraction\":\"" + String(duration) + "\",\"talkduraction\":\"" + String(talk)
            + "\",\"status\":\"" + status + "\",\"type\":\"" + type + "\",\"sn\":\"" + sn + "\"}"
        let cdr = CDR(timeStart: start, callFrom: from, callTo: to, callDurationSeconds: duration, talkDurationSeconds: talk,
                      status: status, type: type)
        return Report(kind: .newCdr(cdr), callID: PBXCallID(callid), serial: sn, quirks: [.numberAsString],
                      digest: fnv1a64(Array(b.utf8)))
    }

    static func extensionStatus(_ ext: String, _ status: ExtensionStatus, wire: String) -> Report {
        let b = "{\"action\":\"ExtensionStatus\",\"extension\":\"" + ext + "\",\"status\":\"" + wire + "\",\"sn\":\"" + sn + "\"}"
        return Report(kind: .extensionStatus(ExtensionNumber(ext), status), serial: sn,
                      quirks: wire == "InUse" ? [.inUseStatus] : [], digest: fnv1a64(Array(b.utf8)))
    }

    static let bootUp = Report(kind: .bootUp, serial: sn, digest: fnv1a64(Array("{\"action\":\"BootUp\",\"sn\":\"a09805021987\"}".utf8)))
}

// MARK: Assertions

func kinds(_ effects: [Effect]) -> [String] {
    effects.map { e in
        switch e {
        case .event(let ev): return ev.kind.description
        case .relogin: return "relogin"
        case .anomaly: return "anomaly"
        case .duplicate: return "duplicate"
        }
    }
}

func calls(in effects: [Effect]) -> [Call] {
    effects.compactMap { if case .event(let ev) = $0 { return ev.call } else { return nil } }
}

func exts(_ numbers: String...) -> [ExtensionNumber] { numbers.map { ExtensionNumber($0) } }
func ids(_ values: String...) -> [PBXCallID] { values.map { PBXCallID($0) } }

/// The table's own bookkeeping agrees with its calls: live count, indexes, lookups.
func assertConsistent(_ t: CallTable, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(t.liveCount, t.calls.filter { $0.isLive }.count, "liveCount", file: file, line: line)
    for c in t.calls {
        XCTAssertEqual(t.call(matching: c.id.description)?.id, c.id, file: file, line: line)
        XCTAssertLessThanOrEqual(c.pbxIDs.count, t.config.maxPBXIDsPerCall, file: file, line: line)
        XCTAssertLessThanOrEqual(c.extensions.count, t.config.maxExtensionsPerCall, file: file, line: line)
        XCTAssertEqual(Set(c.pbxIDs).count, c.pbxIDs.count, "pbxIDs without duplicates", file: file, line: line)
        XCTAssertEqual(c.isLive, c.endedAt == nil, file: file, line: line)
        XCTAssertEqual(c.isLive, c.endReason == nil, file: file, line: line)
    }
}

/// A clock for scenarios: starts at the capture's epoch, moves forward on request.
struct Clock {
    var now: Int64 = 1_589_947_952_000
    mutating func advance(_ ms: Int64) -> Int64 { now += ms; return now }
}
