/// The INI syntax of `ucagent.conf`, read from bytes (never by splitting a `String`:
/// `"\r\n"` is one `Character`).
///
/// - A line is `[section]`, `key = value`, a comment, or blank. Lines end with LF; a CR before
///   the LF is dropped (files edited on Windows work). A CR anywhere else is an error.
/// - The file must be UTF-8 (a leading byte-order mark is skipped). Control characters other
///   than tab are errors.
/// - A comment is a line whose first non-blank character is `;` or `#`. After a value, `;` or
///   `#` starts a comment only when it follows a space or tab (or opens the value), so
///   `password = pa#ss` is the value `pa#ss`, while `password = pa #ss` is `pa`.
/// - Whitespace around keys and values is dropped. A value that must keep leading or trailing
///   blanks, or contains ` ;`, ` #` or `"`, is written in double quotes; inside quotes `\"` is
///   a quote and `\\` a backslash, and any other backslash escape is an error. After the closing
///   quote only blanks or a comment may follow. An unquoted value may not contain `"`.
/// - An empty value (`key =`) is an error: leave the key out to get its default.
/// - Section and key names are case-sensitive (all lower case in ucagent).
struct ConfigEntry: Equatable {
    var section: String
    var key: String
    var value: String
    /// Written in quotes. The masked form `***` of `effectiveText()` is only recognised unquoted.
    var quoted: Bool
    var line: Int
}

struct ConfigSectionHeader: Equatable {
    var name: String
    var line: Int
}

struct ConfigDocument {
    var sections: [ConfigSectionHeader] = []
    var entries: [ConfigEntry] = []
    /// Reading stopped (file too large, too many keys): nothing else is worth reporting.
    var stopped = false
}

enum ConfigSyntax {
    /// Splits `bytes` into section headers and entries. Line errors are appended to `errors` and
    /// reading goes on; errors about the file as a whole (size, key count) stop it.
    static func read(_ bytes: [UInt8], file: String, limits: ConfigLimits, errors: inout [ConfigError]) -> ConfigDocument {
        var document = ConfigDocument()
        if bytes.count > limits.maxFileBytes {
            errors.append(ConfigError(file: file, line: 0, key: nil,
                message: "the file is " + String(bytes.count) + " bytes; the limit is " + String(limits.maxFileBytes) + " bytes"))
            document.stopped = true
            return document
        }
        var position = 0
        if bytes.count >= 3 && bytes[0] == 0xef && bytes[1] == 0xbb && bytes[2] == 0xbf { position = 3 }
        var lineNumber = 0
        // nil after a broken header: keys below it are not reported one by one.
        var section: String? = nil
        var sectionBroken = false
        while position < bytes.count && errors.count < limits.maxErrors {
            lineNumber += 1
            var end = position
            while end < bytes.count && bytes[end] != 0x0a { end += 1 }
            var lineEnd = end
            if lineEnd > position && bytes[lineEnd - 1] == 0x0d { lineEnd -= 1 }
            let line = Array(bytes[position..<lineEnd])
            position = end + 1

            func fail(_ message: String) {
                errors.append(ConfigError(file: file, line: lineNumber, key: nil, message: message))
            }
            if line.count > limits.maxLineBytes {
                fail("the line is " + String(line.count) + " bytes long; the limit is " + String(limits.maxLineBytes))
                continue
            }
            if let bad = firstInvalidUTF8(line) {
                fail("not valid UTF-8 at column " + String(bad + 1) + " (the file must be UTF-8)")
                continue
            }
            if let control = line.firstIndex(where: { ($0 < 0x20 && $0 != 0x09) || $0 == 0x7f }) {
                fail(line[control] == 0x0d
                    ? "carriage return (CR) at column " + String(control + 1) + " not followed by a line feed"
                    : "control character " + hexByte(line[control]) + " at column " + String(control + 1))
                continue
            }
            var i = 0
            while i < line.count && isBlank(line[i]) { i += 1 }
            if i == line.count || line[i] == semicolon || line[i] == hash { continue }

            if line[i] == 0x5b {   // [
                guard let close = line[i...].firstIndex(of: 0x5d) else {
                    fail("section header without a closing ']'")
                    section = nil; sectionBroken = true
                    continue
                }
                let name = Array(line[(i + 1)..<close])
                var j = close + 1
                while j < line.count && isBlank(line[j]) { j += 1 }
                if j < line.count && line[j] != semicolon && line[j] != hash {
                    fail("unexpected text after the section header ']'")
                    section = nil; sectionBroken = true
                    continue
                }
                guard !name.isEmpty, name.allSatisfy(isNameByte) else {
                    fail("invalid section name " + shownValue(String(decoding: name, as: UTF8.self))
                        + "; a section is [name] with letters, digits and '_', no blanks")
                    section = nil; sectionBroken = true
                    continue
                }
                let text = String(decoding: name, as: UTF8.self)
                document.sections.append(ConfigSectionHeader(name: text, line: lineNumber))
                section = text; sectionBroken = false
                continue
            }

            guard let equals = line[i...].firstIndex(of: 0x3d) else {
                fail("expected 'key = value', '[section]' or a comment")
                continue
            }
            var keyEnd = equals
            while keyEnd > i && isBlank(line[keyEnd - 1]) { keyEnd -= 1 }
            let keyBytes = Array(line[i..<keyEnd])
            guard !keyBytes.isEmpty, keyBytes.allSatisfy(isNameByte) else {
                fail("invalid key name " + shownValue(String(decoding: keyBytes, as: UTF8.self))
                    + "; expected 'key = value' with a key of letters, digits and '_'")
                continue
            }
            let key = String(decoding: keyBytes, as: UTF8.self)
            guard let currentSection = section else {
                if !sectionBroken {
                    fail("key " + key + " comes before any [section]")
                }
                continue
            }
            if document.entries.count >= limits.maxKeys {
                fail("more than " + String(limits.maxKeys) + " keys in the file")
                document.stopped = true
                return document
            }
            switch readValue(line, from: equals + 1) {
            case .success(let (value, quoted)):
                if value.isEmpty {
                    errors.append(ConfigError(file: file, line: lineNumber, key: "[" + currentSection + "] " + key,
                        message: "empty value; leave the key out to use its default"
                            + (quoted ? "" : " (a ';' or '#' after a blank starts a comment: quote the value to keep it)")))
                    continue
                }
                document.entries.append(ConfigEntry(section: currentSection, key: key, value: value, quoted: quoted, line: lineNumber))
            case .failure(let problem):
                errors.append(ConfigError(file: file, line: lineNumber, key: "[" + currentSection + "] " + key, message: problem.message))
            }
        }
        return document
    }

    struct Problem: Error { var message: String }

    /// The value after `=`: quoted or bare, comment and surrounding blanks removed.
    static func readValue(_ line: [UInt8], from start: Int) -> Result<(String, Bool), Problem> {
        var i = start
        while i < line.count && isBlank(line[i]) { i += 1 }
        if i < line.count && line[i] == quote {
            var out: [UInt8] = []
            i += 1
            while true {
                guard i < line.count else {
                    return .failure(Problem(message: "unterminated quoted value (no closing '\"')"))
                }
                let c = line[i]
                if c == quote { i += 1; break }
                if c == backslash {
                    guard i + 1 < line.count, line[i + 1] == quote || line[i + 1] == backslash else {
                        return .failure(Problem(message: "unknown escape at column " + String(i + 1)
                            + "; inside quotes only \\\" and \\\\ are escapes"))
                    }
                    out.append(line[i + 1])
                    i += 2
                    continue
                }
                out.append(c)
                i += 1
            }
            while i < line.count && isBlank(line[i]) { i += 1 }
            if i < line.count && line[i] != semicolon && line[i] != hash {
                return .failure(Problem(message: "unexpected text after the closing quote at column " + String(i + 1)))
            }
            return .success((String(decoding: out, as: UTF8.self), true))
        }
        let valueStart = i
        var end = i
        while end < line.count {
            let c = line[end]
            if (c == semicolon || c == hash) && (end == valueStart || isBlank(line[end - 1])) { break }
            if c == quote {
                return .failure(Problem(message: "'\"' inside an unquoted value at column " + String(end + 1)
                    + "; quote the whole value and write \\\" for a quote"))
            }
            end += 1
        }
        while end > valueStart && isBlank(line[end - 1]) { end -= 1 }
        return .success((String(decoding: line[valueStart..<end], as: UTF8.self), false))
    }

    /// The offset of the first byte that does not start or continue a well-formed UTF-8
    /// sequence (no overlongs, no surrogates, nothing above U+10FFFF), or nil.
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b < 0x80 { i += 1; continue }
            var need = 0
            var low: UInt8 = 0x80, high: UInt8 = 0xbf   // bounds of the second byte
            switch b {
            case 0xc2...0xdf: need = 1
            case 0xe0: need = 2; low = 0xa0
            case 0xe1...0xec, 0xee...0xef: need = 2
            case 0xed: need = 2; high = 0x9f
            case 0xf0: need = 3; low = 0x90
            case 0xf1...0xf3: need = 3
            case 0xf4: need = 3; high = 0x8f
            default: return i
            }
            guard i + need < bytes.count else { return i }
            if bytes[i + 1] < low || bytes[i + 1] > high { return i }
            var k = 2
            while k <= need {
                if bytes[i + k] & 0xc0 != 0x80 { return i }
                k += 1
            }
            i += need + 1
        }
        return nil
    }

    static let semicolon: UInt8 = 0x3b
    static let hash: UInt8 = 0x23
    static let quote: UInt8 = 0x22
    static let backslash: UInt8 = 0x5c

    static func isBlank(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 }

    static func isNameByte(_ c: UInt8) -> Bool {
        (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c == 0x5f || c == 0x2d || c == 0x2e
    }
}

func hexByte(_ b: UInt8) -> String {
    let digits: [UInt8] = Array("0123456789abcdef".utf8)
    return "0x" + String(decoding: [digits[Int(b >> 4)], digits[Int(b & 15)]], as: UTF8.self)
}

/// A value as error messages show it: in quotes, `"` and `\` escaped, tabs as `\t`, cut after
/// 60 bytes (at a character boundary) so a pasted blob cannot flood the log.
func shownValue(_ value: String) -> String {
    var out: [UInt8] = [0x22]
    var count = 0
    let bytes = Array(value.utf8)
    var i = 0
    while i < bytes.count {
        if count >= 60 && bytes[i] & 0xc0 != 0x80 {
            out.append(contentsOf: Array("\u{2026}".utf8))
            break
        }
        let c = bytes[i]
        switch c {
        case 0x22: out.append(contentsOf: [0x5c, 0x22])
        case 0x5c: out.append(contentsOf: [0x5c, 0x5c])
        case 0x09: out.append(contentsOf: [0x5c, 0x74])
        default: out.append(c)
        }
        count += 1
        i += 1
    }
    out.append(0x22)
    return String(decoding: out, as: UTF8.self)
}
