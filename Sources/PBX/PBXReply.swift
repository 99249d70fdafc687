import JSON

/// The envelope of every PBX API answer (always HTTP 200): `{"status":"Success", ...}` with
/// the endpoint's members, or `{"status":"Failed","errno":"<code>"}`.
public enum PBXReply: Equatable, Sendable {
    /// The whole reply object, `status` included.
    case success(JSONObject)
    /// `errno` as written; "" when the PBX said Failed without one (still a refusal: a failed
    /// login must count towards the lockout budget even if the errno is missing).
    case failed(errno: String)

    /// Limits for API replies: the JSON defaults (1 MiB covers the largest extension list).
    public static let defaultLimits = JSONLimits.default

    /// The typed errno of a failed reply.
    public var errno: PBXErrno? {
        if case .failed(let e) = self { return PBXErrno(code: e) }
        return nil
    }
}

/// A decoded answer of one endpoint: its value, or the PBX's refusal.
public enum PBXAnswer<Value: Equatable & Sendable>: Equatable, Sendable {
    case success(Value)
    case failed(PBXErrno)
}

/// Reads the reply envelope. XML (`type=xml`) replies are out of scope: ucagent always asks
/// for `type=json`, so an XML body means a wrong URL and is reported as `.xml`.
public func decodeReply(body: [UInt8], limits: JSONLimits = PBXReply.defaultLimits) -> Result<PBXReply, PBXWireError> {
    if body.count > limits.maxBytes { return .failure(.tooLarge(bytes: body.count, limit: limits.maxBytes)) }
    switch WireSniff.classify(body) {
    case .empty: return .failure(.empty)
    case .xml: return .failure(.xml)
    case .html: return .failure(.html)
    case .other: break
    }
    let value: JSONValue
    do {
        value = try JSON.parse(body, limits: limits)
    } catch {
        if case .unexpectedEnd = error { return .failure(.truncated(error)) }
        return .failure(.notJSON(error))
    }
    guard case .object(let object) = value else { return .failure(.notAnObject(value.typeName)) }
    guard let status = object["status"] else { return .failure(.missingStatus) }
    guard case .string(let s) = status else {
        return .failure(.wrongType(field: "status", expected: "string", found: status.typeName))
    }
    switch s {
    case "Success":
        return .success(.success(object))
    case "Failed":
        switch object["errno"] {
        case nil: return .success(.failed(errno: ""))
        case .string(let e)?: return .success(.failed(errno: e))
        // Documented as a string; a number is read as its text rather than lose the refusal.
        case .number(let n)?: return .success(.failed(errno: n.text))
        case let other?: return .failure(.wrongType(field: "errno", expected: "string", found: other.typeName))
        }
    default:
        return .failure(.unknownStatus(s))
    }
}

/// Envelope plus an endpoint decoder in one step, e.g.
/// `decodeAnswer(body: b, decodeLoginToken)`.
public func decodeAnswer<Value: Equatable & Sendable>(
    body: [UInt8], limits: JSONLimits = PBXReply.defaultLimits,
    _ decode: (JSONObject) -> Result<Value, PBXWireError>
) -> Result<PBXAnswer<Value>, PBXWireError> {
    switch decodeReply(body: body, limits: limits) {
    case .failure(let e): return .failure(e)
    case .success(.failed(let errno)): return .success(.failed(PBXErrno(code: errno)))
    case .success(.success(let object)):
        switch decode(object) {
        case .success(let v): return .success(.success(v))
        case .failure(let e): return .failure(e)
        }
    }
}
