import XCTest
@testable import HTTP

final class HTTPEncoderTests: XCTestCase {
    func testResponseEncodingAddsLengthConnectionAndDate() {
        let response = HTTPResponse(status: 200, headers: ["Content-Type": "application/json"], body: Array("{}".utf8))
        XCTAssertEqual(response.encoded(keepAlive: false, date: "Sun, 06 Nov 1994 08:49:37 GMT").text,
                       "HTTP/1.1 200 OK\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")
        XCTAssertEqual(response.encoded(keepAlive: true).text,
                       "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
        XCTAssertEqual(response.encoded(keepAlive: true, requestVersion: .http1_0).text,
                       "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\n{}")
    }

    func testEncoderOwnsFramingHeaders() {
        let response = HTTPResponse(status: 200, headers: ["content-length": "999", "Transfer-Encoding": "chunked", "Connection": "keep-alive", "X": "y"], body: Array("abc".utf8))
        XCTAssertEqual(response.encoded(keepAlive: false).text, "HTTP/1.1 200 OK\r\nX: y\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc")
    }

    func testBodylessStatusesAndHead() {
        XCTAssertEqual(HTTPResponse(status: 204).encoded(keepAlive: true).text, "HTTP/1.1 204 No Content\r\n\r\n")
        XCTAssertEqual(HTTPResponse(status: 304, body: [1, 2]).encoded(keepAlive: true).text, "HTTP/1.1 304 Not Modified\r\n\r\n")
        XCTAssertEqual(HTTPResponse(status: 200, body: Array("abc".utf8)).encoded(keepAlive: true, omitBody: true).text,
                       "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n")
        XCTAssertEqual(HTTPResponse(status: 299).encoded(keepAlive: true).text, "HTTP/1.1 299 \r\nContent-Length: 0\r\n\r\n")
    }

    func testHeaderInjectionIsNeutralised() {
        let response = HTTPResponse(status: 200, reason: "OK\r\nX-Evil: 1", headers: ["X-A\r\nX-Evil": "v\r\nSet-Cookie: a=b"])
        let text = response.encoded(keepAlive: true).text
        XCTAssertEqual(text, "HTTP/1.1 200 OK  X-Evil: 1\r\nX-AX-Evil: v  Set-Cookie: a=b\r\nContent-Length: 0\r\n\r\n")
        // What we send always decodes as exactly one response.
        let outcome = responseOutcome(text)
        XCTAssertNil(outcome.error)
        XCTAssertEqual(outcome.messages.count, 1)
    }

    func testRequestEncodingForTheClient() {
        let request = HTTPRequest(method: "POST", target: "/api/v0.0.1/login?type=json", contentType: "application/json; charset=utf-8", body: Array("{}".utf8))
        XCTAssertEqual(request.encoded(host: "10.0.0.5:9011").text,
                       "POST /api/v0.0.1/login?type=json HTTP/1.1\r\nHost: 10.0.0.5:9011\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")
        XCTAssertEqual(HTTPRequest(method: "GET", target: "").encoded(host: "h", keepAlive: true).text, "GET / HTTP/1.1\r\nHost: h\r\n\r\n")
        XCTAssertEqual(HTTPRequest(method: "POST", target: "/x", headers: ["Host": "given"]).encoded(host: "h").text,
                       "POST /x HTTP/1.1\r\nHost: given\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
    }

    func testEncodedMessagesRoundTripThroughTheDecoders() {
        let request = HTTPRequest(method: "PUT", target: "/a?b=c", headers: ["X-One": "1", "x-two": "two words"], body: Array("payload".utf8))
        let decoded = assertSplitInvariant({ HTTPRequestDecoder() }, request.encoded(host: "example:80"))
        XCTAssertEqual(decoded.messages.first?.method, "PUT")
        XCTAssertEqual(decoded.messages.first?.target, "/a?b=c")
        XCTAssertEqual(decoded.messages.first?.headers["x-two"], "two words")
        XCTAssertEqual(decoded.messages.first?.body, request.body)
        XCTAssertEqual(decoded.messages.first?.keepAlive, false)

        let response = HTTPResponse(status: 404, contentType: "text/plain", body: "missing")
        let back = assertSplitInvariant({ HTTPResponseDecoder() }, response.encoded(keepAlive: false))
        XCTAssertEqual(back.messages.first?.status, 404)
        XCTAssertEqual(back.messages.first?.reason, "Not Found")
        XCTAssertEqual(back.messages.first?.body.text, "missing")
    }

    func testHTTPDateFormat() {
        XCTAssertEqual(HTTPDate.format(epochMs: 784_111_777_000), "Sun, 06 Nov 1994 08:49:37 GMT")
        XCTAssertEqual(HTTPDate.format(epochMs: 0), "Thu, 01 Jan 1970 00:00:00 GMT")
        XCTAssertEqual(HTTPDate.format(epochMs: 951_782_400_999), "Tue, 29 Feb 2000 00:00:00 GMT")
        XCTAssertEqual(HTTPDate.format(epochMs: 4_102_444_799_000), "Thu, 31 Dec 2099 23:59:59 GMT")
        XCTAssertEqual(HTTPDate.format(epochMs: -1), "Wed, 31 Dec 1969 23:59:59 GMT")
        // Cross-check a spread of instants against Foundation.
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        var rng = SplitMix64(seed: 7)
        for _ in 0..<500 {
            let ms = Int64.random(in: 0...4_102_444_799_000, using: &rng)
            XCTAssertEqual(HTTPDate.format(epochMs: ms), formatter.string(from: Date(timeIntervalSince1970: Double(ms / 1000))))
        }
    }

    func testPercentEncodingRoundTrip() {
        let text = "a b+c/é?&="
        XCTAssertEqual(HTTPTarget.percentEncoded(text), "a%20b%2Bc%2F%C3%A9%3F%26%3D")
        XCTAssertEqual(HTTPTarget.percentDecoded(Array(HTTPTarget.percentEncoded(text).utf8), plusIsSpace: true), text)
    }

    func testErrorMessagesNameTheProblem() {
        XCTAssertEqual(HTTPError.bodyTooLarge(declared: 300, limit: 200).message,
                       "HTTP body of 300 bytes (declared in Content-Length) exceeds the limit of 200 bytes")
        XCTAssertEqual(HTTPError.timeout(phase: .header).message, "HTTP peer too slow: header timeout")
        XCTAssertEqual(HTTPError.timeout(phase: .body).statusCode, 408)
        XCTAssertEqual(HTTPError.invalidHeader(offset: 7).description, HTTPError.invalidHeader(offset: 7).message)
    }
}
