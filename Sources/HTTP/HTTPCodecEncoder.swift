// Pure codec file: imports nothing but the standard library (compiled alone by the fuzzers).

extension HTTPResponse {
    /// The response on the wire. The encoder owns framing: `Content-Length` (from the body),
    /// `Connection` and `Transfer-Encoding` set in `headers` are replaced; `Date` is written
    /// when given (see `HTTPDate`). `keepAlive: false` adds `Connection: close`; keeping an
    /// HTTP/1.0 client's connection adds `Connection: keep-alive`. `omitBody` is for HEAD:
    /// Content-Length is still the body's length. 1xx, 204 and 304 never carry a body or a length.
    /// Header names and values are written with CR, LF and other control bytes replaced by
    /// spaces (names: dropped), so no value can inject a header or split the response.
    public func encoded(keepAlive: Bool, requestVersion: HTTPVersion = .http1_1, date: String? = nil,
                        omitBody: Bool = false) -> [UInt8] {
        let allowsBody = HTTPResponse.statusAllowsBody(status)
        var out: [UInt8] = []
        out.reserveCapacity(128 + headers.count * 32 + (allowsBody && !omitBody ? body.count : 0))
        HTTPWire.append("HTTP/1.1 ", to: &out)
        HTTPWire.append(String(status), to: &out)
        out.append(HTTPBytes.space)
        HTTPWire.appendValue(reason, to: &out)
        HTTPWire.crlf(&out)
        if let date { HTTPWire.field("Date", date, to: &out) }
        for header in headers where !HTTPWire.isFramingHeader(header.name) && !(date != nil && HTTPHeaders.namesEqual(header.name, "Date")) {
            HTTPWire.field(header.name, header.value, to: &out)
        }
        if allowsBody { HTTPWire.field("Content-Length", String(body.count), to: &out) }
        if !keepAlive {
            HTTPWire.field("Connection", "close", to: &out)
        } else if requestVersion == .http1_0 {
            HTTPWire.field("Connection", "keep-alive", to: &out)
        }
        HTTPWire.crlf(&out)
        if allowsBody && !omitBody { out.append(contentsOf: body) }
        return out
    }

    /// The head of an interim `100 Continue`, sent before reading a body the client is
    /// holding back (`Expect: 100-continue`).
    public static let continueBytes: [UInt8] = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)
}

extension HTTPRequest {
    /// The request on the wire for the client: `Host` first (from `host` unless the headers
    /// already have one), then the headers, then `Content-Length` for any body (and for an
    /// empty POST/PUT/PATCH, which servers otherwise wait on or reject with 411), and
    /// `Connection: close` unless `keepAlive`. An empty target is sent as `/`.
    public func encoded(host: String?, keepAlive: Bool = false) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(128 + headers.count * 32 + body.count)
        HTTPWire.appendToken(method, to: &out)
        out.append(HTTPBytes.space)
        if target.isEmpty {
            out.append(UInt8(ascii: "/"))
        } else {
            for b in target.utf8 { out.append(HTTPBytes.isVisible(b) ? b : UInt8(ascii: "_")) }
        }
        HTTPWire.append(" HTTP/1.1\r\n", to: &out)
        let hasHost = headers.contains("Host")
        if !hasHost, let host { HTTPWire.field("Host", host, to: &out) }
        for header in headers where !HTTPWire.isFramingHeader(header.name) {
            HTTPWire.field(header.name, header.value, to: &out)
        }
        if !body.isEmpty || method == "POST" || method == "PUT" || method == "PATCH" {
            HTTPWire.field("Content-Length", String(body.count), to: &out)
        }
        if !keepAlive { HTTPWire.field("Connection", "close", to: &out) }
        HTTPWire.crlf(&out)
        out.append(contentsOf: body)
        return out
    }
}

/// Byte writers shared by the encoders.
enum HTTPWire {
    static func isFramingHeader(_ name: String) -> Bool {
        HTTPHeaders.namesEqual(name, "Content-Length") || HTTPHeaders.namesEqual(name, "Connection")
            || HTTPHeaders.namesEqual(name, "Transfer-Encoding")
    }

    static func append(_ text: String, to out: inout [UInt8]) {
        out.append(contentsOf: text.utf8)
    }

    static func crlf(_ out: inout [UInt8]) {
        out.append(HTTPBytes.cr)
        out.append(HTTPBytes.lf)
    }

    static func appendToken(_ text: String, to out: inout [UInt8]) {
        for b in text.utf8 where HTTPBytes.isTokenChar(b) { out.append(b) }
    }

    static func appendValue(_ text: String, to out: inout [UInt8]) {
        for b in text.utf8 {
            out.append(b == HTTPBytes.tab || (b >= 0x20 && b != 0x7F) ? b : HTTPBytes.space)
        }
    }

    static func field(_ name: String, _ value: String, to out: inout [UInt8]) {
        appendToken(name, to: &out)
        out.append(HTTPBytes.colon)
        out.append(HTTPBytes.space)
        appendValue(value, to: &out)
        crlf(&out)
    }
}

/// The HTTP `Date` format (IMF-fixdate, RFC 9110 §5.6.7) from a realtime instant, computed
/// without the C library so the codec stays pure: `Sun, 06 Nov 1994 08:49:37 GMT`.
public enum HTTPDate {
    public static func format(epochMs: Int64) -> String {
        var seconds = epochMs / 1000
        if epochMs < 0 && epochMs % 1000 != 0 { seconds -= 1 }
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        // 1970-01-01 was a Thursday.
        let weekday = Int(((days % 7) + 11) % 7)
        let (year, month, day) = civil(fromDays: days)
        let names = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let hour = Int(secondOfDay / 3600)
        let minute = Int(secondOfDay % 3600 / 60)
        let second = Int(secondOfDay % 60)
        return names[weekday] + ", " + two(day) + " " + months[month - 1] + " " + String(year) + " "
            + two(hour) + ":" + two(minute) + ":" + two(second) + " GMT"
    }

    private static func two(_ n: Int) -> String { n < 10 ? "0" + String(n) : String(n) }

    /// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian).
    private static func civil(fromDays z0: Int64) -> (year: Int64, month: Int, day: Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = Int(doy - (153 * mp + 2) / 5 + 1)
        let month = Int(mp < 10 ? mp + 3 : mp - 9)
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }
}
