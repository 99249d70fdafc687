import JSON
import CallModel

/// The result of reading one pushed report body.
public enum ReportOutcome: Equatable, Sendable {
    case report(Report)
    case rejected(ReportRejection)
}

/// Turns a report body, in any of the three wire shapes, into one `Report`:
///
/// 1. OpenVox: `ext`, `inbound`, `outbound` at top level, `ext.extid` a string or an array;
/// 2. Yeastar "1.0.2": participants wrapped in a `call` array (shapes may be mixed);
/// 3. legacy Yeastar: two `ext` members in one object (kept in order thanks to `JSONObject`).
///
/// Every tolerated deviation is recorded in `Report.quirks`; anything that cannot be read
/// without guessing is a `ReportRejection` with a precise message. Byte in, value out: no
/// clock, no I/O, no logging.
public struct ReportNormaliser: Sendable {
    public struct Limits: Sendable {
        /// JSON limits for one report. Captured reports are 60 to 420 bytes and nest 5 deep
        /// (`call[].ext.extid[]`); 64 KiB, depth 16, 4 KiB strings, 256 entries and 4096
        /// values are far above any real report and far below what would hurt the listener.
        public var json: JSONLimits
        /// Extensions in one report. A call lists one or two, a transfer three; 32 leaves room
        /// for conferences and ring groups without letting one report blow up the call table.
        public var maxExtensions: Int
        /// Bytes in one text field (id, number, trunk, CDR field). Ids are ~16 bytes and CDR
        /// recording names ~60; 512 bounds what lands in logs and the journal.
        public var maxFieldBytes: Int

        public init(json: JSONLimits = JSONLimits(maxBytes: 64 << 10, maxDepth: 16, maxStringBytes: 4 << 10,
                                                  maxContainerElements: 256, maxTotalValues: 4096),
                    maxExtensions: Int = 32, maxFieldBytes: Int = 512) {
            self.json = json
            self.maxExtensions = maxExtensions
            self.maxFieldBytes = maxFieldBytes
        }

        public static let `default` = Limits()
    }

    public var limits: Limits

    public init(limits: Limits = .default) { self.limits = limits }

    /// Never fails: every body becomes a report or a rejection. `digest` is FNV-1a 64 of the
    /// exact body bytes, so a resent report has the same digest.
    public func normalise(body: [UInt8]) -> ReportOutcome {
        do {
            var report = try read(body)
            report.digest = fnv1a64(body)
            return .report(report)
        } catch {
            return .rejected(error)
        }
    }

    private func read(_ body: [UInt8]) throws(ReportRejection) -> Report {
        if body.count > limits.json.maxBytes { throw .tooLarge(bytes: body.count, limit: limits.json.maxBytes) }
        switch WireSniff.classify(body) {
        case .empty: throw .empty
        case .xml: throw .xml
        case .html: throw .html
        case .other: break
        }
        let value: JSONValue
        do {
            value = try JSON.parse(body, limits: limits.json)
        } catch {
            throw .notJSON(error)
        }
        guard case .object(let root) = value else { throw .notAnObject(value.typeName) }
        var reader = ReportReader(root: root, limits: limits)
        return try reader.read()
    }
}

/// Action names as the firmware spells them.
private enum WireAction {
    case bootUp, extensionStatus, alert, ring, answer, answered, legacyRI, bye, transfer
    case callFailed, newCdr, invite, incoming, dtmf, configChange, playPromptEnd

    init?(_ name: String) {
        switch name {
        case "BootUp": self = .bootUp
        case "ExtensionStatus": self = .extensionStatus
        case "ALERT": self = .alert
        case "RING": self = .ring
        case "ANSWER": self = .answer
        case "ANSWERED": self = .answered
        // Legacy Yeastar doc typo for the answer report.
        case "RI": self = .legacyRI
        case "BYE": self = .bye
        // "Tranfer" is how every firmware and document spells it; the correct spelling is
        // accepted too in case a later firmware fixes it.
        case "Tranfer", "Transfer": self = .transfer
        case "CallFailed": self = .callFailed
        case "NewCdr": self = .newCdr
        case "Invite": self = .invite
        case "Incoming": self = .incoming
        case "DTMF": self = .dtmf
        case "ConfigChange": self = .configChange
        case "PlayPromptEnd": self = .playPromptEnd
        default: return nil
        }
    }

    /// Reports that change the live-call table must say which leg they are about.
    var requiresCallID: Bool {
        switch self {
        case .alert, .ring, .answer, .answered, .legacyRI, .bye, .transfer, .callFailed, .newCdr: return true
        case .bootUp, .extensionStatus, .invite, .incoming, .dtmf, .configChange, .playPromptEnd: return false
        }
    }

    var hasParticipants: Bool {
        switch self {
        case .bootUp, .extensionStatus, .configChange: return false
        default: return true
        }
    }
}

/// One pass over a parsed report object, collecting quirks as it goes.
private struct ReportReader {
    let root: JSONObject
    let limits: ReportNormaliser.Limits
    var quirks: ReportQuirks = []

    // Participants, in payload order.
    var extensions: [ExtensionNumber] = []
    var inbound: TrunkLeg?
    var outbound: TrunkLeg?
    var sawExt = false
    var trunkListedFirst = false

    init(root: JSONObject, limits: ReportNormaliser.Limits) {
        self.root = root
        self.limits = limits
    }

    mutating func read() throws(ReportRejection) -> Report {
        guard let actionValue = try single(root, "action", path: "action") else {
            if let event = root["event"] { throw .yeastarV2Event(event.string ?? event.typeName) }
            throw .missingAction
        }
        guard case .string(let name) = actionValue else {
            throw .wrongType(field: "action", expected: "string", found: actionValue.typeName)
        }
        guard let action = WireAction(name) else {
            if WireText.problem(name, maxBytes: limits.maxFieldBytes, allowEmpty: true) != nil {
                throw .invalidValue(field: "action", reason: "is not a readable action name")
            }
            throw .unknownAction(name)
        }

        // An empty `sn` says no more than a missing one: same quirk, not a rejection.
        var serial = try text(root, "sn", path: "sn", identifier: false)
        if serial?.isEmpty == true { serial = nil }
        if serial == nil { quirks.insert(.missingSerial) }

        var callID: PBXCallID?
        if action != .bootUp && action != .extensionStatus {
            if let id = try text(root, "callid", path: "callid", identifier: true) {
                callID = PBXCallID(id)
            } else if action.requiresCallID {
                throw .missingField("callid")
            }
        }
        if action.hasParticipants { try readParticipants() }

        let kind: ReportKind
        switch action {
        case .bootUp: kind = .bootUp
        case .extensionStatus: kind = try extensionStatus()
        case .alert: kind = .alert
        case .ring: kind = .ring
        case .answer: kind = .answer
        case .answered: kind = .answered
        case .legacyRI:
            quirks.insert(.legacyActionRI)
            kind = .answer
        case .bye: kind = .bye
        case .transfer: kind = .transfer
        case .callFailed: kind = .callFailed(try failureReason())
        case .newCdr: kind = .newCdr(try cdr())
        case .invite: kind = .invite
        case .incoming: kind = .incoming
        case .dtmf: kind = .dtmf
        case .configChange: kind = .configChange
        case .playPromptEnd: kind = .playPromptEnd
        }
        return Report(kind: kind, callID: callID, extensions: extensions, inbound: inbound, outbound: outbound,
                      serial: serial, quirks: quirks, digest: 0, trunkListedFirst: trunkListedFirst)
    }

    // MARK: - Participants

    mutating func readParticipants() throws(ReportRejection) {
        try readParticipantMembers(root, path: "", topLevel: true)
    }

    /// `ext`, `inbound`, `outbound` (and at top level `call`) members of one object, in
    /// payload order, so mixed shapes keep their order too. Other members (info, flag,
    /// prompt, ...) are not participants.
    private mutating func readParticipantMembers(_ o: JSONObject, path prefix: String,
                                                 topLevel: Bool) throws(ReportRejection) {
        var extMembers = 0
        for m in o.members {
            switch m.key {
            case "ext":
                extMembers += 1
                try readExt(m.value, path: prefix + "ext")
            case "inbound":
                try readTrunk(m.value, path: prefix + "inbound", direction: .inbound)
            case "outbound":
                try readTrunk(m.value, path: prefix + "outbound", direction: .outbound)
            case "call" where topLevel:
                quirks.insert(.callArray)
                guard case .array(let items) = m.value else {
                    throw .wrongType(field: "call", expected: "array", found: m.value.typeName)
                }
                for (j, item) in items.enumerated() {
                    let path = "call[" + String(j) + "]"
                    guard case .object(let entry) = item else {
                        throw .wrongType(field: path, expected: "object", found: item.typeName)
                    }
                    try readParticipantMembers(entry, path: path + ".", topLevel: false)
                }
            default:
                continue
            }
        }
        if extMembers > 1 { quirks.insert(.duplicateExt) }
    }

    private mutating func readExt(_ v: JSONValue, path: String) throws(ReportRejection) {
        guard case .object(let o) = v else { throw .wrongType(field: path, expected: "object", found: v.typeName) }
        sawExt = true
        guard let extid = try single(o, "extid", path: path + ".extid") else { throw .missingField(path + ".extid") }
        switch extid {
        case .array(let items):
            quirks.insert(.extidArray)
            for (i, item) in items.enumerated() {
                try addExtension(item, path: path + ".extid[" + String(i) + "]")
            }
        default:
            try addExtension(extid, path: path + ".extid")
        }
    }

    private mutating func addExtension(_ v: JSONValue, path: String) throws(ReportRejection) {
        let number = try textValue(v, path: path, identifier: true)
        if extensions.count >= limits.maxExtensions { throw .tooManyExtensions(limit: limits.maxExtensions) }
        extensions.append(ExtensionNumber(number))
    }

    private mutating func readTrunk(_ v: JSONValue, path: String, direction: Direction) throws(ReportRejection) {
        let idKey = direction == .inbound ? "inboundid" : "outboundid"
        guard case .object(let o) = v else { throw .wrongType(field: path, expected: "object", found: v.typeName) }
        guard let from = try text(o, "from", path: path + ".from", identifier: false) else { throw .missingField(path + ".from") }
        guard let to = try text(o, "to", path: path + ".to", identifier: false) else { throw .missingField(path + ".to") }
        guard let trunk = try text(o, "trunk", path: path + ".trunk", identifier: false) else { throw .missingField(path + ".trunk") }
        let id = try text(o, idKey, path: path + "." + idKey, identifier: true)
        let leg = TrunkLeg(from: from, to: to, trunk: trunk, id: id.map { PBXCallID($0) })
        if let existing = direction == .inbound ? inbound : outbound {
            // The same leg listed twice is harmless; two different legs of one direction
            // cannot be represented and would be a guess.
            if existing != leg { throw .conflictingDuplicates(path) }
            return
        }
        if !sawExt && inbound == nil && outbound == nil { trunkListedFirst = true }
        if direction == .inbound { inbound = leg } else { outbound = leg }
    }

    // MARK: - Per-action fields

    mutating func extensionStatus() throws(ReportRejection) -> ReportKind {
        guard let ext = try text(root, "extension", path: "extension", identifier: true) else {
            throw .missingField("extension")
        }
        guard let status = try text(root, "status", path: "status", identifier: true) else {
            throw .missingField("status")
        }
        if status == "InUse" { quirks.insert(.inUseStatus) }
        return .extensionStatus(ExtensionNumber(ext), wireExtensionStatus(status))
    }

    /// OpenVox sends the bare number 480; Yeastar "486 Busy Here", "480", or plain text.
    mutating func failureReason() throws(ReportRejection) -> FailureReason? {
        guard let v = try single(root, "reason", path: "reason") else { return nil }
        switch v {
        case .number(let n):
            quirks.insert(.numericReason)
            if let code = n.int64, code >= 100, code <= 699 { return .sip(code: Int(code), text: "") }
            return .text(n.text)
        case .string(let s):
            if let problem = WireText.problem(s, maxBytes: limits.maxFieldBytes, allowEmpty: true) {
                throw .invalidValue(field: "reason", reason: problem)
            }
            return parseReason(s)
        default:
            throw .wrongType(field: "reason", expected: "string or number", found: v.typeName)
        }
    }

    mutating func cdr() throws(ReportRejection) -> CDR {
        var trunk = try text(root, "srctrunkname", path: "srctrunkname", identifier: false)
        if trunk?.isEmpty ?? true { trunk = try text(root, "desttrunkname", path: "desttrunkname", identifier: false) }
        if trunk?.isEmpty == true { trunk = nil }
        return CDR(timeStart: try text(root, "timestart", path: "timestart", identifier: false),
                   callFrom: try text(root, "callfrom", path: "callfrom", identifier: false),
                   callTo: try text(root, "callto", path: "callto", identifier: false),
                   callDurationSeconds: try seconds("callduraction"),
                   talkDurationSeconds: try seconds("talkduraction"),
                   status: try text(root, "status", path: "status", identifier: false),
                   type: try text(root, "type", path: "type", identifier: false),
                   recording: try text(root, "recording", path: "recording", identifier: false),
                   trunk: trunk)
    }

    /// CDR durations (`callduraction`/`talkduraction`, sic) are whole seconds written as
    /// strings; a JSON number is tolerated as `numberAsString`.
    private mutating func seconds(_ key: String) throws(ReportRejection) -> Int64? {
        guard let v = try single(root, key, path: key) else { return nil }
        switch v {
        case .string(let s):
            if s.isEmpty { return nil }
            var acc: Int64 = 0
            for b in s.utf8 {
                guard b >= 0x30 && b <= 0x39, acc < 100_000_000_000 else {
                    throw .invalidValue(field: key, reason: "is not a whole number of seconds")
                }
                acc = acc * 10 + Int64(b - 0x30)
            }
            return acc
        case .number(let n):
            guard let i = n.int64, i >= 0 else { throw .invalidValue(field: key, reason: "is not a whole number of seconds") }
            quirks.insert(.numberAsString)
            return i
        default:
            throw .wrongType(field: key, expected: "string", found: v.typeName)
        }
    }

    // MARK: - Field access

    /// The value of `key`; several members of that name must agree (only `ext` may repeat).
    func single(_ o: JSONObject, _ key: String, path: String) throws(ReportRejection) -> JSONValue? {
        var found: JSONValue?
        for m in o.members where m.key == key {
            if let f = found {
                if f != m.value { throw .conflictingDuplicates(path) }
            } else {
                found = m.value
            }
        }
        return found
    }

    mutating func text(_ o: JSONObject, _ key: String, path: String, identifier: Bool) throws(ReportRejection) -> String? {
        guard let v = try single(o, key, path: path) else { return nil }
        return try textValue(v, path: path, identifier: identifier)
    }

    /// A documented string field. A JSON number is taken as its exact text (`numberAsString`);
    /// identifiers (ids, extension numbers, serial) must not be empty.
    mutating func textValue(_ v: JSONValue, path: String, identifier: Bool) throws(ReportRejection) -> String {
        let s: String
        switch v {
        case .string(let t): s = t
        case .number(let n):
            quirks.insert(.numberAsString)
            s = n.text
        default:
            throw .wrongType(field: path, expected: "string", found: v.typeName)
        }
        if let problem = WireText.problem(s, maxBytes: limits.maxFieldBytes, allowEmpty: !identifier) {
            throw .invalidValue(field: path, reason: problem)
        }
        return s
    }
}

/// "486 Busy Here" → .sip(486, "Busy Here"); "480" → .sip(480, ""); other text as is; "" → nil.
func parseReason(_ s: String) -> FailureReason? {
    let bytes = Array(s.utf8)
    if bytes.isEmpty { return nil }
    if bytes.count >= 3, bytes[0] >= UInt8(ascii: "1"), bytes[0] <= UInt8(ascii: "6"),
       bytes[1] >= 0x30, bytes[1] <= 0x39, bytes[2] >= 0x30, bytes[2] <= 0x39,
       bytes.count == 3 || bytes[3] == 0x20 {
        let code = Int(bytes[0] - 0x30) * 100 + Int(bytes[1] - 0x30) * 10 + Int(bytes[2] - 0x30)
        var start = 3
        while start < bytes.count, bytes[start] == 0x20 { start += 1 }
        var end = bytes.count
        while end > start, bytes[end - 1] == 0x20 { end -= 1 }
        return .sip(code: code, text: String(decoding: bytes[start..<end], as: UTF8.self))
    }
    return .text(s)
}
