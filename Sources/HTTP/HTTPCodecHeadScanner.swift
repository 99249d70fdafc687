// Pure codec file: imports nothing but the standard library (compiled alone by the fuzzers).

/// The first line of a message, parsed.
enum HTTPStartLine: Equatable {
    case request(method: String, target: String, version: HTTPVersion)
    case status(version: HTTPVersion, code: Int, reason: String)
}

/// Reads a start line and header section one byte at a time, so the outcome (message or
/// error, and the error's offset) cannot depend on how the bytes were split. Limits are
/// checked per byte, before anything is buffered beyond them. A head is at most
/// `maxHeaderBytes` (16 KiB), so the per-byte loop costs nothing measurable.
struct HTTPHeadScanner {
    enum Kind { case request, response }

    let kind: Kind
    let limits: HTTPLimits
    /// Bytes of this message consumed so far (all error offsets are relative to its start).
    private(set) var offset: Int64 = 0
    /// The line being read, without its LF.
    private(set) var line: [UInt8] = []
    private var lineStart: Int64 = 0
    private(set) var startLine: HTTPStartLine?
    private(set) var headers: [HTTPHeader] = []
    /// Where each header line starts, for errors found after the head is complete.
    private(set) var headerOffsets: [Int64] = []
    private(set) var quirks: HTTPQuirks = []
    /// Whether the start line has begun: leading blank lines alone do not start a message.
    private(set) var started = false
    /// Whether the first space of the start line has been seen (the method is complete).
    private var methodComplete = false

    init(kind: Kind, limits: HTTPLimits) {
        self.kind = kind
        self.limits = limits
    }

    /// Whether no byte of a message has been consumed yet.
    var isEmpty: Bool { offset == 0 }

    /// Consumes bytes until the blank line ending the head; true when the head is complete.
    /// Bytes after the blank line are left for the body or the next message.
    mutating func consume(_ input: [UInt8], _ index: inout Int) throws(HTTPError) -> Bool {
        while index < input.count {
            let b = input[index]
            if offset >= Int64(limits.maxHeaderBytes) { throw .headerTooLarge(limit: limits.maxHeaderBytes) }
            index += 1
            offset += 1
            if b == HTTPBytes.lf {
                let done = try completeLine()
                line.removeAll(keepingCapacity: true)
                lineStart = offset
                if done { return true }
                continue
            }
            line.append(b)
            if startLine == nil { try checkStartLineByte(b) }
        }
        return false
    }

    /// Early checks on the first line, so a peer that is not speaking HTTP (a TLS handshake,
    /// an HTML page, binary noise) is refused at its first wrong byte instead of after the
    /// header timeout.
    private mutating func checkStartLineByte(_ b: UInt8) throws(HTTPError) {
        let position = line.count - 1
        if b != HTTPBytes.cr { started = true }
        switch kind {
        case .request:
            // CR+LF slack: a line may carry its CR before the LF ends it.
            if position >= limits.maxRequestLineBytes + 1 { throw .requestLineTooLong(limit: limits.maxRequestLineBytes) }
            // Method phase: every byte up to the first space must be a token character.
            // A CR as the first byte may begin a blank line; it is judged when the line ends.
            if methodComplete || line[0] == HTTPBytes.cr { return }
            if b == HTTPBytes.space {
                methodComplete = true
            } else if b != HTTPBytes.cr && !HTTPBytes.isTokenChar(b) {
                throw .malformedRequestLine(offset: lineStart + Int64(position))
            }
        case .response:
            let prefix = HTTPHeadScanner.httpSlash
            if position < prefix.count && b != prefix[position] {
                throw .malformedStatusLine(offset: lineStart + Int64(position))
            }
        }
    }

    private mutating func completeLine() throws(HTTPError) -> Bool {
        if line.last == HTTPBytes.cr {
            line.removeLast()
        } else {
            quirks.insert(.bareLF)
        }
        if startLine == nil {
            if line.isEmpty {
                guard kind == .request else { throw .malformedStatusLine(offset: lineStart) }
                quirks.insert(.leadingEmptyLines)
                return false
            }
            switch kind {
            case .request: startLine = try HTTPHeadScanner.parseRequestLine(line, at: lineStart, quirks: &quirks)
            case .response: startLine = try HTTPHeadScanner.parseStatusLine(line, at: lineStart, quirks: &quirks)
            }
            return false
        }
        if line.isEmpty { return true }
        if headers.count >= limits.maxHeaderCount { throw .tooManyHeaders(limit: limits.maxHeaderCount) }
        headers.append(try HTTPHeadScanner.parseHeaderLine(line, at: lineStart, quirks: &quirks))
        headerOffsets.append(lineStart)
        return false
    }

    /// `name ":" OWS value OWS`. Obs-fold, whitespace before the colon and control
    /// characters are refused (each is a request-smuggling or header-injection vector).
    static func parseHeaderLine(_ line: [UInt8], at start: Int64, quirks: inout HTTPQuirks) throws(HTTPError) -> HTTPHeader {
        if line[0] == HTTPBytes.space || line[0] == HTTPBytes.tab { throw .obsoleteLineFolding(offset: start) }
        var colon = -1
        for i in 0..<line.count {
            let b = line[i]
            if b == HTTPBytes.colon { colon = i; break }
            if !HTTPBytes.isTokenChar(b) { throw .invalidHeader(offset: start + Int64(i)) }
        }
        if colon < 0 { throw .invalidHeader(offset: start + Int64(line.count)) }
        if colon == 0 { throw .invalidHeader(offset: start) }
        let valueStart = colon + 1
        for i in valueStart..<line.count where !HTTPBytes.isFieldValueChar(line[i]) {
            throw .invalidHeader(offset: start + Int64(i))
        }
        if valueStart < line.count && line[valueStart] != HTTPBytes.space && line[valueStart] != HTTPBytes.tab {
            quirks.insert(.headerWithoutSpace)
        }
        let name = HTTPBytes.string(line[0..<colon])
        let value = HTTPBytes.string(HTTPBytes.trimmed(line[valueStart...]))
        return HTTPHeader(name: name, value: value)
    }

    /// `METHOD SP TARGET SP HTTP/x.y`, plus the OpenVox forms with an empty target:
    /// `METHOD SP HTTP/x.y` and `METHOD SP SP HTTP/x.y` (reference §8).
    static func parseRequestLine(_ line: [UInt8], at start: Int64, quirks: inout HTTPQuirks) throws(HTTPError) -> HTTPStartLine {
        guard let firstSpace = line.firstIndex(of: HTTPBytes.space) else {
            throw .malformedRequestLine(offset: start + Int64(line.count))
        }
        if firstSpace == 0 { throw .malformedRequestLine(offset: start) }
        for i in 0..<firstSpace where !HTTPBytes.isTokenChar(line[i]) {
            throw .malformedRequestLine(offset: start + Int64(i))
        }
        let method = HTTPBytes.string(line[0..<firstSpace])
        let rest = firstSpace + 1
        let versionStart: Int
        var target = ""
        if startsWithHTTPSlash(line, at: rest) {
            versionStart = rest
            quirks.insert(.emptyTarget)
        } else if rest < line.count && line[rest] == HTTPBytes.space {
            guard startsWithHTTPSlash(line, at: rest + 1) else { throw .malformedRequestLine(offset: start + Int64(rest)) }
            versionStart = rest + 1
            quirks.insert(.emptyTarget)
        } else {
            var secondSpace = -1
            for i in rest..<line.count {
                let b = line[i]
                if b == HTTPBytes.space { secondSpace = i; break }
                if !HTTPBytes.isVisible(b) { throw .malformedRequestLine(offset: start + Int64(i)) }
            }
            if secondSpace < 0 { throw .malformedRequestLine(offset: start + Int64(line.count)) }
            if secondSpace == rest { throw .malformedRequestLine(offset: start + Int64(rest)) }
            target = HTTPBytes.string(line[rest..<secondSpace])
            versionStart = secondSpace + 1
        }
        let version = try parseVersion(line, from: versionStart, to: line.count, at: start, malformed: .malformedRequestLine(offset: start + Int64(versionStart)))
        if method == "CONNECT" { throw .unsupportedMethod(method) }
        return .request(method: method, target: target, version: version)
    }

    /// `HTTP/x.y SP 3DIGIT SP reason`; `HTTP/x.y SP 3DIGIT` without the last space is
    /// tolerated as `missingReasonPhrase`.
    static func parseStatusLine(_ line: [UInt8], at start: Int64, quirks: inout HTTPQuirks) throws(HTTPError) -> HTTPStartLine {
        guard let space = line.firstIndex(of: HTTPBytes.space) else {
            throw .malformedStatusLine(offset: start + Int64(line.count))
        }
        let version = try parseVersion(line, from: 0, to: space, at: start, malformed: .malformedStatusLine(offset: start))
        let codeStart = space + 1
        guard codeStart + 3 <= line.count else { throw .malformedStatusLine(offset: start + Int64(codeStart)) }
        var code = 0
        for i in codeStart..<(codeStart + 3) {
            guard HTTPBytes.isDigit(line[i]) else { throw .malformedStatusLine(offset: start + Int64(i)) }
            code = code * 10 + Int(line[i] - 0x30)
        }
        if code < 100 { throw .malformedStatusLine(offset: start + Int64(codeStart)) }
        var reason = ""
        let after = codeStart + 3
        if after == line.count {
            quirks.insert(.missingReasonPhrase)
        } else {
            guard line[after] == HTTPBytes.space else { throw .malformedStatusLine(offset: start + Int64(after)) }
            for i in (after + 1)..<line.count where !HTTPBytes.isFieldValueChar(line[i]) {
                throw .malformedStatusLine(offset: start + Int64(i))
            }
            reason = HTTPBytes.string(line[(after + 1)...])
        }
        return .status(version: version, code: code, reason: reason)
    }

    static let httpSlash: [UInt8] = Array("HTTP/".utf8)

    private static func startsWithHTTPSlash(_ line: [UInt8], at index: Int) -> Bool {
        let prefix = httpSlash
        guard index + prefix.count <= line.count else { return false }
        for i in 0..<prefix.count where line[index + i] != prefix[i] { return false }
        return true
    }

    /// Exactly `HTTP/DIGIT.DIGIT`; 1.0 and 1.1 are served, any other well-formed version is
    /// `unsupportedVersion`.
    private static func parseVersion(_ line: [UInt8], from: Int, to: Int, at start: Int64, malformed: HTTPError) throws(HTTPError) -> HTTPVersion {
        guard to - from == 8, startsWithHTTPSlash(line, at: from),
              HTTPBytes.isDigit(line[from + 5]), line[from + 6] == UInt8(ascii: "."), HTTPBytes.isDigit(line[from + 7])
        else { throw malformed }
        let version = HTTPVersion(major: Int(line[from + 5] - 0x30), minor: Int(line[from + 7] - 0x30))
        guard version == .http1_1 || version == .http1_0 else { throw .unsupportedVersion(offset: start + Int64(from)) }
        return version
    }
}

/// What Content-Length, Transfer-Encoding and Host say, checked once the head is complete.
struct HTTPFraming {
    var contentLength: Int64?
    var chunked = false

    /// Refuses every ambiguous body length (RFC 9112 §6.3): differing Content-Lengths,
    /// Content-Length with Transfer-Encoding, codings other than chunked, Transfer-Encoding
    /// on HTTP/1.0. Repeated identical lengths are tolerated as a quirk.
    static func read(_ headers: [HTTPHeader], offsets: [Int64], version: HTTPVersion,
                     quirks: inout HTTPQuirks) throws(HTTPError) -> HTTPFraming {
        var framing = HTTPFraming()
        var contentLengthLine: Int64 = -1
        var transferEncodingLine: Int64 = -1
        var lengthCount = 0
        for i in 0..<headers.count {
            let header = headers[i]
            if HTTPHeaders.namesEqual(header.name, "Content-Length") {
                for part in header.value.utf8.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false) {
                    guard let value = HTTPBytes.parseDecimal(HTTPBytes.trimmed(part)) else {
                        throw .invalidContentLength(offset: offsets[i])
                    }
                    if let previous = framing.contentLength, previous != value {
                        throw .conflictingContentLength(offset: offsets[i])
                    }
                    framing.contentLength = value
                    lengthCount += 1
                }
                if contentLengthLine < 0 { contentLengthLine = offsets[i] }
            } else if HTTPHeaders.namesEqual(header.name, "Transfer-Encoding") {
                if transferEncodingLine >= 0 || version == .http1_0
                    || !HTTPHeaders.asciiEqualIgnoringCase(header.value.utf8, "chunked".utf8) {
                    throw .unsupportedTransferEncoding(offset: offsets[i])
                }
                transferEncodingLine = offsets[i]
                framing.chunked = true
            }
        }
        if lengthCount > 1 { quirks.insert(.duplicateContentLength) }
        if contentLengthLine >= 0 && transferEncodingLine >= 0 {
            throw .contentLengthWithTransferEncoding(offset: max(contentLengthLine, transferEncodingLine))
        }
        return framing
    }

    /// One Host, made of characters a host and port can contain. Yeastar's
    /// `Host: 192.168.5.150: 8260` (a space before the port) is the quirk `spaceInHost`.
    static func checkHost(_ headers: [HTTPHeader], offsets: [Int64], version: HTTPVersion,
                          quirks: inout HTTPQuirks) throws(HTTPError) {
        var seen = false
        for i in 0..<headers.count where HTTPHeaders.namesEqual(headers[i].name, "Host") {
            if seen { throw .invalidHost(offset: offsets[i]) }
            seen = true
            for b in headers[i].value.utf8 {
                switch b {
                case 0x30...0x39, 0x41...0x5A, 0x61...0x7A:
                    continue
                case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"),
                     UInt8(ascii: ":"), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "%"),
                     UInt8(ascii: "!"), UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "'"),
                     UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "*"), UInt8(ascii: "+"),
                     UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "="):
                    continue
                case HTTPBytes.space:
                    quirks.insert(.spaceInHost)
                default:
                    throw .invalidHost(offset: offsets[i])
                }
            }
        }
        if !seen && version == .http1_1 { quirks.insert(.missingHost) }
    }
}
