import XCTest
@testable import HTTP

final class HTTPResponseDecoderTests: XCTestCase {
    func testContentLengthResponseDecodes() {
        let outcome = responseOutcome("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nAccess-control-allow-origin: *\r\nContent-Length: 20\r\n\r\n{\"status\":\"Success\"}")
        XCTAssertNil(outcome.error)
        let response = outcome.messages.first
        XCTAssertEqual(response?.status, 200)
        XCTAssertEqual(response?.reason, "OK")
        XCTAssertEqual(response?.version, .http1_1)
        XCTAssertEqual(response?.headers["access-control-allow-origin"], "*")
        XCTAssertEqual(response?.body.text, "{\"status\":\"Success\"}")
    }

    func testChunkedResponseDecodes() {
        let outcome = responseOutcome("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\n\r\n")
        XCTAssertEqual(outcome.messages.first?.body.text, "Wikipedia in\r\n\r\nchunks.")
    }

    func testCloseDelimitedBodyEndsAtEOF() {
        let outcome = responseOutcome("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nall of it\nuntil close")
        XCTAssertNil(outcome.error)
        XCTAssertEqual(outcome.messages.first?.version, .http1_0)
        XCTAssertEqual(outcome.messages.first?.body.text, "all of it\nuntil close")
    }

    func testCloseDelimitedEmptyBody() {
        let outcome = responseOutcome("HTTP/1.1 200 OK\r\n\r\n")
        XCTAssertEqual(outcome.messages.first?.body, [])
    }

    func testBodylessResponsesIgnoreTheirLength() {
        XCTAssertEqual(responseOutcome("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n", method: "HEAD").messages.first?.body, [])
        XCTAssertEqual(responseOutcome("HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n").messages.first?.status, 204)
        XCTAssertEqual(responseOutcome("HTTP/1.1 304 Not Modified\r\n\r\n").messages.first?.body, [])
        // Back to back on a kept-alive connection: the second response follows at once.
        let two = responseOutcome("HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        XCTAssertEqual(two.messages.map(\.status), [204, 200])
    }

    func testInterimContinueIsSkipped() {
        let outcome = responseOutcome("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n")
        XCTAssertEqual(outcome.messages.map(\.status), [201])
    }

    func testStatusLineWithoutReasonIsAQuirk() {
        XCTAssertEqual(responseOutcome("HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n").messages.first?.quirks, [])
        let bare = responseOutcome("HTTP/1.1 200\nContent-Length: 0\n\n").messages.first
        XCTAssertEqual(bare?.reason, "")
        XCTAssertEqual(bare?.quirks, [.missingReasonPhrase, .bareLF])
    }

    func testHTMLOrGarbageIsAMalformedStatusLineAtItsFirstByte() {
        XCTAssertEqual(responseOutcome("<html><body>Login</body></html>").error, .malformedStatusLine(offset: 0))
        XCTAssertEqual(responseOutcome("SSH-2.0-OpenSSH_8.2\r\n").error, .malformedStatusLine(offset: 0))
        XCTAssertEqual(responseOutcome("HTTX/1.1 200 OK\r\n\r\n").error, .malformedStatusLine(offset: 3))
        XCTAssertEqual(HTTPError.malformedStatusLine(offset: 0).statusCode, 502)
    }

    func testEveryResponseRejectionGivesItsPreciseError() {
        let cases: [(String, String, HTTPError, UInt)] = [
            ("HTTP/1.1\r\n\r\n", "GET", .malformedStatusLine(offset: 8), #line),
            ("HTTP/1.1 2000 OK\r\n\r\n", "GET", .malformedStatusLine(offset: 12), #line),
            ("HTTP/1.1 20 OK\r\n\r\n", "GET", .malformedStatusLine(offset: 11), #line),
            ("HTTP/1.1 099 X\r\n\r\n", "GET", .malformedStatusLine(offset: 9), #line),
            ("HTTP/1.1 200 O\u{01}K\r\n\r\n", "GET", .malformedStatusLine(offset: 14), #line),
            ("HTTP/1.1x 200 OK\r\n\r\n", "GET", .malformedStatusLine(offset: 0), #line),
            ("HTTP/2.0 200 OK\r\n\r\n", "GET", .unsupportedVersion(offset: 0), #line),
            ("\r\nHTTP/1.1 200 OK\r\n\r\n", "GET", .malformedStatusLine(offset: 0), #line),
            ("HTTP/1.1 200 OK\r\nBad Header: x\r\n\r\n", "GET", .invalidHeader(offset: 20), #line),
            ("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab", "GET", .truncatedBody(expected: 5, received: 2), #line),
            ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", "GET", .truncatedBody(expected: nil, received: 2), #line),
            ("HTTP/1.1 200 OK\r\nContent-Len", "GET", .truncatedHead(received: 28), #line),
            ("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", "GET", .conflictingContentLength(offset: 36), #line),
            ("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", "GET", .unsupportedTransferEncoding(offset: 17), #line),
            ("HTTP/1.1 200 OK\r\nContent-Length: 4194305\r\n\r\n", "GET", .bodyTooLarge(declared: 4_194_305, limit: 4_194_304), #line),
        ]
        for (input, method, error, line) in cases {
            let outcome = responseOutcome(input, method: method, line: line)
            XCTAssertEqual(outcome.messages, [], "input: \(input.debugDescription)", line: line)
            XCTAssertEqual(outcome.error, error, "input: \(input.debugDescription)", line: line)
        }
    }

    func testCloseDelimitedBodyIsBoundedByTheLimit() {
        let limits = HTTPLimits(maxBodyBytes: 8)
        XCTAssertEqual(responseOutcome("HTTP/1.1 200 OK\r\n\r\n12345678", limits: limits).messages.first?.body.text, "12345678")
        XCTAssertEqual(responseOutcome("HTTP/1.1 200 OK\r\n\r\n123456789", limits: limits).error, .bodyTooLarge(declared: nil, limit: 8))
    }

    func testNoBytesAtAllIsNilAtEOF() throws {
        var decoder = HTTPResponseDecoder()
        XCTAssertTrue(decoder.isIdle)
        XCTAssertNil(try decoder.finish())
    }
}
