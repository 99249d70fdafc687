// TEMPORARY: stands in for the json branch's PBXErrno until that branch lands; deleted on merge.
public struct PBXErrno: Equatable, Sendable, CustomStringConvertible {
    public let code: String
    public init(code: String) { self.code = code }
    public var description: String { code }
    public var isTokenError: Bool { code == "20004" || code == "20005" || code == "20006" }
    public var isAuthFailure: Bool { code == "20002" || code == "20003" || code == "30003" }
    public var message: String { "PBX error " + code }
}
