import XCTest
@testable import Simulator

/// Delivery policy without sockets, and the request bytes on the wire.
final class ReportOutboxTests: XCTestCase {
    let dest = SimDestination(host: "127.0.0.1", port: 8260, path: "")

    func delivery(_ seq: Int64, _ action: String = "BYE", to d: SimDestination? = nil) -> SimDelivery {
        SimDelivery(reportSeq: seq, action: action, callid: "1.\(seq)", body: Array("{\"n\":\(seq)}".utf8),
                    destination: d ?? dest, token: "t")
    }

    func testReportsToOneDestinationGoOutInOrderOneAtATime() {
        let box = ReportOutbox()
        box.enqueue(delivery(1), now: 0, wallMs: 0)
        box.enqueue(delivery(2), now: 0, wallMs: 0)
        box.enqueue(delivery(3, to: SimDestination(host: "127.0.0.2", port: 1, path: "")), now: 0, wallMs: 0)
        let first = box.due(now: 0)
        XCTAssertEqual(first.map { $0.delivery.reportSeq }, [1, 3])
        XCTAssertTrue(box.due(now: 0).isEmpty, "heads in flight are not handed out twice")
        box.finish(first[0], outcome: .acknowledged, now: 1, wallMs: 1)
        XCTAssertEqual(box.due(now: 1).map { $0.delivery.reportSeq }, [2])
        XCTAssertEqual(box.counters.sent, 3)
        XCTAssertEqual(box.counters.acked, 1)
    }

    func testUnacknowledgedReportsAreResentAfterTheIntervalUntilTheLimit() {
        let box = ReportOutbox()
        box.resendIntervalMs = 100
        box.resendLimit = 2
        box.enqueue(delivery(1), now: 0, wallMs: 0)
        box.enqueue(delivery(2), now: 0, wallMs: 0)
        var a = box.due(now: 0)[0]
        box.finish(a, outcome: .rejected(status: 500), now: 0, wallMs: 0)
        XCTAssertTrue(box.due(now: 99).isEmpty)
        XCTAssertEqual(box.nextDeadline(), 100)
        a = box.due(now: 100)[0]
        XCTAssertEqual(a.attempt, 2)
        XCTAssertEqual(a.delivery.reportSeq, 1)
        box.finish(a, outcome: .refused, now: 100, wallMs: 0)
        a = box.due(now: 200)[0]
        box.finish(a, outcome: .timeout, now: 200, wallMs: 0)
        // Two resends spent: given up, the next report goes.
        a = box.due(now: 200)[0]
        XCTAssertEqual(a.delivery.reportSeq, 2)
        XCTAssertEqual(box.counters.resent, 2)
        XCTAssertEqual(box.counters.givenUp, 1)
        XCTAssertEqual(box.counters.rejected, 1)
        XCTAssertEqual(box.counters.failedAttempts, 2)
        XCTAssertEqual(box.log.map { $0.outcome }, ["status 500", "refused", "timeout"])
        XCTAssertEqual(box.log.map { $0.final }, [false, false, true])
        XCTAssertEqual(box.log[0].httpStatus, 500)
    }

    func testDropNextLosesDeliveriesSilently() {
        let box = ReportOutbox()
        box.dropNext = 1
        box.enqueue(delivery(1), now: 0, wallMs: 0)
        box.enqueue(delivery(2), now: 0, wallMs: 0)
        XCTAssertEqual(box.due(now: 0).map { $0.delivery.reportSeq }, [2])
        XCTAssertEqual(box.counters.dropped, 1)
        XCTAssertEqual(box.log.first?.outcome, "dropped")
        XCTAssertEqual(box.log.first?.attempt, 0)
    }

    func testDuplicatesAfterTheAcknowledgement() {
        let box = ReportOutbox()
        box.duplicateNext = 1
        box.enqueue(delivery(1), now: 0, wallMs: 0)
        box.enqueue(delivery(2), now: 0, wallMs: 0)
        var a = box.due(now: 0)[0]
        box.finish(a, outcome: .acknowledged, now: 0, wallMs: 0)
        a = box.due(now: 0)[0]
        XCTAssertEqual(a.delivery.reportSeq, 1)
        XCTAssertTrue(a.duplicate)
        // A failed duplicate is not resent: the report was acknowledged already.
        box.finish(a, outcome: .refused, now: 0, wallMs: 0)
        a = box.due(now: 0)[0]
        XCTAssertEqual(a.delivery.reportSeq, 2)
        XCTAssertFalse(a.duplicate)
        XCTAssertEqual(box.counters.duplicatesSent, 1)
        XCTAssertEqual(box.counters.givenUp, 0)

        box.duplicateAfterAck = 2
        box.finish(a, outcome: .acknowledged, now: 0, wallMs: 0)
        box.enqueue(delivery(3), now: 0, wallMs: 0)
        var copies = 0
        while let next = box.due(now: 0).first {
            copies += 1
            box.finish(next, outcome: .acknowledged, now: 0, wallMs: 0)
        }
        XCTAssertEqual(copies, 3)
    }

    func testQueueIsBounded() {
        let box = ReportOutbox()
        box.queueLimit = 2
        for i in 1...4 { box.enqueue(delivery(Int64(i)), now: 0, wallMs: 0) }
        XCTAssertEqual(box.pending(for: dest.key), 2)
        XCTAssertEqual(box.counters.overflowed, 2)
        XCTAssertEqual(box.log.map { $0.outcome }, ["overflow", "overflow"])
    }

    func testDiscardForADeadToken() {
        let box = ReportOutbox()
        box.enqueue(delivery(1), now: 0, wallMs: 0)
        let a = box.due(now: 0)[0]
        box.discard(a, wallMs: 0)
        XCTAssertEqual(box.pendingCount, 0)
        XCTAssertEqual(box.counters.noToken, 1)
        XCTAssertEqual(box.counters.sent, 0)
    }

    func testLogIsARing() {
        let box = ReportOutbox()
        box.logLimit = 3
        box.dropNext = 5
        for i in 1...5 { box.enqueue(delivery(Int64(i)), now: 0, wallMs: 0) }
        XCTAssertEqual(box.log.map { $0.reportSeq }, [3, 4, 5])
        XCTAssertEqual(box.log.map { $0.id }, [3, 4, 5])
    }

    // MARK: wire

    func testRequestBytesMatchTheOpenVoxCapture() throws {
        // The capture, with its pretty-printed body compacted and CRLF line ends.
        let captured = text(try Payloads.bytes("openvox-bye-internal-1-http.txt"))
        let headEnd = captured.range(of: "\n\n")!
        let head = captured[..<headEnd.lowerBound].replacingOccurrences(of: "\n", with: "\r\n")
        let body = try Payloads.compact("openvox-bye-internal-1.json")
        let expected = head + "\r\n\r\n" + body

        let d = SimDestination(host: "172.16.6.150", port: 8260, path: "")
        let wire = SimReportWire.request(body: Array(body.utf8), destination: d, form: .emptyTwoSpaces, lineEnding: .crlf)
        XCTAssertEqual(text(wire), expected)
        XCTAssertTrue(text(wire).hasPrefix("POST  HTTP/1.1\r\nHost:172.16.6.150\r\nContent-Length:93\r\n"))
        XCTAssertFalse(text(wire).contains("User-Agent"))
    }

    func testRequestLineAndLineEndVariants() {
        let body = Array("{}".utf8)
        let d = SimDestination(host: "10.0.0.1", port: 9000, path: "/report")
        XCTAssertEqual(text(SimReportWire.request(body: body, destination: d, form: .emptyOneSpace, lineEnding: .lf)),
                       "POST HTTP/1.1\nHost:10.0.0.1\nContent-Length:2\nAccept: application/json\nContent-Type:application/json\nConnection:close\n\n{}")
        XCTAssertTrue(text(SimReportWire.request(body: body, destination: d, form: .registeredPath, lineEnding: .crlf))
            .hasPrefix("POST /report HTTP/1.1\r\nHost:10.0.0.1\r\n"))
        let root = SimDestination(host: "10.0.0.1", port: 9000, path: "")
        XCTAssertTrue(text(SimReportWire.request(body: body, destination: root, form: .registeredPath, lineEnding: .crlf))
            .hasPrefix("POST  HTTP/1.1\r\n"))
        XCTAssertEqual(text(SimReportWire.request(body: body, destination: root, form: .yeastar, lineEnding: .crlf)),
                       "POST / HTTP/1.1\r\nUser-Agent: WebAPI\r\nHost: 10.0.0.1: 9000\r\nContent-Length: 2\r\n"
                       + "Accept: application/json\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{}")
    }

    func testDestinationParsing() {
        XCTAssertEqual(SimDestination.from(ip: "1.2.3.4", port: "8260", url: "http://5.6.7.8:99/x/y", urltag: "1", absoluteURLWins: true),
                       SimDestination(host: "5.6.7.8", port: 99, path: "/x/y"))
        XCTAssertEqual(SimDestination.from(ip: "1.2.3.4", port: "8260", url: "5.6.7.8", urltag: "1", absoluteURLWins: true),
                       SimDestination(host: "5.6.7.8", port: 8260, path: ""))
        XCTAssertNil(SimDestination.from(ip: "1.2.3.4", port: "8260", url: "5.6.7.8:0", urltag: "1", absoluteURLWins: true))
        XCTAssertEqual(SimDestination.from(ip: "1.2.3.4", port: "8260", url: "/r", urltag: nil, absoluteURLWins: true),
                       SimDestination(host: "1.2.3.4", port: 8260, path: "/r"))
        XCTAssertNil(SimDestination.from(ip: "1.2.3.4", port: "", url: nil, urltag: nil, absoluteURLWins: true))
    }

    func testQueryStringDecoding() {
        let r = SimAPIRequest(method: "POST", target: "/api/v0.0.1/heartbeat?token=ab%20c&type=json&flag&x=1+2", body: [])
        XCTAssertEqual(r.path, "/api/v0.0.1/heartbeat")
        XCTAssertEqual(r.query, [SimField("token", "ab c"), SimField("type", "json"), SimField("flag", ""), SimField("x", "1 2")])
    }
}
