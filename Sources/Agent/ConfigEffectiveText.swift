/// `effectiveText()`: the configuration as the agent uses it, as INI that `parse` reads back:
/// every key in schema order, defaults filled in (`dead_letter` from `state_dir`, `allow` from
/// the PBX url), unset optional keys as comments, and the password (or its MD5) as `***`.
/// `parse` refuses an unquoted `***` as a credential, so a printed config cannot be loaded by
/// accident with a wrong password; with the real value put back it parses to an equal config.
extension AgentConfig {
    public func effectiveText() -> String { effectiveText(maskingSecrets: true) }

    /// `maskingSecrets: false` prints the credential in the file's syntax. Only for tests and the
    /// fuzz target's round-trip check; nothing that reaches a log or a socket may call it.
    func effectiveText(maskingSecrets: Bool) -> String {
        var out = "; ucagent effective configuration: every key, defaults filled in.\n"
            + "; Secrets are shown as ***, which ucagent refuses to load: put the real value back to reuse this file.\n"
            + "; Unset optional keys are shown as comments.\n"
        func section(_ name: String) { out += "\n[" + name + "]\n" }
        func line(_ key: String, _ value: String) { out += key + " = " + value + "\n" }
        func unset(_ key: String, _ meaning: String) { out += "; " + key + " is unset: " + meaning + "\n" }
        typealias V = ConfigValue

        section("agent")
        line("state_dir", ConfigQuoting.quotedIfNeeded(agent.stateDir))

        section("pbx")
        line("url", pbx.url.description)
        line("api_path", pbx.apiPath)
        line("username", ConfigQuoting.quotedIfNeeded(pbx.username))
        line(pbx.credential.key, maskingSecrets ? "***" : ConfigQuoting.quotedIfNeeded(pbx.credential.reveal()))
        if let caFile = pbx.caFile {
            line("ca_file", ConfigQuoting.quotedIfNeeded(caFile))
        } else {
            unset("ca_file", pbx.url.scheme == .https ? "OpenSSL's default CA store" : "only used with https")
        }
        line("heartbeat_interval", V.formatDuration(pbx.heartbeatIntervalMs))
        line("reconcile_interval", V.formatDuration(pbx.reconcileIntervalMs))
        line("request_timeout", V.formatDuration(pbx.requestTimeoutMs))
        if let version = pbx.reportVersion {
            line("report_version", version)
        } else {
            unset("report_version", "the login sends no version")
        }

        section("reports")
        line("listen", reports.listen.description)
        if let advertise = reports.advertise {
            line("advertise", advertise.description)
        } else {
            unset("advertise", "the local address of the connection to the PBX, with the listen port")
        }
        line("path", reports.path)
        line("allow", reports.allow.description)
        line("max_body", V.formatSize(reports.maxBodyBytes))
        line("max_connections", String(reports.maxConnections))
        line("read_timeout", V.formatDuration(reports.readTimeoutMs))
        line("dead_letter", ConfigQuoting.quotedIfNeeded(reports.deadLetterPath))
        line("dead_letter_max", V.formatSize(reports.deadLetterMaxBytes))

        section("api")
        line("listen", api.listen.description)
        line("hangup_confirm_timeout", V.formatDuration(api.hangupConfirmTimeoutMs))

        section("calls")
        line("ended_retention", V.formatDuration(calls.endedRetentionMs))

        section("log")
        line("level", log.level.description)
        if let file = log.file {
            line("file", ConfigQuoting.quotedIfNeeded(file))
            line("file_max", V.formatSize(log.fileMaxBytes))
        } else {
            unset("file", "the log goes to stderr only")
        }
        return out
    }
}

enum ConfigQuoting {
    /// The value as written in the file: bare when ConfigSyntax reads it back unchanged,
    /// otherwise in double quotes with `\` and `"` escaped. `***` is always quoted, because bare
    /// it means "masked".
    static func quotedIfNeeded(_ value: String) -> String {
        let bytes = Array(value.utf8)
        var needsQuotes = bytes.isEmpty || value == "***"
            || ConfigSyntax.isBlank(bytes.first ?? 0x20) || ConfigSyntax.isBlank(bytes.last ?? 0x20)
        for (i, c) in bytes.enumerated() where !needsQuotes {
            if c == ConfigSyntax.quote { needsQuotes = true }
            if (c == ConfigSyntax.semicolon || c == ConfigSyntax.hash) && (i == 0 || ConfigSyntax.isBlank(bytes[i - 1])) {
                needsQuotes = true
            }
        }
        if !needsQuotes { return value }
        var out: [UInt8] = [ConfigSyntax.quote]
        for c in bytes {
            if c == ConfigSyntax.quote || c == ConfigSyntax.backslash { out.append(ConfigSyntax.backslash) }
            out.append(c)
        }
        out.append(ConfigSyntax.quote)
        return String(decoding: out, as: UTF8.self)
    }
}
