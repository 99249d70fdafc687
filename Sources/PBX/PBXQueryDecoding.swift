import JSON
import CallModel

/// `deviceinfo/query`: what the PBX says about itself. `serial` equals the `sn` of reports.
public struct DeviceInfo: Equatable, Sendable {
    public var serial: String
    public var deviceName: String?
    public var hardwareVersion: String?
    public var firmwareVersion: String?
    /// As the PBX writes it ("2020-05-19 04:06:07"; Yeastar adds " UTC-8").
    public var systemTime: String?
    /// OpenVox: the boot date ("2020-Mar-23-08:33:22"); Yeastar: a duration ("03:25:04").
    public var uptime: String?
    /// "in use/total", e.g. "21/300".
    public var extensionStatus: String?

    public init(serial: String, deviceName: String? = nil, hardwareVersion: String? = nil,
                firmwareVersion: String? = nil, systemTime: String? = nil, uptime: String? = nil,
                extensionStatus: String? = nil) {
        self.serial = serial; self.deviceName = deviceName; self.hardwareVersion = hardwareVersion
        self.firmwareVersion = firmwareVersion; self.systemTime = systemTime; self.uptime = uptime
        self.extensionStatus = extensionStatus
    }
}

/// Longest text field accepted in a reply (ids, names, numbers, versions).
let replyMaxFieldBytes = 512
/// Longest login token accepted: OpenVox tokens are 32 hex characters.
let maxTokenBytes = 128

/// `login`: the token, printable ASCII without spaces, at most 128 bytes.
public func decodeLoginToken(_ reply: JSONObject) -> Result<String, PBXWireError> {
    guard let v = reply["token"] else { return .failure(.missingField("token")) }
    guard case .string(let token) = v else {
        return .failure(.wrongType(field: "token", expected: "string", found: v.typeName))
    }
    var n = 0
    for b in token.utf8 {
        n += 1
        if b <= 0x20 || b >= 0x7F { return .failure(.invalidValue(field: "token", reason: "is not printable ASCII")) }
    }
    if n == 0 { return .failure(.invalidValue(field: "token", reason: "is empty")) }
    if n > maxTokenBytes {
        return .failure(.invalidValue(field: "token", reason: "is longer than " + String(maxTokenBytes) + " bytes"))
    }
    return .success(token)
}

/// `inbound/query`: trunk calls coming in. A Success reply without `inbound` means no calls
/// (the XML form repeats one element per call, so zero calls is no element).
public func decodeInboundQuery(_ reply: JSONObject) -> Result<[QueriedTrunkCall], PBXWireError> {
    decodeTrunkCalls(reply, key: "inbound", idKey: "inboundid", direction: .inbound)
}

/// `outbound/query`: trunk calls going out. Missing `outbound` means no calls.
public func decodeOutboundQuery(_ reply: JSONObject) -> Result<[QueriedTrunkCall], PBXWireError> {
    decodeTrunkCalls(reply, key: "outbound", idKey: "outboundid", direction: .outbound)
}

/// `extensionlist/query`: every extension with its state. Missing `extlist` is an error:
/// a PBX without extensions still answers with an empty list.
public func decodeExtensionList(_ reply: JSONObject) -> Result<[ExtensionListEntry], PBXWireError> {
    do throws(PBXWireError) {
        guard let v = reply["extlist"] else { throw .missingField("extlist") }
        guard case .array(let items) = v else { throw .wrongType(field: "extlist", expected: "array", found: v.typeName) }
        var out: [ExtensionListEntry] = []
        for (i, item) in items.enumerated() {
            let path = "extlist[" + String(i) + "]"
            guard case .object(let o) = item else { throw .wrongType(field: path, expected: "object", found: item.typeName) }
            let number = try replyText(o, "extnumber", path, required: true, allowEmpty: false) ?? ""
            let status = try replyText(o, "status", path, required: true, allowEmpty: false) ?? ""
            let type = try replyText(o, "type", path, required: false, allowEmpty: true) ?? ""
            out.append(ExtensionListEntry(number: ExtensionNumber(number), status: wireExtensionStatus(status), type: type))
        }
        return .success(out)
    } catch {
        return .failure(error)
    }
}

/// `deviceinfo/query`. `sn` is required: it binds reports to this PBX.
public func decodeDeviceInfo(_ reply: JSONObject) -> Result<DeviceInfo, PBXWireError> {
    do throws(PBXWireError) {
        guard let v = reply["deviceinfo"] else { throw .missingField("deviceinfo") }
        guard case .object(let o) = v else { throw .wrongType(field: "deviceinfo", expected: "object", found: v.typeName) }
        let p = "deviceinfo"
        return .success(DeviceInfo(
            serial: try replyText(o, "sn", p, required: true, allowEmpty: false) ?? "",
            deviceName: try replyText(o, "devicename", p, required: false, allowEmpty: true),
            hardwareVersion: try replyText(o, "hardwarever", p, required: false, allowEmpty: true),
            firmwareVersion: try replyText(o, "firmwarever", p, required: false, allowEmpty: true),
            systemTime: try replyText(o, "systemtime", p, required: false, allowEmpty: true),
            uptime: try replyText(o, "uptime", p, required: false, allowEmpty: true),
            extensionStatus: try replyText(o, "extensionstatus", p, required: false, allowEmpty: true)))
    } catch {
        return .failure(error)
    }
}

/// Extension states as the PBX names them, in reports and the extension list. `InUse`
/// (OpenVox) and `Busy` (English pages) are the same state; unknown names are kept.
func wireExtensionStatus(_ s: String) -> ExtensionStatus {
    switch s {
    case "Idle": return .idle
    case "Ringing": return .ringing
    case "Busy", "InUse": return .busy
    case "Hold": return .hold
    case "Registered": return .registered
    case "Unregistered": return .unregistered
    case "Unavailable": return .unavailable
    default: return .other(s)
    }
}

private func decodeTrunkCalls(_ reply: JSONObject, key: String, idKey: String,
                              direction: Direction) -> Result<[QueriedTrunkCall], PBXWireError> {
    do throws(PBXWireError) {
        guard let v = reply[key] else { return .success([]) }
        guard case .array(let items) = v else { throw .wrongType(field: key, expected: "array", found: v.typeName) }
        var out: [QueriedTrunkCall] = []
        for (i, item) in items.enumerated() {
            let path = key + "[" + String(i) + "]"
            guard case .object(let o) = item else { throw .wrongType(field: path, expected: "object", found: item.typeName) }
            let id = try replyText(o, idKey, path, required: true, allowEmpty: false) ?? ""
            let from = try replyText(o, "from", path, required: true, allowEmpty: true) ?? ""
            let to = try replyText(o, "to", path, required: true, allowEmpty: true) ?? ""
            let trunk = try replyText(o, "trunk", path, required: true, allowEmpty: true) ?? ""
            let status = try replyText(o, "status", path, required: false, allowEmpty: true)
            var callee: ExtensionNumber?
            if direction == .inbound, let c = o["callee"] {
                callee = try calleeExtension(c, path: path + ".callee")
            }
            out.append(QueriedTrunkCall(direction: direction, id: PBXCallID(id), from: from, to: to, trunk: trunk,
                                        calleeExtension: callee, status: queriedStatus(status ?? "")))
        }
        return .success(out)
    } catch {
        return .failure(error)
    }
}

/// `callee` is an object in OpenVox (`{"extid":"101"}`) and an array of such objects in
/// Yeastar; it may also name an IVR or an outbound id, which is not an extension (nil).
private func calleeExtension(_ v: JSONValue, path: String) throws(PBXWireError) -> ExtensionNumber? {
    let object: JSONObject
    switch v {
    case .object(let o): object = o
    case .array(let items):
        guard let first = items.first else { return nil }
        guard case .object(let o) = first else { throw .wrongType(field: path + "[0]", expected: "object", found: first.typeName) }
        object = o
    default:
        throw .wrongType(field: path, expected: "object or array", found: v.typeName)
    }
    guard let ext = try replyText(object, "extid", path, required: false, allowEmpty: false) else { return nil }
    return ExtensionNumber(ext)
}

private func queriedStatus(_ s: String) -> QueriedCallStatus {
    switch s {
    case "Talking": return .talking
    case "Progress": return .progress
    case "Wait": return .wait
    default: return .other(s)
    }
}

/// A text member of a reply object. Numbers are read as their exact text (the PBX documents
/// ids as Int but sends strings; either is accepted in replies, which carry no quirk counters).
private func replyText(_ o: JSONObject, _ key: String, _ parent: String,
                       required: Bool, allowEmpty: Bool) throws(PBXWireError) -> String? {
    let path = parent + "." + key
    guard let v = o[key] else {
        if required { throw .missingField(path) }
        return nil
    }
    let s: String
    switch v {
    case .string(let t): s = t
    case .number(let n): s = n.text
    default: throw .wrongType(field: path, expected: "string", found: v.typeName)
    }
    if let problem = WireText.problem(s, maxBytes: replyMaxFieldBytes, allowEmpty: allowEmpty) {
        throw .invalidValue(field: path, reason: problem)
    }
    return s
}
