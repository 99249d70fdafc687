/// Why a control request (test hook) was refused; `httpStatus` is what the control API answers.
public enum SimControlError: Error, Equatable {
    case unknownCall(Int64)
    case unknownExtension(String)
    case extensionUnavailable(String)
    case invalid(String)
    case wrongState(String)

    public var message: String {
        switch self {
        case .unknownCall(let id): return "no live call with id " + String(id)
        case .unknownExtension(let e): return "extension " + e + " does not exist on the simulated PBX"
        case .extensionUnavailable(let e): return "extension " + e + " is not registered (unavailable)"
        case .invalid(let m): return m
        case .wrongState(let m): return m
        }
    }

    public var httpStatus: Int {
        switch self {
        case .unknownCall: return 404
        case .unknownExtension, .extensionUnavailable, .invalid: return 400
        case .wrongState: return 409
        }
    }
}
