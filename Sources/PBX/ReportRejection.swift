import JSON

/// Why a pushed report body was not turned into a `Report`. The listener still answers 200
/// (anything else makes the PBX resend forever) and keeps the body in its dead-letter ring
/// with this reason, so an admin sees what the PBX keeps sending.
public enum ReportRejection: Error, Equatable, Sendable {
    case empty
    case tooLarge(bytes: Int, limit: Int)
    /// `<?xml` / `<xml>`: reports are JSON only.
    case xml
    /// Some other markup, typically an HTML page.
    case html
    case notJSON(JSONError)
    /// Valid JSON whose top level is not an object; the associated value is its type.
    case notAnObject(String)
    case missingAction
    /// A Yeastar API v2 event (`"event"` instead of `"action"`); ucagent speaks the v1
    /// protocol OpenVox UC firmware uses.
    case yeastarV2Event(String)
    case unknownAction(String)
    /// A member the action needs is absent; the field is a path such as `inbound.trunk`.
    case missingField(String)
    case wrongType(field: String, expected: String, found: String)
    case invalidValue(field: String, reason: String)
    /// The same name twice with different values where one value is meant (not `ext`).
    case conflictingDuplicates(String)
    /// More extensions than `ReportNormaliser.Limits.maxExtensions`.
    case tooManyExtensions(limit: Int)

    /// Short stable name for counters and the dead-letter file.
    public var code: String {
        switch self {
        case .empty: return "empty"
        case .tooLarge: return "too_large"
        case .xml: return "xml"
        case .html: return "html"
        case .notJSON: return "not_json"
        case .notAnObject: return "not_an_object"
        case .missingAction: return "no_action"
        case .yeastarV2Event: return "yeastar_v2_event"
        case .unknownAction: return "unknown_action"
        case .missingField: return "missing_field"
        case .wrongType: return "wrong_type"
        case .invalidValue: return "invalid_value"
        case .conflictingDuplicates: return "conflicting_duplicates"
        case .tooManyExtensions: return "too_many_extensions"
        }
    }

    public var message: String {
        switch self {
        case .empty:
            return "report body is empty"
        case .tooLarge(let n, let limit):
            return "report body is " + String(n) + " bytes, limit " + String(limit)
        case .xml:
            return "report body is XML; ucagent expects JSON reports"
        case .html:
            return "report body is HTML or other markup, not a JSON report"
        case .notJSON(let e):
            return "report body is not JSON: " + e.message
        case .notAnObject(let type):
            return "report body is a JSON " + type + ", not an object"
        case .missingAction:
            return "report has no \"action\" member"
        case .yeastarV2Event(let name):
            return "report is a Yeastar API v2 event (\"event\": \"" + name
                + "\"); the PBX must use the v1 API (OpenVox /api/v0.0.1)"
        case .unknownAction(let name):
            return "unknown action \"" + name + "\""
        case .missingField(let f):
            return "report has no field \"" + f + "\""
        case .wrongType(let f, let expected, let found):
            return "field \"" + f + "\" has wrong type: expected " + expected + ", found " + found
        case .invalidValue(let f, let reason):
            return "field \"" + f + "\" " + reason
        case .conflictingDuplicates(let f):
            return "field \"" + f + "\" appears more than once with different values"
        case .tooManyExtensions(let limit):
            return "report lists more than " + String(limit) + " extensions"
        }
    }
}

extension ReportRejection: CustomStringConvertible {
    public var description: String { message }
}
