import JSON

/// Why a settings object or a command-line value was refused.
public enum SimSettingsError: Error, Equatable {
    case unknownKey(String)
    case badValue(key: String, expected: String)

    public var message: String {
        switch self {
        case .unknownKey(let k): return "unknown simulator setting \"" + k + "\""
        case .badValue(let k, let expected): return "setting \"" + k + "\" must be " + expected
        }
    }
}

/// Durations as users write them: `250ms`, `60s`, `30m`, `2h`, or a bare number of ms.
public enum SimDuration {
    public static func parse(_ s: String) -> Int64? {
        var digits: [UInt8] = []
        var unit: [UInt8] = []
        for b in s.utf8 {
            if unit.isEmpty && b >= 0x30 && b <= 0x39 { digits.append(b) } else { unit.append(b) }
        }
        guard !digits.isEmpty, digits.count <= 12 else { return nil }
        var v: Int64 = 0
        for d in digits { v = v * 10 + Int64(d - 0x30) }
        switch String(decoding: unit, as: UTF8.self) {
        case "", "ms": return v
        case "s": return v * 1_000
        case "m", "min": return v * 60_000
        case "h": return v * 3_600_000
        default: return nil
        }
    }

    /// Reads a JSON number (ms) or a duration string.
    static func from(_ v: JSONValue) -> Int64? {
        if let n = v.int64 { return n }
        if let s = v.string { return parse(s) }
        return nil
    }
}

/// `101-120`, `101,102,110-115`: extension lists on the command line and in settings.
public enum SimExtensionList {
    public static func parse(_ s: String) -> [String]? {
        var out: [String] = []
        for part in SimulatedPBX.splitIDs(s) {
            let b = Array(part.utf8)
            var dash = -1
            for (i, c) in b.enumerated() where c == UInt8(ascii: "-") { dash = i; break }
            guard dash >= 0 else {
                guard b.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
                out.append(part)
                continue
            }
            guard let lo = Int(String(decoding: b[0..<dash], as: UTF8.self)),
                  let hi = Int(String(decoding: b[(dash + 1)...], as: UTF8.self)),
                  lo <= hi, hi - lo < 10_000 else { return nil }
            out += SimulatorSettings.extensionRange(lo, hi)
        }
        return out.isEmpty ? nil : out
    }
}

/// The settings as the control API reads and writes them (`GET`/`POST /sim/settings`):
/// snake_case keys, durations in simulated ms (numbers, or strings such as "60s").
extension SimulatorSettings {
    public var json: JSONValue {
        var errnoObject = JSONObject()
        for n in SimErrnos.names { errnoObject.append(n, .string(errnos.value(named: n) ?? "")) }
        let t = traffic
        return [
            "sn": .string(sn),
            "device_name": .string(deviceName),
            "hardware_version": .string(hardwareVersion),
            "firmware_version": .string(firmwareVersion),
            "extension_capacity": .int(Int64(extensionCapacity)),
            "extensions": .array(extensions.map { .string($0) }),
            "unavailable_extensions": .array(unavailableExtensions.map { .string($0) }),
            "trunk": .string(trunk),
            "dial_prefix": .string(dialPrefix),
            "utc_offset_minutes": .int(Int64(utcOffsetMinutes)),
            "username": .string(username),
            "password": .string(password),
            "token_lifetime_ms": .int(tokenLifetimeMs),
            "lockout_failures": .int(Int64(lockoutFailures)),
            "lockout_ms": .int(lockoutMs),
            "locking_failure_returns_lockout": .bool(lockingFailureReturnsLockout),
            "errnos": .object(errnoObject),
            "subscribers": .string(subscribers.name),
            "absolute_url_wins": .bool(absoluteURLWins),
            "honour_login_version": .bool(honourLoginVersion),
            "empty_query_lists_all": .bool(emptyQueryListsAll),
            "hangup_accepts_any_leg_id": .bool(hangupAcceptsAnyLegID),
            "shape": .string(shape.name),
            "answer_pair": .bool(answerPair),
            "busy_status": .string(busyStatus),
            "alert_ring_order": .string(alertRingOrder.name),
            "status_placement": .string(statusPlacement.name),
            "bye_after_call_failed": .bool(byeAfterCallFailed),
            "cdr_after_call_failed": .bool(cdrAfterCallFailed),
            "ring_timeout_ms": .int(ringTimeoutMs),
            "bootup_report": .bool(bootUpReport),
            "reboot_duration_ms": .int(rebootDurationMs),
            "request_line": .string(requestLine.name),
            "line_ending": .string(lineEnding.name),
            "resend_interval_ms": .int(resendIntervalMs),
            "resend_limit": .int(Int64(resendLimit)),
            "delivery_timeout_ms": .int(deliveryTimeoutMs),
            "duplicate_after_ack": .int(Int64(duplicateAfterAck)),
            "queue_limit": .int(Int64(queueLimit)),
            "report_log_limit": .int(Int64(reportLogLimit)),
            "time_scale": .number(JSONNumber(text: SimulatorSettings.decimal(timeScale)) ?? JSONNumber(1)),
            "traffic": [
                "rate": .number(JSONNumber(text: SimulatorSettings.decimal(t.ratePerMinute)) ?? JSONNumber(0)),
                "mean_duration_ms": .int(t.meanDurationMs),
                "internal_weight": .int(Int64(t.internalWeight)),
                "inbound_weight": .int(Int64(t.inboundWeight)),
                "outbound_weight": .int(Int64(t.outboundWeight)),
                "fail_percent": .int(Int64(t.failPercent)),
                "answer_delay_min_ms": .int(t.answerDelayMinMs),
                "answer_delay_max_ms": .int(t.answerDelayMaxMs),
            ],
            "seed": .number(JSONNumber(text: String(seed)) ?? JSONNumber(0)),
        ]
    }

    /// Applies every member of `o`; on an error nothing is changed.
    public mutating func apply(_ o: JSONObject) throws(SimSettingsError) {
        var s = self
        for m in o.members { try s.set(m.key, m.value) }
        guard s.timeScale > 0 else { throw .badValue(key: "time_scale", expected: "a number above 0") }
        guard !s.extensions.isEmpty else { throw .badValue(key: "extensions", expected: "a non-empty list") }
        self = s
    }

    mutating func set(_ key: String, _ v: JSONValue) throws(SimSettingsError) {
        func str() throws(SimSettingsError) -> String {
            guard let s = v.string else { throw .badValue(key: key, expected: "a string") }
            return s
        }
        func bool() throws(SimSettingsError) -> Bool {
            guard let b = v.bool else { throw .badValue(key: key, expected: "true or false") }
            return b
        }
        func int(min: Int64 = 0) throws(SimSettingsError) -> Int {
            guard let n = v.int64, n >= min, n <= Int64(Int32.max) else {
                throw .badValue(key: key, expected: "an integer from " + String(min))
            }
            return Int(n)
        }
        func ms() throws(SimSettingsError) -> Int64 {
            guard let d = SimDuration.from(v), d >= 0 else {
                throw .badValue(key: key, expected: "a duration in ms (number) or a string like \"60s\"")
            }
            return d
        }
        func double() throws(SimSettingsError) -> Double {
            guard let d = v.number?.double ?? v.string.flatMap({ JSONNumber(text: $0)?.double }), d >= 0 else {
                throw .badValue(key: key, expected: "a non-negative number")
            }
            return d
        }
        func list() throws(SimSettingsError) -> [String] {
            if let s = v.string, let l = SimExtensionList.parse(s) { return l }
            if case .array(let items) = v {
                var out: [String] = []
                for i in items {
                    guard let s = i.string else { throw .badValue(key: key, expected: "a list of strings") }
                    out.append(s)
                }
                return out
            }
            throw .badValue(key: key, expected: "a list of extension numbers or a range like \"101-120\"")
        }
        func choice<T>(_ parse: (String) -> T?, _ names: String) throws(SimSettingsError) -> T {
            guard let s = v.string, let c = parse(s) else { throw .badValue(key: key, expected: "one of " + names) }
            return c
        }

        switch key {
        case "sn": sn = try str()
        case "device_name": deviceName = try str()
        case "hardware_version": hardwareVersion = try str()
        case "firmware_version": firmwareVersion = try str()
        case "extension_capacity": extensionCapacity = try int()
        case "extensions": extensions = try list()
        case "unavailable_extensions": unavailableExtensions = v.string == "" ? [] : try list()
        case "trunk": trunk = try str()
        case "dial_prefix": dialPrefix = try str()
        case "utc_offset_minutes": utcOffsetMinutes = try int(min: -24 * 60)
        case "username": username = try str()
        case "password": password = try str()
        case "token_lifetime_ms": tokenLifetimeMs = try ms()
        case "lockout_failures": lockoutFailures = try int(min: 1)
        case "lockout_ms": lockoutMs = try ms()
        case "locking_failure_returns_lockout": lockingFailureReturnsLockout = try bool()
        case "errnos":
            guard case .object(let o) = v else { throw .badValue(key: key, expected: "an object of errno strings") }
            for m in o.members {
                guard let code = m.value.string ?? m.value.number?.text else {
                    throw .badValue(key: "errnos." + m.key, expected: "a string")
                }
                guard errnos.set(named: m.key, to: code) else { throw .unknownKey("errnos." + m.key) }
            }
        case "subscribers": subscribers = try choice(SimSubscriberMode.init(name:), "every-token, latest-login, replace")
        case "absolute_url_wins": absoluteURLWins = try bool()
        case "honour_login_version": honourLoginVersion = try bool()
        case "empty_query_lists_all": emptyQueryListsAll = try bool()
        case "hangup_accepts_any_leg_id": hangupAcceptsAnyLegID = try bool()
        case "shape": shape = try choice(SimReportShape.init(name:), "openvox, yeastar-1.0.2, legacy")
        case "answer_pair": answerPair = try bool()
        case "busy_status":
            let s = try str()
            guard s == "InUse" || s == "Busy" else { throw .badValue(key: key, expected: "InUse or Busy") }
            busyStatus = s
        case "alert_ring_order": alertRingOrder = try choice(SimPairOrder.init(name:), "alert-first, ring-first, random")
        case "status_placement": statusPlacement = try choice(SimStatusPlacement.init(name:), "after, before, random")
        case "bye_after_call_failed": byeAfterCallFailed = try bool()
        case "cdr_after_call_failed": cdrAfterCallFailed = try bool()
        case "ring_timeout_ms": ringTimeoutMs = try ms()
        case "bootup_report": bootUpReport = try bool()
        case "reboot_duration_ms": rebootDurationMs = try ms()
        case "request_line": requestLine = try choice(SimRequestLine.init(name:), "two-spaces, one-space, path, yeastar")
        case "line_ending": lineEnding = try choice(SimLineEnding.init(name:), "crlf, lf")
        case "resend_interval_ms": resendIntervalMs = try ms()
        case "resend_limit": resendLimit = try int()
        case "delivery_timeout_ms": deliveryTimeoutMs = try ms()
        case "duplicate_after_ack": duplicateAfterAck = try int()
        case "queue_limit": queueLimit = try int(min: 1)
        case "report_log_limit": reportLogLimit = try int(min: 1)
        case "time_scale": timeScale = try double()
        case "seed":
            guard let n = v.int64, n >= 0 else { throw .badValue(key: key, expected: "a non-negative integer") }
            seed = UInt64(n)
        case "traffic":
            guard case .object(let o) = v else { throw .badValue(key: key, expected: "an object") }
            for m in o.members { try setTraffic(m.key, m.value) }
        default: throw .unknownKey(key)
        }
    }

    mutating func setTraffic(_ key: String, _ v: JSONValue) throws(SimSettingsError) {
        let k = "traffic." + key
        func int() throws(SimSettingsError) -> Int {
            guard let n = v.int64, n >= 0, n <= 1_000_000 else { throw .badValue(key: k, expected: "a non-negative integer") }
            return Int(n)
        }
        func ms() throws(SimSettingsError) -> Int64 {
            guard let d = SimDuration.from(v), d >= 0 else { throw .badValue(key: k, expected: "a duration") }
            return d
        }
        switch key {
        case "rate":
            guard let d = v.number?.double, d >= 0 else { throw .badValue(key: k, expected: "calls per minute, >= 0") }
            traffic.ratePerMinute = d
        case "mean_duration_ms": traffic.meanDurationMs = try ms()
        case "internal_weight": traffic.internalWeight = try int()
        case "inbound_weight": traffic.inboundWeight = try int()
        case "outbound_weight": traffic.outboundWeight = try int()
        case "fail_percent":
            let p = try int()
            guard p <= 100 else { throw .badValue(key: k, expected: "0 to 100") }
            traffic.failPercent = p
        case "answer_delay_min_ms": traffic.answerDelayMinMs = try ms()
        case "answer_delay_max_ms": traffic.answerDelayMaxMs = try ms()
        default: throw .unknownKey(k)
        }
    }

    /// A JSON-valid decimal for a Double (the stdlib's description may say "1e-05" or "inf").
    static func decimal(_ d: Double) -> String {
        guard d.isFinite else { return "0" }
        let negative = d < 0
        let a = negative ? -d : d
        let whole = a >= 9.0e15 ? Int64(9.0e15) : Int64(a)
        var frac = a - Double(whole)
        var digits = ""
        var n = 0
        while frac > 0 && n < 6 {
            frac *= 10
            let dgt = Int(frac)
            digits += String(dgt)
            frac -= Double(dgt)
            n += 1
        }
        while digits.hasSuffix("0") { digits.removeLast() }
        let body = String(whole) + (digits.isEmpty ? "" : "." + digits)
        return negative ? "-" + body : body
    }
}
