import JSON

/// Why an answer from the PBX API could not be read. The PBX always answers HTTP 200, so
/// these are about the body; a well-formed `{"status":"Failed",...}` is not an error here
/// but `PBXReply.failed`.
public enum PBXWireError: Error, Equatable, Sendable {
    case empty
    case tooLarge(bytes: Int, limit: Int)
    /// An XML reply: ucagent always asks for `type=json`, so the URL or the PBX is wrong.
    case xml
    /// An HTML page (wrong port, a proxy or login portal in between).
    case html
    case notJSON(JSONError)
    /// JSON that stops early: the connection was cut or the body truncated.
    case truncated(JSONError)
    /// Valid JSON whose top level is not an object; the associated value is its type.
    case notAnObject(String)
    case missingStatus
    case unknownStatus(String)
    /// A Success reply without what the endpoint must return (e.g. `token`, `deviceinfo.sn`).
    case missingField(String)
    case wrongType(field: String, expected: String, found: String)
    case invalidValue(field: String, reason: String)

    public var message: String {
        switch self {
        case .empty:
            return "PBX reply body is empty"
        case .tooLarge(let n, let limit):
            return "PBX reply is " + String(n) + " bytes, limit " + String(limit)
        case .xml:
            return "PBX replied in XML; ucagent requests type=json (check the API URL)"
        case .html:
            return "PBX replied with an HTML page, not the API (check host and port 9011)"
        case .notJSON(let e):
            return "PBX reply is not JSON: " + e.message
        case .truncated(let e):
            return "PBX reply is cut short: " + e.message
        case .notAnObject(let type):
            return "PBX reply is a JSON " + type + ", not an object"
        case .missingStatus:
            return "PBX reply has no \"status\""
        case .unknownStatus(let s):
            return "PBX reply has status \"" + s + "\", expected \"Success\" or \"Failed\""
        case .missingField(let f):
            return "PBX reply has no field \"" + f + "\""
        case .wrongType(let f, let expected, let found):
            return "PBX reply field \"" + f + "\" has wrong type: expected " + expected + ", found " + found
        case .invalidValue(let f, let reason):
            return "PBX reply field \"" + f + "\" " + reason
        }
    }
}

extension PBXWireError: CustomStringConvertible {
    public var description: String { message }
}
