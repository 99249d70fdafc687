/// From the entries of ConfigSyntax to a checked `AgentConfig`. Unknown sections and keys,
/// repeated sections and keys, out-of-range values and contradictions are errors: nothing is
/// clamped or ignored. All errors are collected (up to `ConfigLimits.maxErrors`) and sorted by
/// line; errors without a line (missing keys of missing sections) come last.
///
/// Missing required keys are only reported for a file whose every line could be read: after
/// a syntax error the key may well be on the broken line, and "missing" would mislead.
extension AgentConfig {
    struct SchemaSection {
        let name: String
        let keys: [String]
    }

    /// Every section and key, in the order `effectiveText()` prints them.
    static let schema: [SchemaSection] = [
        SchemaSection(name: "agent", keys: ["state_dir"]),
        SchemaSection(name: "pbx", keys: ["url", "api_path", "username", "password", "password_md5", "ca_file",
                                          "heartbeat_interval", "reconcile_interval", "request_timeout", "report_version"]),
        SchemaSection(name: "reports", keys: ["listen", "advertise", "path", "allow", "max_body", "max_connections",
                                              "read_timeout", "dead_letter", "dead_letter_max"]),
        SchemaSection(name: "api", keys: ["listen", "hangup_confirm_timeout"]),
        SchemaSection(name: "calls", keys: ["ended_retention"]),
        SchemaSection(name: "log", keys: ["level", "file", "file_max"]),
    ]

    /// Parses a config file's text. `file` is the name used in error messages.
    public static func parse(text: String, file: String) -> Result<AgentConfig, ConfigError> {
        parse(bytes: Array(text.utf8), file: file)
    }

    /// Parses a config file's bytes (the file must be UTF-8). On failure, the first error by line.
    public static func parse(bytes: [UInt8], file: String, limits: ConfigLimits = .standard) -> Result<AgentConfig, ConfigError> {
        switch parseCollectingErrors(bytes: bytes, file: file, limits: limits) {
        case .success(let config): return .success(config)
        case .failure(let list): return .failure(list.errors.first ?? ConfigError(file: file, line: 0, key: nil, message: "invalid config"))
        }
    }

    /// Every error in the file (up to `limits.maxErrors`), sorted by line; empty when it parses.
    /// For `check-config`, which should show an admin all problems at once.
    public static func allErrors(bytes: [UInt8], file: String, limits: ConfigLimits = .standard) -> [ConfigError] {
        switch parseCollectingErrors(bytes: bytes, file: file, limits: limits) {
        case .success: return []
        case .failure(let list): return list.errors
        }
    }

    /// Never empty.
    struct ErrorList: Error { var errors: [ConfigError] }

    static func parseCollectingErrors(bytes: [UInt8], file: String, limits: ConfigLimits) -> Result<AgentConfig, ErrorList> {
        var parser = ConfigParser(file: file, limits: limits)
        let document = ConfigSyntax.read(bytes, file: file, limits: limits, errors: &parser.errors)
        parser.syntaxErrors = parser.errors.count
        let config = document.stopped ? nil : parser.build(document)
        if parser.errors.isEmpty, let config { return .success(config) }
        var errors = parser.errors
        if errors.isEmpty {
            errors.append(ConfigError(file: file, line: 0, key: nil, message: "invalid config"))
        }
        let sorted = errors.enumerated().sorted { a, b in
            let la = a.element.line == 0 ? Int.max : a.element.line
            let lb = b.element.line == 0 ? Int.max : b.element.line
            return la != lb ? la < lb : a.offset < b.offset
        }
        return .failure(ErrorList(errors: Array(sorted.map { $0.element }.prefix(max(1, limits.maxErrors)))))
    }
}

struct ConfigParser {
    let file: String
    let limits: ConfigLimits
    var errors: [ConfigError] = []
    var entries: [String: [String: ConfigEntry]] = [:]
    var sectionLines: [String: Int] = [:]
    /// Lines ConfigSyntax could not read; when non-zero, `missing` stays silent.
    var syntaxErrors = 0

    init(file: String, limits: ConfigLimits) {
        self.file = file
        self.limits = limits
    }

    static func qualified(_ section: String, _ key: String) -> String { "[" + section + "] " + key }

    mutating func record(line: Int, section: String, key: String, _ message: String) {
        errors.append(ConfigError(file: file, line: line, key: ConfigParser.qualified(section, key), message: message))
    }

    /// A required key is absent: reported on its section's header line, or line 0.
    mutating func missing(_ section: String, _ key: String, _ message: String) {
        if syntaxErrors > 0 { return }
        record(line: sectionLines[section] ?? 0, section: section, key: key, message)
    }

    func entry(_ section: String, _ key: String) -> ConfigEntry? { entries[section]?[key] }

    /// The parsed value of a key; nil when absent or invalid (then an error is recorded).
    mutating func value<T>(_ section: String, _ key: String, _ parse: (String) -> ConfigValue.Outcome<T>) -> T? {
        guard let e = entry(section, key) else { return nil }
        switch parse(e.value) {
        case .success(let v): return v
        case .failure(let problem):
            record(line: e.line, section: section, key: key, problem.message)
            return nil
        }
    }

    /// Files the entries by section and key, reporting what the schema does not know and what
    /// appears twice.
    mutating func index(_ document: ConfigDocument) {
        let names = AgentConfig.schema.map { $0.name }
        for header in document.sections {
            guard names.contains(header.name) else {
                errors.append(ConfigError(file: file, line: header.line, key: nil,
                    message: "unknown section [" + header.name + "]; the sections are " + listed(names.map { "[" + $0 + "]" })))
                continue
            }
            if let first = sectionLines[header.name] {
                errors.append(ConfigError(file: file, line: header.line, key: nil,
                    message: "section [" + header.name + "] appears twice (first on line " + String(first) + "); keep one"))
                continue
            }
            sectionLines[header.name] = header.line
        }
        for e in document.entries {
            guard let section = AgentConfig.schema.first(where: { $0.name == e.section }) else { continue }
            guard section.keys.contains(e.key) else {
                record(line: e.line, section: e.section, key: e.key,
                       "unknown key; [" + e.section + "] accepts " + listed(section.keys))
                continue
            }
            if let first = entry(e.section, e.key) {
                record(line: e.line, section: e.section, key: e.key,
                       "duplicate key (first set on line " + String(first.line) + ")")
                continue
            }
            entries[e.section, default: [:]][e.key] = e
        }
    }

    func listed(_ words: [String]) -> String {
        var out = ""
        for (i, w) in words.enumerated() { out += (i == 0 ? "" : ", ") + w }
        return out
    }

    mutating func build(_ document: ConfigDocument) -> AgentConfig? {
        typealias D = AgentConfig.Defaults
        typealias R = AgentConfig.Ranges
        index(document)

        // [agent]
        let stateDir = value("agent", "state_dir") { ConfigValue.absolutePath($0, directory: true) } ?? D.stateDir

        // [pbx]
        let url = value("pbx", "url", ConfigValue.httpURL)
        if entry("pbx", "url") == nil {
            missing("pbx", "url", "required key is missing: the PBX's address, e.g. url = http://192.168.1.10:9011")
        }
        let apiPath = value("pbx", "api_path") { ConfigValue.urlPath($0, allowRoot: false) } ?? D.apiPath
        let username = value("pbx", "username", ConfigValue.username)
        if entry("pbx", "username") == nil {
            missing("pbx", "username", "required key is missing: the API user set on the PBX's API page")
        }
        let credential = readCredential()
        let caFile = value("pbx", "ca_file") { ConfigValue.absolutePath($0, directory: false) }
        if let caEntry = entry("pbx", "ca_file"), let url, url.scheme == .http {
            record(line: caEntry.line, section: "pbx", key: "ca_file",
                   "ca_file is only used with an https url, but [pbx] url is " + url.description)
        }
        let heartbeat = value("pbx", "heartbeat_interval") { ConfigValue.duration($0, R.heartbeatIntervalMs) } ?? D.heartbeatIntervalMs
        let reconcile = value("pbx", "reconcile_interval") { ConfigValue.duration($0, R.reconcileIntervalMs) } ?? D.reconcileIntervalMs
        let requestTimeout = value("pbx", "request_timeout") { ConfigValue.duration($0, R.requestTimeoutMs) } ?? D.requestTimeoutMs
        let reportVersion = value("pbx", "report_version", ConfigValue.version)

        // [reports]
        let listen = value("reports", "listen") { ConfigValue.hostPort($0, allowPortZero: true, allowUnspecified: true) }
            ?? D.reportsListen
        let advertise = value("reports", "advertise") { ConfigValue.hostPort($0, allowPortZero: false, allowUnspecified: false) }
        let path = value("reports", "path") { ConfigValue.urlPath($0, allowRoot: true) } ?? D.reportsPath
        var allow = value("reports", "allow", ConfigValue.allowList)
        if entry("reports", "allow") == nil, let url {
            switch url.host {
            case .ip(let address):
                allow = AgentConfig.AllowList([.host(address)])
            case .name(let name):
                missing("reports", "allow", "required because [pbx] url names a host (" + name
                    + ") rather than an IP address; list the addresses the PBX posts reports from")
            }
        }
        let maxBody = value("reports", "max_body") { ConfigValue.size($0, R.maxBodyBytes) } ?? D.maxBodyBytes
        let maxConnections = value("reports", "max_connections") { ConfigValue.integer($0, R.maxConnections) }
            .map { Int($0) } ?? D.maxConnections
        let readTimeout = value("reports", "read_timeout") { ConfigValue.duration($0, R.readTimeoutMs) } ?? D.readTimeoutMs
        let deadLetter = value("reports", "dead_letter") { ConfigValue.absolutePath($0, directory: false) }
            ?? ((stateDir == "/" ? "" : stateDir) + "/" + D.deadLetterFileName)
        let deadLetterMax = value("reports", "dead_letter_max") { ConfigValue.size($0, R.deadLetterMaxBytes) } ?? D.deadLetterMaxBytes

        // [api]
        let apiListen = value("api", "listen") { ConfigValue.hostPort($0, allowPortZero: true, allowUnspecified: true) }
            ?? D.apiListen
        let hangupConfirm = value("api", "hangup_confirm_timeout") { ConfigValue.duration($0, R.hangupConfirmTimeoutMs) }
            ?? D.hangupConfirmTimeoutMs
        if ConfigParser.listenersCollide(listen, apiListen) {
            // Blame the key the admin wrote; both defaults never collide.
            let blamed = entry("api", "listen") != nil ? "api" : "reports"
            record(line: entry(blamed, "listen")?.line ?? 0, section: blamed, key: "listen",
                   "[api] listen " + apiListen.description + " and [reports] listen " + listen.description
                    + " would bind the same port; give them different ports")
        }

        // [calls]
        let endedRetention = value("calls", "ended_retention") { ConfigValue.duration($0, R.endedRetentionMs) } ?? D.endedRetentionMs

        // [log]
        let level = value("log", "level", ConfigValue.logLevel) ?? .info
        let logFile = value("log", "file") { ConfigValue.absolutePath($0, directory: false) }
        let logFileMax = value("log", "file_max") { ConfigValue.size($0, R.logFileMaxBytes) } ?? D.logFileMaxBytes
        if let maxEntry = entry("log", "file_max"), entry("log", "file") == nil {
            record(line: maxEntry.line, section: "log", key: "file_max",
                   "file_max is only used with [log] file, which is not set")
        }

        guard errors.isEmpty, let url, let username, let credential, let allow else { return nil }
        return AgentConfig(
            agent: AgentConfig.AgentSection(stateDir: stateDir),
            pbx: AgentConfig.PBXSection(url: url, apiPath: apiPath, username: username, credential: credential,
                                        caFile: caFile, heartbeatIntervalMs: heartbeat, reconcileIntervalMs: reconcile,
                                        requestTimeoutMs: requestTimeout, reportVersion: reportVersion),
            reports: AgentConfig.ReportsSection(listen: listen, advertise: advertise, path: path, allow: allow,
                                                maxBodyBytes: maxBody, maxConnections: maxConnections,
                                                readTimeoutMs: readTimeout, deadLetterPath: deadLetter,
                                                deadLetterMaxBytes: deadLetterMax),
            api: AgentConfig.APISection(listen: apiListen, hangupConfirmTimeoutMs: hangupConfirm),
            calls: AgentConfig.CallsSection(endedRetentionMs: endedRetention),
            log: AgentConfig.LogSection(level: level, file: logFile, fileMaxBytes: logFileMax))
    }

    /// `password` or `password_md5`, exactly one. An unquoted `***` is the mask printed by
    /// `effectiveText()`: it is refused, so a printed config cannot log in with "***" by accident.
    mutating func readCredential() -> PBXCredential? {
        let plain = entry("pbx", "password")
        let hashed = entry("pbx", "password_md5")
        if let plain, let hashed {
            let (later, earlier) = plain.line > hashed.line ? (plain, hashed) : (hashed, plain)
            record(line: later.line, section: "pbx", key: later.key,
                   "set either password or password_md5, not both (" + earlier.key + " is set on line " + String(earlier.line) + ")")
            return nil
        }
        guard let e = plain ?? hashed else {
            missing("pbx", "password", "required key is missing: set password (the API password) or password_md5 (its MD5 in hex)")
            return nil
        }
        if !e.quoted && e.value == "***" {
            record(line: e.line, section: "pbx", key: e.key,
                   "the value is the mask *** printed by check-config, not a secret; write the real value"
                    + " (in quotes, \"***\", if that really is it)")
            return nil
        }
        if e.key == "password" {
            return value("pbx", "password", ConfigValue.password).map { PBXCredential.password($0) }
        }
        return value("pbx", "password_md5", ConfigValue.md5Hex).map { PBXCredential.md5Hex($0) }
    }

    /// Whether two listeners would fail to bind together: same non-zero port and overlapping
    /// addresses (equal, or one is the unspecified address of the other's family, or `[::]`,
    /// which on Linux also takes IPv4).
    static func listenersCollide(_ a: AgentConfig.HostPort, _ b: AgentConfig.HostPort) -> Bool {
        guard a.port == b.port, a.port != 0 else { return false }
        if a.host == b.host { return true }
        switch (a.host, b.host) {
        case (.v4, .v4): return a.host.isUnspecified || b.host.isUnspecified
        case (.v6, .v6): return a.host.isUnspecified || b.host.isUnspecified
        case (.v6, .v4): return a.host.isUnspecified
        case (.v4, .v6): return b.host.isUnspecified
        }
    }
}
