import JSON

/// Response body format chosen by `type=` in the query (§1; default JSON).
public enum SimResponseFormat: Equatable {
    case json, xml

    public var contentType: String {
        self == .json ? "application/json; charset=utf-8" : "application/xml; charset=utf-8"
    }
}

/// What the API answers. The HTTP status is always 200 (§1): success or failure is in the body.
public struct SimAPIResponse: Equatable {
    public var format: SimResponseFormat
    public var body: [UInt8]
    /// The `status`/`errno` of the body, kept for logs and tests.
    public var errno: String?

    /// The CORS headers every OpenVox response carries (§1), in the capture's spelling.
    public static let corsHeaders: [SimField] = [
        SimField("Access-control-allow-origin", "*"),
        SimField("Access-control-allow-methods", "GET, POST, OPTIONS, PUT, DELETE"),
    ]

    static func success(_ members: [JSONMember] = [], format: SimResponseFormat) -> SimAPIResponse {
        var o = JSONObject()
        o.append("status", "Success")
        for m in members { o.members.append(m) }
        return SimAPIResponse(format: format, body: render(.object(o), format: format), errno: nil)
    }

    static func failed(_ errno: String, format: SimResponseFormat) -> SimAPIResponse {
        let o: JSONObject = ["status": "Failed", "errno": .string(errno)]
        return SimAPIResponse(format: format, body: render(.object(o), format: format), errno: errno)
    }

    static func render(_ v: JSONValue, format: SimResponseFormat) -> [UInt8] {
        switch format {
        case .json: return JSON.serialize(v)
        case .xml: return SimXML.document(v)
        }
    }
}

/// Whether the API answers at all (it does not while silent or rebooting).
public enum SimAPIReply: Equatable {
    case respond(SimAPIResponse)
    /// Send nothing; `hang` keeps the connection open, `close` drops it.
    case noAnswer(SimSilentMode)

    public var response: SimAPIResponse? {
        if case .respond(let r) = self { return r }
        return nil
    }
}

/// The XML form of a response (§1, `openvox-deviceinfo-response-xml-1.txt`): `<xml>` with one
/// element per field, nested objects as nested elements, arrays as the element repeated.
enum SimXML {
    static func document(_ v: JSONValue) -> [UInt8] {
        var out = Array("<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<xml>\n".utf8)
        if case .object(let o) = v { members(o, into: &out) }
        out += Array("</xml>\n".utf8)
        return out
    }

    static func members(_ o: JSONObject, into out: inout [UInt8]) {
        for m in o.members {
            if case .array(let items) = m.value {
                for item in items { element(m.key, item, into: &out) }
            } else {
                element(m.key, m.value, into: &out)
            }
        }
    }

    static func element(_ name: String, _ v: JSONValue, into out: inout [UInt8]) {
        out += Array(("<" + name + ">").utf8)
        switch v {
        case .object(let o):
            out.append(0x0A)
            members(o, into: &out)
        case .string(let s): escape(s, into: &out)
        case .number(let n): out += Array(n.text.utf8)
        case .bool(let b): out += Array((b ? "true" : "false").utf8)
        case .null: break
        case .array(let items):
            for item in items { element(name, item, into: &out) }
        }
        out += Array(("</" + name + ">\n").utf8)
    }

    static func escape(_ s: String, into out: inout [UInt8]) {
        for c in s.utf8 {
            switch c {
            case UInt8(ascii: "<"): out += Array("&lt;".utf8)
            case UInt8(ascii: ">"): out += Array("&gt;".utf8)
            case UInt8(ascii: "&"): out += Array("&amp;".utf8)
            case UInt8(ascii: "\""): out += Array("&quot;".utf8)
            default: out.append(c)
            }
        }
    }
}
