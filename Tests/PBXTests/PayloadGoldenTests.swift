import XCTest
import JSON
import CallModel
@testable import PBX

/// Every file in `shared/reference/pbx-payloads` against its exact expected value: reports
/// become `Report`s, responses decoded values, requests are what our builders write, and the
/// deliberately broken `.txt` files give their precise rejection.
final class PayloadGoldenTests: XCTestCase {
    let normaliser = ReportNormaliser()
    static let ovSN = "a09805021987"
    static let ovTrunk = "to-18-16-2"

    private typealias Check = (_ body: [UInt8]) throws -> Void

    func testEveryPayloadFileHasAGoldenExpectation() throws {
        let names = try PBXPayloadFiles.names()
        XCTAssertEqual(names.count, 65, "payload directory not found or changed")
        let checks = goldenChecks()
        for name in names {
            guard let check = checks[name] else { XCTFail("no golden expectation for " + name); continue }
            let body = try PBXPayloadFiles.bytes(name)
            XCTAssertNoThrow(try check(body), name)
        }
        for name in checks.keys where !names.contains(name) { XCTFail("expectation for missing file " + name) }
    }

    // MARK: - Expectations

    private func goldenChecks() -> [String: Check] {
        let sn = Self.ovSN, trunk = Self.ovTrunk
        var c: [String: Check] = [:]
        func report(_ name: String, _ make: @escaping ([UInt8]) -> Report) {
            c[name] = { [normaliser] body in
                XCTAssertEqual(normaliser.normalise(body: body), .report(make(body)), name)
            }
        }

        // OpenVox reports.
        report("openvox-alert-inbound-1.json") {
            expected(.alert, "1589948512.1709", inbound: leg("103", "101", trunk, "1589948512.1707"),
                     sn: sn, quirks: [], trunkFirst: true, body: $0)
        }
        report("openvox-alert-internal-1.json") {
            expected(.alert, "1589947952.1670", ["101"], sn: sn, quirks: [.extidArray], body: $0)
        }
        report("openvox-alert-outbound-1.json") {
            expected(.alert, "1589948179.1692", ["106"], sn: nil, quirks: [.missingSerial], body: $0)
        }
        report("openvox-answer-inbound-1.json") {
            expected(.answer, "1589953417.1743", ["101"], inbound: leg("103", "101", trunk, "1589953417.1743"),
                     sn: sn, quirks: [], body: $0)
        }
        report("openvox-answer-internal-1.json") {
            expected(.answer, "1589953310.1724", ["106", "101"], sn: sn, quirks: [.extidArray], body: $0)
        }
        report("openvox-answer-internal-yeastarstyle-1.json") {
            expected(.answer, "1547375031.65", ["1006", "1005"], sn: "369362089179", quirks: [.callArray], body: $0)
        }
        report("openvox-bye-internal-1.json") {
            expected(.bye, "1589953914.1775", ["106", "101"], sn: sn, quirks: [.extidArray], body: $0)
        }
        report("openvox-bye-internal-2.json") {
            expected(.bye, "1589953914.1777", ["101", "106"], sn: sn, quirks: [.extidArray], body: $0)
        }
        report("openvox-bye-outbound-1.json") {
            expected(.bye, "1589956488.1962", ["106"], outbound: leg("106", "103", trunk, "1589956488.1962"),
                     sn: sn, quirks: [], trunkFirst: true, body: $0)
        }
        report("openvox-callanswered-internal-1.json") {
            expected(.answer, "1589953310.1724", ["101", "106"], sn: sn, quirks: [.extidArray], body: $0)
        }
        report("openvox-callanswered-outbound-1.json") {
            expected(.answer, "1589953723.1760", ["106"], outbound: leg("106", "103", trunk, "1589953722.1758"),
                     sn: sn, quirks: [], body: $0)
        }
        report("openvox-extensionstatus-1.json") {
            expected(.extensionStatus(ExtensionNumber("101"), .busy), nil, sn: sn, quirks: [.inUseStatus], body: $0)
        }
        report("openvox-newcdr-inbound-1.json") {
            expected(.newCdr(CDR(timeStart: "2020-05-20 10:18:59", callFrom: "101", callTo: "102",
                                 callDurationSeconds: 10, talkDurationSeconds: 4, status: "ANSWERED", type: "Inbound")),
                     "1589959139.2135", sn: sn, quirks: [], body: $0)
        }
        report("openvox-newcdr-internal-1.json") {
            expected(.newCdr(CDR(timeStart: "2020-05-20 10:11:22", callFrom: "106", callTo: "102",
                                 callDurationSeconds: 10, talkDurationSeconds: 5, status: "ANSWERED", type: "Internal")),
                     "1589958682.2101", sn: sn, quirks: [], body: $0)
        }
        report("openvox-ring-inbound-1.json") {
            expected(.ring, "1589948512.1709", ["101"], inbound: leg("103", "101", trunk, "1589948512.1707"),
                     sn: sn, quirks: [], body: $0)
        }
        report("openvox-ring-internal-1.json") {
            expected(.ring, "1589947952.1670", ["106", "101"], sn: sn, quirks: [.extidArray], body: $0)
        }
        report("openvox-ring-outbound-1.json") {
            expected(.ring, "1589948178.1690", ["106"], outbound: leg("106", "103", trunk, "1589948178.1690"),
                     sn: nil, quirks: [.missingSerial], trunkFirst: true, body: $0)
        }
        report("openvox-transfer-internal-1.json") {
            expected(.transfer, "1589957670.2001", ["102", "101"], sn: sn, quirks: [.extidArray], body: $0)
        }

        // The raw HTTP capture: its body (pretty-printed as published) is the first internal BYE.
        c["openvox-bye-internal-1-http.txt"] = { [normaliser] raw in
            let body = try XCTUnwrap(PBXPayloadFiles.httpBody(raw))
            XCTAssertEqual(normaliser.normalise(body: body),
                           .report(expected(.bye, "1589953914.1775", ["106", "101"], sn: sn, quirks: [.extidArray], body: body)))
            // Content-Length:93 is the compact form of that body.
            XCTAssertEqual(JSON.serialize(try JSON.parse(body)).count, 93)
        }

        // Yeastar 1.0.2 reports (`call` array).
        let ysn = "369362089179"
        report("yeastar-alert-internal-1.json") {
            expected(.alert, "1550710849.199", ["1001"], sn: "369351034049", quirks: [.callArray], body: $0)
        }
        report("yeastar-answered-internal-1.json") {
            expected(.answered, "1547375031.65", ["1005", "1006"], sn: ysn, quirks: [.callArray], body: $0)
        }
        report("yeastar-answered-outbound-1.json") {
            expected(.answered, "1547375707.75", ["1005"], outbound: leg("1005", "172838344", "SPS-6-36", "1547375707.76"),
                     sn: ysn, quirks: [.callArray], body: $0)
        }
        report("yeastar-bye-internal-1.json") {
            expected(.bye, "1547375817.78", ["1006", "1005"], sn: ysn, quirks: [.callArray], body: $0)
        }
        report("yeastar-dtmf-internal-1.json") {
            expected(.dtmf, "1547389829.281", ["1005"], sn: ysn, quirks: [.callArray], body: $0)
        }
        report("yeastar-extensionstatus-1.json") {
            expected(.extensionStatus(ExtensionNumber("1006"), .registered), nil, sn: ysn, quirks: [], body: $0)
        }
        report("yeastar-incoming-inbound-1.json") {
            expected(.incoming, "1547393303.354", inbound: leg("182737733", "1005", "SPS-6-36", "1547393303.354"),
                     sn: ysn, quirks: [.callArray], trunkFirst: true, body: $0)
        }
        report("yeastar-invite-inbound-1.json") {
            expected(.invite, "1547389566.275", inbound: leg("1929383883", "1005", "SPS-6-36", "1547389566.275"),
                     sn: ysn, quirks: [.callArray], trunkFirst: true, body: $0)
        }
        report("yeastar-ring-internal-1.json") {
            expected(.ring, "1550710849.199", ["1002", "1001"], sn: "369351034049", quirks: [.callArray], body: $0)
        }
        report("yeastar-ring-outbound-1.json") {
            expected(.ring, "1547396927.428", ["1001"], outbound: leg("1001", "9282883883", "SPS-6-36", "1547396927.429"),
                     sn: ysn, quirks: [.callArray], trunkFirst: true, body: $0)
        }
        report("yeastar-transfer-internal-1.json") {
            expected(.transfer, "1547378727.152", ["1005", "1001"], sn: ysn, quirks: [.callArray], body: $0)
        }

        // Legacy Yeastar reports: no `sn`; duplicate `ext` members keep BOTH parties in order.
        report("yeastar-legacy-alert-internal-1.json") {
            expected(.alert, "1495706238.328", ["1002"], sn: nil, quirks: [.missingSerial], body: $0)
        }
        report("yeastar-legacy-answer-internal-1.txt") {
            expected(.answer, "1495706238.328", ["1000", "1002"], sn: nil,
                     quirks: [.duplicateExt, .legacyActionRI, .missingSerial], body: $0)
        }
        report("yeastar-legacy-answered-internal-1.txt") {
            expected(.answered, "1495706238.328", ["1002", "1000"], sn: nil, quirks: [.duplicateExt, .missingSerial], body: $0)
        }
        report("yeastar-legacy-callfailed-1.json") {
            expected(.callFailed(.text("NO Outbound Restriction")), "1495420603.349", sn: nil, quirks: [.missingSerial], body: $0)
        }
        report("yeastar-legacy-dtmf-outbound-1.json") {
            expected(.dtmf, "1495705009.315", outbound: leg("1002", "41000", "SIP-142", "1495705009.316"),
                     sn: nil, quirks: [.missingSerial], trunkFirst: true, body: $0)
        }
        report("yeastar-legacy-incoming-inbound-1.json") {
            expected(.incoming, "1495707950.331", inbound: leg("1000", "1002", "sip-142", "1495707950.331"),
                     sn: nil, quirks: [.missingSerial], trunkFirst: true, body: $0)
        }
        report("yeastar-legacy-invite-inbound-1.json") {
            expected(.invite, "1495707950.331", inbound: leg("1000", "1002", "sip-142", "1495707950.331"),
                     sn: nil, quirks: [.missingSerial], trunkFirst: true, body: $0)
        }
        report("yeastar-legacy-newcdr-inbound-1.json") {
            expected(.newCdr(CDR(timeStart: "2017-05-25 22:23:41", callFrom: "1000", callTo: "1002",
                                 callDurationSeconds: 18, talkDurationSeconds: 9, status: "ANSWERED", type: "Inbound",
                                 trunk: "sip-142")),
                     "1495779821.377", sn: nil, quirks: [.missingSerial], body: $0)
        }
        report("yeastar-legacy-newcdr-internal-1.json") {
            expected(.newCdr(CDR(timeStart: "2017-05-25 22:15:10", callFrom: "1002", callTo: "1000",
                                 callDurationSeconds: 3, talkDurationSeconds: 2, status: "ANSWERED", type: "Internal")),
                     "1495779310.371", sn: nil, quirks: [.missingSerial], body: $0)
        }
        report("yeastar-legacy-newcdr-outbound-1.json") {
            expected(.newCdr(CDR(timeStart: "2017-05-25 22:17:34", callFrom: "1002", callTo: "41004",
                                 callDurationSeconds: 4, talkDurationSeconds: 4, status: "ANSWERED", type: "Outbound",
                                 trunk: "sip-142")),
                     "1495779454.374", sn: nil, quirks: [.missingSerial], body: $0)
        }
        report("yeastar-legacy-playpromptend-1.json") {
            expected(.playPromptEnd, "1495780325.384", ["1002"], sn: nil, quirks: [.missingSerial], body: $0)
        }
        report("yeastar-legacy-ring-outbound-1.json") {
            expected(.ring, "1495771030.365", ["1002"], outbound: leg("1002", "42003", "sip-142", "1495771030.366"),
                     sn: nil, quirks: [.missingSerial], trunkFirst: true, body: $0)
        }

        // API responses.
        c["openvox-login-response-success-1.json"] = { body in
            XCTAssertEqual(decodeAnswer(body: body, decodeLoginToken), .success(.success("813b621cfe8eecf445a2ce1f4a079ffe")))
        }
        c["openvox-login-response-failed-1.json"] = { body in
            XCTAssertEqual(decodeReply(body: body), .success(.failed(errno: "30003")))
            XCTAssertEqual(decodeAnswer(body: body, decodeLoginToken), .success(.failed(.wrongCredentials(code: "30003"))))
            XCTAssertTrue(PBXErrno(code: "30003").isAuthFailure)
        }
        c["yeastar-error-response-1.json"] = { body in
            XCTAssertEqual(decodeReply(body: body), .success(.failed(errno: "10003")))
            XCTAssertEqual(decodeReply(body: body).map { $0.errno }, .success(.unsupportedRequest))
        }
        c["openvox-generic-success-response-1.json"] = { body in
            XCTAssertEqual(decodeReply(body: body), .success(.success(["status": "Success"])))
        }
        c["openvox-deviceinfo-response-1.json"] = { body in
            XCTAssertEqual(decodeAnswer(body: body, decodeDeviceInfo), .success(.success(DeviceInfo(
                serial: "a09805021987", deviceName: "UC501", hardwareVersion: "3.1", firmwareVersion: "4.1.1",
                systemTime: "2020-05-19 04:06:07", uptime: "2020-Mar-23-08:33:22", extensionStatus: "21/300"))))
        }
        c["yeastar-deviceinfo-response-1.json"] = { body in
            XCTAssertEqual(decodeAnswer(body: body, decodeDeviceInfo), .success(.success(DeviceInfo(
                serial: "369364835218", deviceName: "Yeastar S100", hardwareVersion: "V1.30 0000-0000",
                firmwareVersion: "30.5.0.19", systemTime: "2017-05-24 23:25:20 UTC-8", uptime: "03:25:04",
                extensionStatus: "7/100"))))
        }
        c["openvox-inbound-query-response-1.json"] = { body in
            XCTAssertEqual(decodeAnswer(body: body, decodeInboundQuery), .success(.success([
                QueriedTrunkCall(direction: .inbound, id: PBXCallID("1589881290.963"), from: "103", to: "101",
                                 trunk: trunk, calleeExtension: ExtensionNumber("101"), status: .talking),
            ])))
        }
        c["openvox-outbound-query-response-1.json"] = { body in
            XCTAssertEqual(decodeAnswer(body: body, decodeOutboundQuery), .success(.success([
                QueriedTrunkCall(direction: .outbound, id: PBXCallID("1589881535.982"), from: "66666", to: "103",
                                 trunk: trunk, status: .talking),
            ])))
        }
        c["openvox-extensionlist-response-1.json"] = { body in
            XCTAssertEqual(decodeAnswer(body: body, decodeExtensionList), .success(.success([
                ExtensionListEntry(number: ExtensionNumber("100"), status: .unavailable, type: "pjsip"),
                ExtensionListEntry(number: ExtensionNumber("101"), status: .registered, type: "pjsip"),
                ExtensionListEntry(number: ExtensionNumber("102"), status: .registered, type: "pjsip"),
            ])))
        }

        // XML bodies: out of scope (ucagent always asks type=json), each gives a clear rejection.
        for name in ["openvox-deviceinfo-response-xml-1.txt", "openvox-generic-success-response-xml-1.txt",
                     "openvox-login-request-xml-1.txt"] {
            c[name] = { [normaliser] body in
                XCTAssertEqual(decodeReply(body: body), .failure(.xml))
                XCTAssertEqual(PBXWireError.xml.message, "PBX replied in XML; ucagent requests type=json (check the API URL)")
                XCTAssertEqual(normaliser.normalise(body: body), .rejected(.xml))
            }
        }

        // Requests: our builders write the same JSON (compact, same member order).
        func request(_ name: String, _ built: [UInt8]) {
            c[name] = { body in
                XCTAssertEqual(try JSON.parse(built), try JSON.parse(body), name)
                XCTAssertEqual(built, JSON.serialize(try JSON.parse(body)), name)
            }
        }
        request("openvox-login-request-1.json", PBXRequestBody.login(
            username: "xiaoshao", passwordMD5: "e10adc3949ba59abbe56e057f20f883e", port: 8260,
            url: "172.16.6.150:8260", urltag: .absolute, version: "0.0.1"))
        request("openvox-heartbeat-request-1.json", PBXRequestBody.heartbeat(
            ipaddr: "172.16.6.150", port: 8280, url: "172.16.6.150:8280", urltag: .absolute))
        request("openvox-extension-hangup-request-1.json", PBXRequestBody.extensionHangup(ExtensionNumber("101")))
        request("openvox-inbound-hangup-request-1.json", PBXRequestBody.inboundHangup(PBXCallID("1589938168.1111")))
        request("openvox-outbound-hangup-request-1.json", PBXRequestBody.outboundHangup(PBXCallID("1589938378.1130")))
        request("openvox-inbound-query-request-1.json", PBXRequestBody.inboundQuery(ids: [PBXCallID("1589879501.901")]))
        request("openvox-outbound-query-request-1.json", PBXRequestBody.outboundQuery(ids: [PBXCallID("1495705009.316")]))
        request("openvox-dial-extension-request-1.json", PBXRequestBody.dialExtension(
            caller: ExtensionNumber("101"), callee: ExtensionNumber("102"), autoAnswer: false))
        request("openvox-dial-outbound-request-1.json", PBXRequestBody.dialOutbound(
            ext: ExtensionNumber("101"), number: "16103", autoAnswer: false))
        // Yeastar's example sends urltag as the string "1"; we send OpenVox's number 1.
        // Everything else is identical.
        c["yeastar-login-request-1.json"] = { body in
            let built = PBXRequestBody.login(username: "api", passwordMD5: "2d7257a528679d01a19c70e3fa773620",
                                             port: 8260, url: "110.22.2.3:8260/report", urltag: .absolute, version: "1.0.2")
            var ours = try XCTUnwrap(try JSON.parse(built).object)
            XCTAssertEqual(ours["urltag"], .int(1))
            ours.members[ours.members.count - 1].value = "1"
            XCTAssertEqual(.object(ours), try JSON.parse(body))
        }

        // Yeastar's published heartbeat is not JSON (unquoted `urlflag`): precise error.
        c["yeastar-heartbeat-request-1.txt"] = { [normaliser] body in
            let error = JSONError.unexpectedByte(UInt8(ascii: "u"), offset: 37)
            XCTAssertThrowsError(try JSON.parse(body)) { XCTAssertEqual($0 as? JSONError, error) }
            XCTAssertEqual(decodeReply(body: body), .failure(.notJSON(error)))
            XCTAssertEqual(normaliser.normalise(body: body), .rejected(.notJSON(error)))
            XCTAssertEqual(ReportRejection.notJSON(error).message,
                           "report body is not JSON: invalid JSON: unexpected 'u' (0x75) at byte 37")
        }
        return c
    }

    // MARK: - Cross-file properties

    /// A pretty-printed capture and its compact wire form give the same report (digest aside).
    func testCompactWireFormGivesTheSameReport() throws {
        for name in try PBXPayloadFiles.names() where name.hasSuffix(".json") {
            let body = try PBXPayloadFiles.bytes(name)
            guard case .report(var pretty) = normaliser.normalise(body: body) else { continue }
            let compact = JSON.serialize(try JSON.parse(body))
            guard case .report(var wire) = normaliser.normalise(body: compact) else { XCTFail(name); continue }
            XCTAssertEqual(wire.digest, fnv1a64(compact))
            pretty.digest = 0; wire.digest = 0
            XCTAssertEqual(wire, pretty, name)
        }
    }

    /// The HTTP capture with CRLF line ends and a compact body, as it is on the wire.
    func testHTTPCaptureWithCRLFAndCompactBody() throws {
        let raw = try PBXPayloadFiles.bytes("openvox-bye-internal-1-http.txt")
        let body = try XCTUnwrap(PBXPayloadFiles.httpBody(raw))
        let head = Array(raw[..<(raw.count - body.count)])
        var crlf: [UInt8] = []
        for b in head { if b == 0x0A { crlf.append(0x0D) }; crlf.append(b) }
        crlf += JSON.serialize(try JSON.parse(body))
        let wireBody = try XCTUnwrap(PBXPayloadFiles.httpBody(crlf))
        XCTAssertEqual(wireBody.count, 93)
        XCTAssertEqual(normaliser.normalise(body: wireBody),
                       .report(expected(.bye, "1589953914.1775", ["106", "101"], sn: Self.ovSN, quirks: [.extidArray], body: wireBody)))
    }

    /// API replies and request bodies are not reports: each is rejected for lacking `action`.
    func testRepliesAndRequestsAreNotReports() throws {
        for name in try PBXPayloadFiles.names() where name.contains("response") || name.contains("request") {
            guard name.hasSuffix(".json") else { continue }
            XCTAssertEqual(normaliser.normalise(body: try PBXPayloadFiles.bytes(name)), .rejected(.missingAction), name)
        }
    }
}
