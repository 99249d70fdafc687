import XCTest
@testable import HTTP

final class HTTPRequestDecoderTests: XCTestCase {
    /// The published OpenVox BYE capture, re-framed as it is on the wire: head lines from the
    /// file, body compacted, with the given line ending.
    private func openVoxBye(lineEnding: String) -> [UInt8]? {
        guard let file = pbxPayload("openvox-bye-internal-1-http.txt") else { return nil }
        let text = file.text
        guard let blank = text.range(of: "\n\n") else {
            XCTFail("capture has no blank line")
            return nil
        }
        let headLines = text[..<blank.lowerBound].split(separator: "\n", omittingEmptySubsequences: false)
        let body = compactJSON(Array(text[blank.upperBound...].utf8))
        var wire = ""
        for line in headLines { wire += line + lineEnding }
        wire += lineEnding
        return Array(wire.utf8) + body
    }

    private func assertOpenVoxBye(_ request: HTTPRequest?, bareLF: Bool, file: StaticString = #filePath, line: UInt = #line) {
        guard let request else { return XCTFail("no request", file: file, line: line) }
        XCTAssertEqual(request.method, "POST", file: file, line: line)
        XCTAssertEqual(request.target, "", file: file, line: line)
        XCTAssertEqual(request.path, "", file: file, line: line)
        XCTAssertEqual(request.head.version, .http1_1, file: file, line: line)
        XCTAssertEqual(request.headers.fields.map(\.name), ["Host", "Content-Length", "Accept", "Content-Type", "Connection"], file: file, line: line)
        XCTAssertEqual(request.headers["host"], "172.16.6.150", file: file, line: line)
        XCTAssertEqual(request.headers["CONTENT-TYPE"], "application/json", file: file, line: line)
        XCTAssertFalse(request.keepAlive, file: file, line: line)
        XCTAssertEqual(request.body.count, 93, file: file, line: line)
        XCTAssertEqual(request.body.text, #"{"action":"BYE","callid":"1589953914.1775","ext":{"extid":["106","101"]},"sn":"a09805021987"}"#, file: file, line: line)
        var expected: HTTPQuirks = [.emptyTarget, .headerWithoutSpace]
        if bareLF { expected.insert(.bareLF) }
        XCTAssertEqual(request.quirks, expected, file: file, line: line)
    }

    func testOpenVoxByeCaptureWithCRLFDecodes() {
        guard let wire = openVoxBye(lineEnding: "\r\n") else { return }
        XCTAssertTrue(wire.text.hasPrefix("POST  HTTP/1.1\r\nHost:172.16.6.150\r\nContent-Length:93\r\n"))
        let outcome = assertSplitInvariant({ HTTPRequestDecoder(limits: .pbxReports) }, wire)
        XCTAssertNil(outcome.error)
        XCTAssertEqual(outcome.messages.count, 1)
        assertOpenVoxBye(outcome.messages.first, bareLF: false)
    }

    func testOpenVoxByeCaptureWithBareLFDecodes() {
        guard let wire = openVoxBye(lineEnding: "\n") else { return }
        let outcome = assertSplitInvariant({ HTTPRequestDecoder(limits: .pbxReports) }, wire)
        XCTAssertNil(outcome.error)
        XCTAssertEqual(outcome.messages.count, 1)
        assertOpenVoxBye(outcome.messages.first, bareLF: true)
    }

    func testOpenVoxSingleSpaceEmptyTargetDecodes() {
        guard var wire = openVoxBye(lineEnding: "\r\n") else { return }
        wire.remove(at: 4) // "POST  HTTP/1.1" -> "POST HTTP/1.1", the English pages' form
        XCTAssertTrue(wire.text.hasPrefix("POST HTTP/1.1\r\n"))
        let outcome = assertSplitInvariant({ HTTPRequestDecoder(limits: .pbxReports) }, wire)
        assertOpenVoxBye(outcome.messages.first, bareLF: false)
    }

    func testYeastarReportWithSpacedHostPortDecodes() {
        let body = #"{"action":"RING","callid":"1"}"#
        let outcome = requestOutcome("POST / HTTP/1.1\r\nUser-Agent: WebAPI\r\nHost: 192.168.5.150: 8260\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)")
        XCTAssertNil(outcome.error)
        let request = outcome.messages.first
        XCTAssertEqual(request?.target, "/")
        XCTAssertEqual(request?.headers["Host"], "192.168.5.150: 8260")
        XCTAssertEqual(request?.headers["user-agent"], "WebAPI")
        XCTAssertEqual(request?.quirks, [.spaceInHost])
        XCTAssertEqual(request?.body.text, body)
    }

    func testPipelinedRequestsDecodeInOrderAndLeaveNothing() {
        let input = "GET /a HTTP/1.1\r\nHost: x\r\n\r\nPOST /b?k=v HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabcPUT /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n"
        let outcome = requestOutcome(input)
        XCTAssertNil(outcome.error)
        XCTAssertEqual(outcome.messages.map(\.target), ["/a", "/b?k=v", "/c"])
        XCTAssertEqual(outcome.messages.map { $0.body.text }, ["", "abc", "hi"])
        XCTAssertEqual(outcome.messages.map(\.keepAlive), [true, true, true])
    }

    func testDecodeStopsAfterOneRequestLeavingPipelinedBytes() throws {
        let input = Array("GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\n".utf8)
        var decoder = HTTPRequestDecoder()
        var index = 0
        let first = try decoder.decode(input, from: &index)
        XCTAssertEqual(first?.target, "/a")
        XCTAssertEqual(index, 28)
        XCTAssertTrue(decoder.isIdle)
        XCTAssertNil(try decoder.decode(input, from: &index))
        XCTAssertEqual(index, input.count)
        XCTAssertFalse(decoder.isIdle)
        XCTAssertThrowsError(try decoder.finish()) { XCTAssertEqual($0 as? HTTPError, .truncatedHead(received: 17)) }
    }

    func testChunkedBodyWithExtensionsAndTrailersDecodes() {
        let outcome = requestOutcome("POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: Chunked\r\n\r\n5;name=v\r\nhello\r\n6 ; x\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n")
        XCTAssertNil(outcome.error)
        XCTAssertEqual(outcome.messages.first?.body.text, "hello world")
        XCTAssertEqual(outcome.messages.first?.quirks, [])
    }

    func testChunkedBodyWithBareLFRecordsQuirk() {
        let outcome = requestOutcome("POST / HTTP/1.1\nHost: x\nTransfer-Encoding: chunked\n\n3\nabc\n0\n\n")
        XCTAssertEqual(outcome.messages.first?.body.text, "abc")
        XCTAssertEqual(outcome.messages.first?.quirks, [.bareLF])
    }

    func testLeadingBlankLinesAreToleratedAndNamed() {
        let outcome = requestOutcome("\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(outcome.messages.first?.quirks, [.leadingEmptyLines])
    }

    func testBlankLinesThenEOFIsACleanEnd() {
        let outcome = requestOutcome("GET / HTTP/1.1\r\nHost: x\r\n\r\n\r\n")
        XCTAssertNil(outcome.error)
        XCTAssertEqual(outcome.messages.count, 1)
    }

    func testEmptyInputIsACleanEnd() {
        XCTAssertEqual(requestOutcome(""), DecodeOutcome())
    }

    func testIdenticalDuplicateContentLengthIsAQuirk() {
        let outcome = requestOutcome("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 2, 2\r\n\r\nok")
        XCTAssertEqual(outcome.messages.first?.body.text, "ok")
        XCTAssertEqual(outcome.messages.first?.quirks, [.duplicateContentLength])
    }

    func testMissingHostOnHTTP11IsAQuirkNotAnError() {
        XCTAssertEqual(requestOutcome("GET / HTTP/1.1\r\n\r\n").messages.first?.quirks, [.missingHost])
        XCTAssertEqual(requestOutcome("GET / HTTP/1.0\r\n\r\n").messages.first?.quirks, [])
    }

    func testKeepAliveFollowsVersionAndConnectionTokens() {
        func keepAlive(_ head: String) -> Bool? { requestOutcome(head + "\r\n").messages.first?.keepAlive }
        XCTAssertEqual(keepAlive("GET / HTTP/1.1\r\nHost: x\r\n"), true)
        XCTAssertEqual(keepAlive("GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, CLOSE\r\n"), false)
        XCTAssertEqual(keepAlive("GET / HTTP/1.1\r\nHost: x\r\nConnection:close\r\n"), false)
        XCTAssertEqual(keepAlive("GET / HTTP/1.0\r\n"), false)
        XCTAssertEqual(keepAlive("GET / HTTP/1.0\r\nConnection: keep-alive\r\n"), true)
    }

    func testHeaderValuesAreTrimmedAndKeepInnerSpaces() {
        let request = requestOutcome("GET / HTTP/1.1\r\nHost: x\r\nX-A: \t a  b \t\r\nX-Empty:\r\nx-a: second\r\n\r\n").messages.first
        XCTAssertEqual(request?.headers["x-a"], "a  b")
        XCTAssertEqual(request?.headers.values("X-A"), ["a  b", "second"])
        XCTAssertEqual(request?.headers["X-Empty"], "")
        XCTAssertNil(request?.headers["X-Missing"])
    }

    func testNonUTF8HeaderBytesArePreservedAsLatin1() {
        let input: [UInt8] = Array("GET / HTTP/1.1\r\nHost: x\r\nX-B: ".utf8) + [0xE9, 0xFF] + Array("\r\n\r\n".utf8)
        let request = assertSplitInvariant({ HTTPRequestDecoder() }, input).messages.first
        XCTAssertEqual(request?.headers["X-B"], "\u{E9}\u{FF}")
    }

    func testPathAndQueryParameters() {
        let request = requestOutcome("POST /api/v0.0.1/heartbeat?token=a%2Bb&type=json&x=1+2&flag&bad=%zz&&empty= HTTP/1.1\r\nHost: x\r\n\r\n").messages.first
        XCTAssertEqual(request?.path, "/api/v0.0.1/heartbeat")
        XCTAssertEqual(request?.query, "token=a%2Bb&type=json&x=1+2&flag&bad=%zz&&empty=")
        XCTAssertEqual(request?.queryValue("token"), "a+b")
        XCTAssertEqual(request?.queryValue("x"), "1 2")
        XCTAssertEqual(request?.queryValue("flag"), "")
        XCTAssertEqual(request?.queryValue("bad"), "%zz")
        XCTAssertEqual(request?.queryValue("empty"), "")
        XCTAssertNil(request?.queryValue("nope"))
        XCTAssertEqual(request?.queryParameters(limit: 2).map(\.name), ["token", "type"])
    }

    func testAbsoluteFormTargetPath() {
        let request = requestOutcome("GET http://172.16.6.150:8260/report?a=1 HTTP/1.1\r\nHost: x\r\n\r\n").messages.first
        XCTAssertEqual(request?.path, "/report")
        XCTAssertEqual(request?.queryValue("a"), "1")
        XCTAssertEqual(requestOutcome("GET http://h:1 HTTP/1.1\r\nHost: x\r\n\r\n").messages.first?.path, "")
        XCTAssertEqual(requestOutcome("OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n").messages.first?.path, "*")
    }

    func testHeadAwaitingBodyIsExposedForExpectContinue() throws {
        var decoder = HTTPRequestDecoder()
        let head = Array("POST /x HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n".utf8)
        var index = 0
        XCTAssertNil(try decoder.decode(head, from: &index))
        XCTAssertEqual(decoder.headAwaitingBody?.headers["expect"], "100-continue")
        XCTAssertEqual(decoder.messageBytes, Int64(head.count))
        let body = Array("body".utf8)
        index = 0
        XCTAssertEqual(try decoder.decode(body, from: &index)?.body, body)
        XCTAssertNil(decoder.headAwaitingBody)
    }

    func testLimitsAtTheirExactBoundary() {
        // A request line of exactly maxRequestLineBytes passes; one byte more is refused.
        let limits = HTTPLimits(maxRequestLineBytes: 32)
        let fits = "GET /" + String(repeating: "a", count: 32 - 14) + " HTTP/1.1"
        XCTAssertEqual(fits.utf8.count, 32)
        XCTAssertNil(requestOutcome(fits + "\r\nHost: x\r\n\r\n", limits: limits).error)
        XCTAssertEqual(requestOutcome("GET /a" + String(repeating: "a", count: 32 - 14) + " HTTP/1.1\r\nHost: x\r\n\r\n", limits: limits).error,
                       .requestLineTooLong(limit: 32))
        // A head of exactly maxHeaderBytes passes; one byte more is refused.
        let head = "GET / HTTP/1.1\r\nHost: x\r\n\r\n"
        XCTAssertNil(requestOutcome(head, limits: HTTPLimits(maxHeaderBytes: head.utf8.count)).error)
        XCTAssertEqual(requestOutcome(head, limits: HTTPLimits(maxHeaderBytes: head.utf8.count - 1)).error, .headerTooLarge(limit: head.utf8.count - 1))
        // Header count.
        let three = "GET / HTTP/1.1\r\nHost: x\r\nA: 1\r\nB: 2\r\n\r\n"
        XCTAssertNil(requestOutcome(three, limits: HTTPLimits(maxHeaderCount: 3)).error)
        XCTAssertEqual(requestOutcome(three, limits: HTTPLimits(maxHeaderCount: 2)).error, .tooManyHeaders(limit: 2))
        // Body exactly at the limit, Content-Length and chunked.
        let small = HTTPLimits(maxBodyBytes: 4)
        XCTAssertEqual(requestOutcome("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nabcd", limits: small).messages.first?.body.text, "abcd")
        XCTAssertEqual(requestOutcome("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n2\r\ncd\r\n0\r\n\r\n", limits: small).messages.first?.body.text, "abcd")
    }

    func testDeclaredBodyOverLimitIsRefusedBeforeAnyBodyByte() throws {
        var decoder = HTTPRequestDecoder(limits: .pbxReports)
        let head = Array("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 262145\r\n\r\n".utf8)
        var index = 0
        XCTAssertThrowsError(try decoder.decode(head, from: &index)) {
            XCTAssertEqual($0 as? HTTPError, .bodyTooLarge(declared: 262_145, limit: 262_144))
            XCTAssertEqual(($0 as? HTTPError)?.statusCode, 413)
        }
        // Dead after an error: every later call repeats it.
        index = 0
        XCTAssertThrowsError(try decoder.decode(Array("GET / HTTP/1.1\r\n\r\n".utf8), from: &index)) {
            XCTAssertEqual($0 as? HTTPError, .bodyTooLarge(declared: 262_145, limit: 262_144))
        }
        XCTAssertThrowsError(try decoder.finish())
    }

    /// Every rejection with its exact error: (input, error, status).
    func testEveryRejectionGivesItsPreciseError() {
        let host = "Host: x\r\n"
        let cases: [(String, HTTPError, Int, UInt)] = [
            ("GET\r\n\r\n", .malformedRequestLine(offset: 3), 400, #line),
            ("GET /\r\n\r\n", .malformedRequestLine(offset: 5), 400, #line),
            ("G@T / HTTP/1.1\r\n\r\n", .malformedRequestLine(offset: 1), 400, #line),
            ("\u{16}\u{03}\u{01}\u{02}\u{00}", .malformedRequestLine(offset: 0), 400, #line),
            (" GET / HTTP/1.1\r\n\r\n", .malformedRequestLine(offset: 0), 400, #line),
            ("GET  /x HTTP/1.1\r\n\r\n", .malformedRequestLine(offset: 4), 400, #line),
            ("GET /a\u{7F}b HTTP/1.1\r\n\r\n", .malformedRequestLine(offset: 6), 400, #line),
            ("GET / HTTP/1.1 \r\n\r\n", .malformedRequestLine(offset: 6), 400, #line),
            ("GET / http/1.1\r\n\r\n", .malformedRequestLine(offset: 6), 400, #line),
            ("GET / HTTP/1.1\rX\r\n\r\n", .malformedRequestLine(offset: 6), 400, #line),
            ("POST   HTTP/1.1\r\n\r\n", .malformedRequestLine(offset: 5), 400, #line),
            ("GET / HTTP/2.0\r\n\r\n", .unsupportedVersion(offset: 6), 505, #line),
            ("GET / HTTP/0.9\r\n\r\n", .unsupportedVersion(offset: 6), 505, #line),
            ("CONNECT example.com:443 HTTP/1.1\r\n\r\n", .unsupportedMethod("CONNECT"), 501, #line),
            ("GET / HTTP/1.1\r\n" + host + " folded\r\n\r\n", .obsoleteLineFolding(offset: 25), 400, #line),
            ("GET / HTTP/1.1\r\n" + host + "\tfolded\r\n\r\n", .obsoleteLineFolding(offset: 25), 400, #line),
            ("GET / HTTP/1.1\r\nHost : x\r\n\r\n", .invalidHeader(offset: 20), 400, #line),
            ("GET / HTTP/1.1\r\nHost\t: x\r\n\r\n", .invalidHeader(offset: 20), 400, #line),
            ("GET / HTTP/1.1\r\nNoColon\r\n\r\n", .invalidHeader(offset: 23), 400, #line),
            ("GET / HTTP/1.1\r\n: empty\r\n\r\n", .invalidHeader(offset: 16), 400, #line),
            ("GET / HTTP/1.1\r\nX-\u{01}: v\r\n\r\n", .invalidHeader(offset: 18), 400, #line),
            ("GET / HTTP/1.1\r\nX: a\u{01}b\r\n\r\n", .invalidHeader(offset: 20), 400, #line),
            ("GET / HTTP/1.1\r\nX: a\u{7F}\r\n\r\n", .invalidHeader(offset: 20), 400, #line),
            ("GET / HTTP/1.1\r\nX: a\u{00}\r\n\r\n", .invalidHeader(offset: 20), 400, #line),
            ("GET / HTTP/1.1\r\nX: a\rb\r\n\r\n", .invalidHeader(offset: 20), 400, #line),
            ("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", .invalidHost(offset: 25), 400, #line),
            ("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", .invalidHost(offset: 16), 400, #line),
            ("POST / HTTP/1.1\r\n" + host + "Content-Length: abc\r\n\r\n", .invalidContentLength(offset: 26), 400, #line),
            ("POST / HTTP/1.1\r\n" + host + "Content-Length: -1\r\n\r\n", .invalidContentLength(offset: 26), 400, #line),
            ("POST / HTTP/1.1\r\n" + host + "Content-Length: +1\r\n\r\n", .invalidContentLength(offset: 26), 400, #line),
            ("POST / HTTP/1.1\r\n" + host + "Content-Length: 1 2\r\n\r\n", .invalidContentLength(offset: 26), 400, #line),
            ("POST / HTTP/1.1\r\n" + host + "Content-Length:\r\n\r\n", .invalidContentLength(offset: 26), 400, #line),
            ("POST / HTTP/1.1\r\n" + host + "Content-Length: 1234567890123456789\r\n\r\n", .invalidContentLength(offset: 26), 400, #line),
            ("POST / HTTP/1.1\r\n" + host + "Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", .conflictingContentLength(offset: 45), 400, #line),
            ("POST / HTTP/1.1\r\n" + host + "Content-Length: 3, 4\r\n\r\nabcd", .conflictingContentLength(offset: 26), 400, #line),
            ("POST / HTTP/1.1\r\n" + host + "Transfer-Encoding: gzip\r\n\r\n", .unsupportedTransferEncoding(offset: 26), 501, #line),
            ("POST / HTTP/1.1\r\n" + host + "Transfer-Encoding: gzip, chunked\r\n\r\n", .unsupportedTransferEncoding(offset: 26), 501, #line),
            ("POST / HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", .unsupportedTransferEncoding(offset: 54), 501, #line),
            ("POST / HTTP/1.0\r\n" + host + "Transfer-Encoding: chunked\r\n\r\n", .unsupportedTransferEncoding(offset: 26), 501, #line),
            ("POST / HTTP/1.1\r\n" + host + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", .contentLengthWithTransferEncoding(offset: 45), 400, #line),
            ("POST / HTTP/1.1\r\n" + host + "Content-Length: 1048577\r\n\r\n", .bodyTooLarge(declared: 1_048_577, limit: 1_048_576), 413, #line),
            ("POST / HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\n\r\nzz\r\n", .invalidChunk(offset: 56), 400, #line),
            ("POST / HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\n\r\n\r\n", .invalidChunk(offset: 56), 400, #line),
            ("POST / HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\n\r\n2x\r\n", .invalidChunk(offset: 57), 400, #line),
            ("POST / HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\n\r\n2 \r\n", .invalidChunk(offset: 57), 400, #line),
            ("POST / HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\n\r\n2;\u{01}\r\n", .invalidChunk(offset: 58), 400, #line),
            ("POST / HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\n\r\n1000000000000000\r\n", .invalidChunk(offset: 71), 400, #line),
            ("POST / HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\n\r\n2\r\nabX\r\n", .invalidChunk(offset: 61), 400, #line),
            ("POST / HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\n\r\n2\r\nab\rX", .invalidChunk(offset: 62), 400, #line),
            ("POST / HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\n\r\n0\r\nbad trailer\r\n\r\n", .invalidHeader(offset: 62), 400, #line),
            ("POST / HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\n\r\n100001\r\n", .bodyTooLarge(declared: nil, limit: 1_048_576), 413, #line),
            ("POST / HTTP/1.1\r\n" + host + "Content-Length: 10\r\n\r\nabc", .truncatedBody(expected: 10, received: 3), 400, #line),
            ("POST / HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\n\r\n5\r\nab", .truncatedBody(expected: nil, received: 2), 400, #line),
            ("POST / HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\n\r\n0\r\n", .truncatedBody(expected: nil, received: 0), 400, #line),
            ("GET / HTTP/1.1\r\nHost: x\r\n", .truncatedHead(received: 25), 400, #line),
            ("GET / HT", .truncatedHead(received: 8), 400, #line),
        ]
        for (input, error, status, line) in cases {
            let outcome = requestOutcome(input, line: line)
            XCTAssertEqual(outcome.messages, [], "input: \(input.debugDescription)", line: line)
            XCTAssertEqual(outcome.error, error, "input: \(input.debugDescription)", line: line)
            XCTAssertEqual(outcome.error?.statusCode, status, line: line)
            XCTAssertFalse(outcome.error?.message.isEmpty ?? true, line: line)
        }
    }

    func testHeaderSectionOverLimitIsRefusedWhileItArrives() throws {
        // No LF ever: the decoder must stop at the limit, not wait for the end of the line.
        var decoder = HTTPRequestDecoder(limits: HTTPLimits(maxHeaderBytes: 1024))
        let endless = Array(("GET / HTTP/1.1\r\nX: " + String(repeating: "a", count: 5000)).utf8)
        var index = 0
        XCTAssertThrowsError(try decoder.decode(endless, from: &index)) { XCTAssertEqual($0 as? HTTPError, .headerTooLarge(limit: 1024)) }
        XCTAssertEqual(index, 1024)
        XCTAssertEqual(HTTPError.headerTooLarge(limit: 1024).statusCode, 431)
        XCTAssertEqual(HTTPError.tooManyHeaders(limit: 1).statusCode, 431)
    }

    func testFailureExcerptShowsTheRejectedLineEscaped() {
        var decoder = HTTPRequestDecoder()
        var index = 0
        let input = Array("GET / HTTP/1.1\r\nX: a\u{01}b\r\n\r\n".utf8)
        XCTAssertThrowsError(try decoder.decode(input, from: &index))
        XCTAssertEqual(decoder.failureExcerpt, "X: a\\x01b")
    }

    func testEveryQuirkHasAName() {
        var all: HTTPQuirks = []
        for entry in HTTPQuirks.all { all.formUnion(entry.quirk) }
        XCTAssertEqual(all.names.count, HTTPQuirks.all.count)
        XCTAssertEqual(HTTPQuirks([.emptyTarget, .bareLF]).description, "emptyTarget,bareLF")
    }
}
