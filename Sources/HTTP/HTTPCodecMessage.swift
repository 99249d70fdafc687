// Pure codec file: imports nothing but the standard library (compiled alone by the fuzzers).

public struct HTTPVersion: Equatable, Sendable, CustomStringConvertible {
    public var major: Int
    public var minor: Int

    public init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }

    public static let http1_0 = HTTPVersion(major: 1, minor: 0)
    public static let http1_1 = HTTPVersion(major: 1, minor: 1)

    public var description: String { "HTTP/\(major).\(minor)" }
}

/// Deviations from RFC 9112 the decoders tolerate. Each is named and recorded on the message
/// that showed it, so "tolerated" never means "unseen": owners count them per peer.
public struct HTTPQuirks: OptionSet, Equatable, Sendable, CustomStringConvertible {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// `POST HTTP/1.1` or `POST  HTTP/1.1`: the OpenVox firmware formats `POST <url> HTTP/1.1`
    /// with an empty url (reference §8). The target is decoded as "".
    public static let emptyTarget = HTTPQuirks(rawValue: 1 << 0)
    /// `Host:172.16.6.150`: no space after the colon. Legal (OWS is optional) but it
    /// fingerprints the OpenVox firmware, so it is recorded.
    public static let headerWithoutSpace = HTTPQuirks(rawValue: 1 << 1)
    /// Lines ended by LF alone instead of CRLF (RFC 9112 §2.2 lets a recipient accept this).
    public static let bareLF = HTTPQuirks(rawValue: 1 << 2)
    /// `Host: 192.168.5.150: 8260`: Yeastar puts a space between host and port.
    public static let spaceInHost = HTTPQuirks(rawValue: 1 << 3)
    /// Blank lines before the request line (left over after a previous body, RFC 9112 §2.2).
    public static let leadingEmptyLines = HTTPQuirks(rawValue: 1 << 4)
    /// The same Content-Length value sent more than once.
    public static let duplicateContentLength = HTTPQuirks(rawValue: 1 << 5)
    /// An HTTP/1.1 request without Host. RFC 9112 says 400; a report would be lost, so it is
    /// accepted and recorded.
    public static let missingHost = HTTPQuirks(rawValue: 1 << 6)
    /// A status line without the space before the (empty) reason phrase: `HTTP/1.1 200`.
    public static let missingReasonPhrase = HTTPQuirks(rawValue: 1 << 7)

    /// Every quirk with its name, in bit order (for counters and logs).
    public static let all: [(quirk: HTTPQuirks, name: String)] = [
        (.emptyTarget, "emptyTarget"), (.headerWithoutSpace, "headerWithoutSpace"),
        (.bareLF, "bareLF"), (.spaceInHost, "spaceInHost"),
        (.leadingEmptyLines, "leadingEmptyLines"), (.duplicateContentLength, "duplicateContentLength"),
        (.missingHost, "missingHost"), (.missingReasonPhrase, "missingReasonPhrase"),
    ]

    public var names: [String] {
        var result: [String] = []
        for entry in HTTPQuirks.all where contains(entry.quirk) { result.append(entry.name) }
        return result
    }

    public var description: String {
        var text = ""
        for name in names { text += text.isEmpty ? name : "," + name }
        return text
    }
}

public struct HTTPRequestHead: Equatable, Sendable {
    /// Case is kept as received (methods are case-sensitive).
    public var method: String
    /// As received: origin-form (`/path?query`), absolute-form, `*`, or "" (quirk emptyTarget).
    public var target: String
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    /// The tolerated deviations this message showed (empty for a client's own requests).
    public var quirks: HTTPQuirks

    public init(method: String, target: String, version: HTTPVersion = .http1_1,
                headers: HTTPHeaders = HTTPHeaders(), quirks: HTTPQuirks = []) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.quirks = quirks
    }

    /// HTTP/1.1 keeps the connection unless `Connection: close`; HTTP/1.0 closes unless
    /// `Connection: keep-alive`.
    public var keepAlive: Bool {
        if version == .http1_0 { return headers.containsToken("keep-alive", in: "Connection") }
        return !headers.containsToken("close", in: "Connection")
    }
}

public struct HTTPRequest: Equatable, Sendable {
    public var head: HTTPRequestHead
    public var body: [UInt8]

    public init(head: HTTPRequestHead, body: [UInt8] = []) {
        self.head = head
        self.body = body
    }

    /// A request to send: `HTTPRequest(method: "POST", target: "/api/v0.0.1/login?type=json",
    /// contentType: "application/json", body: bytes)`.
    public init(method: String, target: String, headers: HTTPHeaders = HTTPHeaders(),
                contentType: String? = nil, body: [UInt8] = []) {
        var headers = headers
        if let contentType { headers.replaceOrAdd(name: "Content-Type", value: contentType) }
        self.head = HTTPRequestHead(method: method, target: target, headers: headers)
        self.body = body
    }

    public var method: String { head.method }
    public var target: String { head.target }
    public var headers: HTTPHeaders { head.headers }
    public var quirks: HTTPQuirks { head.quirks }
    public var keepAlive: Bool { head.keepAlive }
}

public struct HTTPResponse: Equatable, Sendable {
    public var version: HTTPVersion
    public var status: Int
    public var reason: String
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// Deviations the response decoder tolerated (always empty on responses we build).
    public var quirks: HTTPQuirks

    public init(status: Int, reason: String? = nil, headers: HTTPHeaders = HTTPHeaders(),
                body: [UInt8] = [], version: HTTPVersion = .http1_1, quirks: HTTPQuirks = []) {
        self.version = version
        self.status = status
        self.reason = reason ?? HTTPResponse.reasonPhrase(status)
        self.headers = headers
        self.body = body
        self.quirks = quirks
    }

    /// A response with a UTF-8 body and its Content-Type.
    public init(status: Int, contentType: String, body: String, headers: HTTPHeaders = HTTPHeaders()) {
        var headers = headers
        headers.replaceOrAdd(name: "Content-Type", value: contentType)
        self.init(status: status, headers: headers, body: Array(body.utf8))
    }

    /// Whether a response with this status may carry a body at all (RFC 9110 §6.4.1).
    public static func statusAllowsBody(_ status: Int) -> Bool {
        !(status < 200 || status == 204 || status == 304)
    }

    public static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 100: return "Continue"
        case 101: return "Switching Protocols"
        case 200: return "OK"
        case 201: return "Created"
        case 202: return "Accepted"
        case 204: return "No Content"
        case 301: return "Moved Permanently"
        case 302: return "Found"
        case 304: return "Not Modified"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 408: return "Request Timeout"
        case 409: return "Conflict"
        case 411: return "Length Required"
        case 413: return "Content Too Large"
        case 414: return "URI Too Long"
        case 415: return "Unsupported Media Type"
        case 422: return "Unprocessable Content"
        case 429: return "Too Many Requests"
        case 431: return "Request Header Fields Too Large"
        case 500: return "Internal Server Error"
        case 501: return "Not Implemented"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        case 504: return "Gateway Timeout"
        case 505: return "HTTP Version Not Supported"
        default: return ""
        }
    }
}
