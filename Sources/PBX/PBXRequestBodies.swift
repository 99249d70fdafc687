import JSON
import CallModel

/// How the PBX reads the report `url` given at login and in heartbeats (reference §7).
public enum ReportURLTag: Sendable, Equatable {
    /// `urltag` 0: `url` is a path relative to the client's ip:port.
    case relative
    /// `urltag` 1: `url` is absolute, `host:port/path` without a scheme (recommended behind NAT).
    case absolute

    var wire: String { self == .relative ? "0" : "1" }
}

/// JSON bodies of the API requests, compact, members in the order of the OpenVox examples
/// (`/api/v0.0.1/<endpoint>?token=...&type=json`). All ids and numbers go as strings, as the
/// examples send them. Pure values: the session and client add path, token and headers.
public enum PBXRequestBody {
    /// `login`. `passwordMD5` is the lowercase hex MD5 of the API password (the caller hashes).
    /// `urltag` is written as a JSON number, as the OpenVox login example sends it (the
    /// heartbeat example sends a string; both are what OpenVox firmware was seen to accept).
    public static func login(username: String, passwordMD5: String, port: UInt16, url: String?,
                             urltag: ReportURLTag?, version: String? = nil) -> [UInt8] {
        var o = JSONObject()
        o.append("username", .string(username))
        o.append("password", .string(passwordMD5))
        o.append("port", .string(String(port)))
        if let version { o.append("version", .string(version)) }
        if let url {
            o.append("url", .string(url))
            if let urltag { o.append("urltag", .int(urltag == .relative ? 0 : 1)) }
        }
        return JSON.serialize(.object(o))
    }

    /// `heartbeat`: extends the token and re-registers where reports go.
    public static func heartbeat(ipaddr: String, port: UInt16, url: String?, urltag: ReportURLTag?) -> [UInt8] {
        var o = JSONObject()
        o.append("ipaddr", .string(ipaddr))
        o.append("port", .string(String(port)))
        if let url {
            o.append("url", .string(url))
            if let urltag { o.append("urltag", .string(urltag.wire)) }
        }
        return JSON.serialize(.object(o))
    }

    /// `logout` has no body.
    public static func logout() -> [UInt8] { [] }

    /// `extension/hangup`: ends whatever call the extension is on (the robust hangup when
    /// per-leg ids are uncertain).
    public static func extensionHangup(_ ext: ExtensionNumber) -> [UInt8] {
        single("extid", ext.value)
    }

    /// `inbound/hangup`.
    public static func inboundHangup(_ id: PBXCallID) -> [UInt8] { single("inboundid", id.value) }

    /// `outbound/hangup`.
    public static func outboundHangup(_ id: PBXCallID) -> [UInt8] { single("outboundid", id.value) }

    /// `inbound/query`: the given ids comma-separated, or `{}` for all calls.
    public static func inboundQuery(ids: [PBXCallID] = []) -> [UInt8] { query("inboundid", ids) }

    /// `outbound/query`: the given ids comma-separated, or `{}` for all calls (reference §4.2:
    /// unconfirmed on OpenVox hardware).
    public static func outboundQuery(ids: [PBXCallID] = []) -> [UInt8] { query("outboundid", ids) }

    /// `extensionlist/query` takes no fields: an empty object.
    public static func extensionListQuery() -> [UInt8] { Array("{}".utf8) }

    /// `deviceinfo/query` takes no fields: an empty object.
    public static func deviceInfoQuery() -> [UInt8] { Array("{}".utf8) }

    /// `extension/dial_extension`: rings `caller` first, then `callee` after pickup.
    public static func dialExtension(caller: ExtensionNumber, callee: ExtensionNumber, autoAnswer: Bool) -> [UInt8] {
        var o = JSONObject()
        o.append("caller", .string(caller.value))
        o.append("callee", .string(callee.value))
        o.append("autoanswer", .string(autoAnswer ? "yes" : "no"))
        return JSON.serialize(.object(o))
    }

    /// `extension/dial_outbound`: `outto` is dialled as written (including any route prefix).
    public static func dialOutbound(ext: ExtensionNumber, number: String, autoAnswer: Bool) -> [UInt8] {
        var o = JSONObject()
        o.append("extid", .string(ext.value))
        o.append("outto", .string(number))
        o.append("autoanswer", .string(autoAnswer ? "yes" : "no"))
        return JSON.serialize(.object(o))
    }

    private static func single(_ key: String, _ value: String) -> [UInt8] {
        JSON.serialize(.object(JSONObject([JSONMember(key: key, value: .string(value))])))
    }

    private static func query(_ key: String, _ ids: [PBXCallID]) -> [UInt8] {
        if ids.isEmpty { return Array("{}".utf8) }
        var joined = ""
        for (i, id) in ids.enumerated() {
            if i > 0 { joined += "," }
            joined += id.value
        }
        return single(key, joined)
    }
}
