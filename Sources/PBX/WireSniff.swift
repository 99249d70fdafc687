/// A first look at a body before JSON parsing, so an XML reply (`type=xml`) or an HTML page
/// (wrong port, proxy, captive portal) gets named instead of reported as "unexpected '<'".
enum WireSniff: Equatable {
    case empty, xml, html, other

    static func classify(_ body: [UInt8]) -> WireSniff {
        var i = 0
        while i < body.count, body[i] == 0x20 || body[i] == 0x09 || body[i] == 0x0A || body[i] == 0x0D { i += 1 }
        guard i < body.count else { return .empty }
        guard body[i] == UInt8(ascii: "<") else { return .other }
        // "<?xml ...?>" or a bare "<xml>" root, as the PBX writes its XML replies.
        if hasPrefix(body, at: i + 1, "?xml") || hasPrefix(body, at: i + 1, "xml") { return .xml }
        return .html
    }

    private static func hasPrefix(_ body: [UInt8], at start: Int, _ word: String) -> Bool {
        var i = start
        for w in word.utf8 {
            guard i < body.count else { return false }
            var b = body[i]
            if b >= 0x41 && b <= 0x5A { b += 0x20 }
            guard b == w else { return false }
            i += 1
        }
        return true
    }
}

/// Checks shared by every text field read off the wire: a bounded length and no control
/// characters (these values end up in logs, the journal and the native API).
enum WireText {
    /// nil when acceptable, else the reason.
    static func problem(_ s: String, maxBytes: Int, allowEmpty: Bool) -> String? {
        var n = 0
        for b in s.utf8 {
            n += 1
            if b < 0x20 || b == 0x7F { return "contains control characters" }
        }
        if n > maxBytes { return "is longer than " + String(maxBytes) + " bytes" }
        if n == 0 && !allowEmpty { return "is empty" }
        return nil
    }
}
