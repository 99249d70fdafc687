import JSON
import XCTest
@testable import Simulator

/// Bounded in-suite fuzzing of everything the simulator reads from the network: request
/// targets, JSON and XML bodies, the client's status line. Whatever arrives, the API answers
/// HTTP-200-style envelopes (`Success` or `Failed` + errno) and nothing traps.
final class SimulatorFuzzTests: XCTestCase {
    static let seeds: [String] = [
        #"{"username":"api","password":"5ebe2294ecd0e0f08eab7690d2a6ee69","port":"8260","version":"0.0.1","url":"172.16.6.150:8260","urltag":1}"#,
        #"{"ipaddr":"172.16.6.150","port":"8280","url":"172.16.6.150:8280/x","urltag":"1"}"#,
        #"{"inboundid":"1589879501.901,1589879501.903"}"#,
        #"{"extid":"101"}"#,
        "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<xml>\n\t<username>api</username>\n\t<port>8260</port>\n</xml>",
        "{}",
        "",
    ]
    static let endpoints = ["login", "heartbeat", "logout", "inbound/query", "outbound/query", "extensionlist/query",
                            "deviceinfo/query", "extension/hangup", "inbound/hangup", "outbound/hangup",
                            "extension/hold", "extension/unhold", "nope"]

    static let alphabet = Array("{}[]\":,<>/&%\\0 ?=".utf8)

    func mutate(_ input: [UInt8], _ rng: inout SimRandom) -> [UInt8] {
        var b = input
        for _ in 0..<(1 + rng.below(4)) {
            switch rng.below(6) {
            case 0 where !b.isEmpty: b[rng.below(b.count)] = UInt8(truncatingIfNeeded: rng.next())
            case 1 where !b.isEmpty: b.remove(at: rng.below(b.count))
            case 2: b.insert(SimulatorFuzzTests.alphabet[rng.below(SimulatorFuzzTests.alphabet.count)], at: rng.below(b.count + 1))
            case 3 where !b.isEmpty: b = Array(b[0..<rng.below(b.count)])
            case 4: b += b.prefix(rng.below(8))
            default: b.insert(UInt8(truncatingIfNeeded: rng.next()), at: rng.below(b.count + 1))
            }
        }
        return b
    }

    func testAPIHandlerSurvivesMutatedRequests() {
        var rng = SimRandom(seed: 20_260_101)
        let pbx = makePBX()
        let token = login(pbx)
        _ = pbx.start(SimCallSpec(kind: .inbound, from: "555", to: "101", answerAfterMs: 0))
        _ = pbx.advance(now: 0)
        for i in 0..<4_000 {
            let seed = Array(SimulatorFuzzTests.seeds[rng.below(SimulatorFuzzTests.seeds.count)].utf8)
            let body = mutate(seed, &rng)
            let endpoint = SimulatorFuzzTests.endpoints[rng.below(SimulatorFuzzTests.endpoints.count)]
            var target = "/api/v0.0.1/" + endpoint + "?type=" + (rng.below(4) == 0 ? "xml" : "json")
            if rng.below(5) > 0 { target += "&token=" + token }
            target = String(decoding: rng.below(8) == 0 ? mutate(Array(target.utf8), &rng) : Array(target.utf8), as: UTF8.self)
            let r = pbx.handle(SimAPIRequest(method: rng.below(10) == 0 ? "GET" : "POST", target: target, body: body),
                               clientIP: "10.0.0." + String(rng.below(4)), now: Int64(i))
            guard let resp = r.response else { return XCTFail("no answer for " + target) }
            if resp.format == .json {
                let v = try? JSON.parse(resp.body)
                let status = v?["status"]?.string
                XCTAssertTrue(status == "Success" || (status == "Failed" && v?["errno"]?.string != nil), text(resp.body))
            } else {
                XCTAssertTrue(text(resp.body).hasPrefix("<?xml"), text(resp.body))
            }
        }
        XCTAssertGreaterThan(pbx.counters.apiFailures, 0)
    }

    func testParsersNeverTrap() {
        var rng = SimRandom(seed: 7)
        for _ in 0..<4_000 {
            let seed = Array(SimulatorFuzzTests.seeds[rng.below(SimulatorFuzzTests.seeds.count)].utf8)
            let b = mutate(seed, &rng)
            _ = try? SimRequestBody.fields(b)
            _ = try? SimRequestBody.xmlFields(b)
            _ = SimAPIRequest.parseQuery(b)
            _ = SenderAttempt.status(b)
            let s = String(decoding: b, as: UTF8.self)
            _ = SimDestination.from(ip: "1.2.3.4", port: s, url: s, urltag: "1", absoluteURLWins: true)
            _ = SimDestination.from(ip: "1.2.3.4", port: "80", url: s, urltag: rng.below(2) == 0 ? "1" : "0", absoluteURLWins: false)
            _ = SimDuration.parse(s)
            _ = SimExtensionList.parse(s)
        }
        XCTAssertEqual(SenderAttempt.status(Array("HTTP/1.1 200 OK\r".utf8)), .acknowledged)
        XCTAssertEqual(SenderAttempt.status(Array("HTTP/1.0 503 Busy".utf8)), .rejected(status: 503))
        XCTAssertEqual(SenderAttempt.status(Array("HTTP/1.1 2".utf8)), .reset)
        XCTAssertEqual(SenderAttempt.status(Array("SSH-2.0-OpenSSH".utf8)), .reset)
    }
}
