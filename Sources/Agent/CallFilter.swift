import CallModel

/// The filters of `GET /v1/calls`. Unknown parameters and bad values are errors (400), so a
/// typo never silently widens a list that a billing system acts on.
struct CallFilter: Equatable {
    enum States: Equatable { case live, ringing, answered, ended, all }

    var states: States = .live
    var direction: Direction?
    var extensionNumber: ExtensionNumber?
    /// Seconds since the call started; a live call's duration grows, an ended call's is fixed.
    var minDurationSeconds: Int64?

    struct Invalid: Error, Equatable { let message: String }

    static func parse(_ query: [(String, String)]) -> Result<CallFilter, Invalid> {
        var f = CallFilter()
        for (name, value) in query {
            switch name {
            case "state":
                switch value {
                case "live": f.states = .live
                case "ringing": f.states = .ringing
                case "answered": f.states = .answered
                case "ended": f.states = .ended
                case "all": f.states = .all
                default: return .failure(Invalid(message: "state must be ringing, answered, ended, live or all, got \"" + value + "\""))
                }
            case "direction":
                switch value {
                case "inbound": f.direction = .inbound
                case "outbound": f.direction = .outbound
                case "internal": f.direction = .internal
                default: return .failure(Invalid(message: "direction must be inbound, outbound or internal, got \"" + value + "\""))
                }
            case "extension":
                guard !value.isEmpty, value.utf8.count <= 32 else {
                    return .failure(Invalid(message: "extension must be 1 to 32 characters"))
                }
                f.extensionNumber = ExtensionNumber(value)
            case "min_duration":
                guard let n = Int64(value), n >= 0 else {
                    return .failure(Invalid(message: "min_duration must be a whole number of seconds, got \"" + value + "\""))
                }
                f.minDurationSeconds = n
            default:
                return .failure(Invalid(message: "unknown parameter \"" + name + "\" (state, direction, extension, min_duration)"))
            }
        }
        return .success(f)
    }

    func matches(_ call: Call, now: Int64) -> Bool {
        switch states {
        case .live: if !call.isLive { return false }
        case .ringing: if call.state != .ringing { return false }
        case .answered: if call.state != .answered { return false }
        case .ended: if call.state != .ended { return false }
        case .all: break
        }
        if let direction, call.direction != direction { return false }
        if let ext = extensionNumber {
            if !call.extensions.contains(ext) && call.caller != ext.value && call.callee != ext.value { return false }
        }
        if let min = minDurationSeconds, CallJSON.durationSeconds(call, now: now) < min { return false }
        return true
    }
}
