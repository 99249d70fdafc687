import XCTest
@testable import HTTP

/// Bounded, deterministic mutation fuzzing of both decoders: every mutated input must end in
/// messages or an `HTTPError` (never a crash or hang), identically whether it arrives all at
/// once, byte by byte or at random cuts. The libFuzzer entries (Tests/Fuzz/FuzzHTTP*.swift)
/// explore further; this keeps the property in every `swift test`.
final class HTTPCodecFuzzTests: XCTestCase {
    static let requestSeeds: [String] = [
        "POST  HTTP/1.1\r\nHost:172.16.6.150\r\nContent-Length:93\r\nAccept: application/json\r\nContent-Type:application/json\r\nConnection:close\r\n\r\n{\"action\":\"BYE\",\"callid\":\"1589953914.1775\",\"ext\":{\"extid\":[\"106\",\"101\"]},\"sn\":\"a09805021987\"}",
        "POST HTTP/1.1\nHost:172.16.6.150\nContent-Length:17\nConnection:close\n\n{\"action\":\"RING\"}",
        "POST / HTTP/1.1\r\nUser-Agent: WebAPI\r\nHost: 192.168.5.150: 8260\r\nContent-Length: 2\r\n\r\n{}",
        "GET /a?b=c%20d HTTP/1.1\r\nHost: x\r\n\r\nPOST /b HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3;e=1\r\nabc\r\n0\r\nT: v\r\n\r\n",
        "\r\nGET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
    ]
    static let responseSeeds: [String] = [
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 20\r\n\r\n{\"status\":\"Success\"}",
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n0\r\n\r\n",
        "HTTP/1.0 200 OK\r\nServer: x\r\n\r\nclose-delimited body",
        "HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 200\nContent-Length: 1\n\nx",
    ]
    static let tokens: [String] = [
        "\r\n", "\n", "\r", " ", "  ", "\t", ":", ": ", "\u{0}", "\u{7F}", "0", "ffffffffffffffff", "99999999999999999999",
        "Content-Length: 5\r\n", "Transfer-Encoding: chunked\r\n", "Content-Length: 0\r\n", "Host: a\r\n",
        "HTTP/1.1", "HTTP/2.0", ";", ",", "%", "\u{E9}", "0\r\n\r\n", "\r\n\r\n",
    ]

    private func mutate(_ input: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            let position = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &rng)
            switch Int.random(in: 0..<6, using: &rng) {
            case 0 where !bytes.isEmpty:
                bytes[position] = UInt8.random(in: 0...255, using: &rng)
            case 1:
                let token = HTTPCodecFuzzTests.tokens[Int.random(in: 0..<HTTPCodecFuzzTests.tokens.count, using: &rng)]
                bytes.insert(contentsOf: Array(token.utf8), at: position)
            case 2 where !bytes.isEmpty:
                let end = min(bytes.count, position + Int.random(in: 1...16, using: &rng))
                bytes.removeSubrange(position..<end)
            case 3 where !bytes.isEmpty:
                let end = min(bytes.count, position + Int.random(in: 1...32, using: &rng))
                bytes.insert(contentsOf: bytes[position..<end], at: position)
            case 4:
                bytes = Array(bytes[0..<position])
            default:
                bytes.insert(UInt8.random(in: 0...255, using: &rng), at: position)
            }
        }
        return bytes
    }

    private func checkError(_ error: HTTPError?) {
        guard let error else { return }
        XCTAssertTrue([400, 408, 413, 414, 431, 501, 502, 505].contains(error.statusCode))
        XCTAssertFalse(error.message.isEmpty)
    }

    func testMutatedRequestsNeverCrashAndDoNotDependOnSplits() {
        var rng = SplitMix64(seed: 0x5EED_0001)
        var decoded = 0, failed = 0
        let limits = HTTPLimits(maxHeaderBytes: 512, maxHeaderCount: 12, maxBodyBytes: 256, maxRequestLineBytes: 128)
        for iteration in 0..<1500 {
            let seed = HTTPCodecFuzzTests.requestSeeds[iteration % HTTPCodecFuzzTests.requestSeeds.count]
            let input = mutate(Array(seed.utf8), &rng)
            let outcome = assertSplitInvariant({ HTTPRequestDecoder(limits: limits) }, input, randomSplits: 2, seed: UInt64(iteration))
            checkError(outcome.error)
            if outcome.error == nil { decoded += 1 } else { failed += 1 }
            // Whatever decoded re-encodes into something that decodes to the same request.
            for request in outcome.messages {
                let again = feed({ HTTPRequestDecoder(limits: HTTPLimits()) }, request.encoded(host: nil), cuts: [])
                XCTAssertNil(again.error, "re-encoding failed for \(input.text.debugDescription)")
                XCTAssertEqual(again.messages.first?.method, request.method)
                XCTAssertEqual(again.messages.first?.body, request.body)
            }
        }
        // The mutations must exercise both outcomes, or the test proves little.
        XCTAssertGreaterThan(decoded, 100)
        XCTAssertGreaterThan(failed, 100)
    }

    func testMutatedResponsesNeverCrashAndDoNotDependOnSplits() {
        var rng = SplitMix64(seed: 0x5EED_0002)
        var decoded = 0, failed = 0
        let limits = HTTPLimits(maxHeaderBytes: 512, maxHeaderCount: 12, maxBodyBytes: 256)
        for iteration in 0..<1200 {
            let seed = HTTPCodecFuzzTests.responseSeeds[iteration % HTTPCodecFuzzTests.responseSeeds.count]
            let input = mutate(Array(seed.utf8), &rng)
            let method = iteration % 7 == 0 ? "HEAD" : "POST"
            let outcome = assertSplitInvariant({ HTTPResponseDecoder(limits: limits, requestMethod: method) }, input, randomSplits: 2, seed: UInt64(iteration))
            checkError(outcome.error)
            if outcome.error == nil { decoded += 1 } else { failed += 1 }
        }
        XCTAssertGreaterThan(decoded, 100)
        XCTAssertGreaterThan(failed, 100)
    }

    func testRandomBytesNeverCrash() {
        var rng = SplitMix64(seed: 0x5EED_0003)
        for iteration in 0..<400 {
            var input: [UInt8] = []
            for _ in 0..<Int.random(in: 0...200, using: &rng) { input.append(UInt8.random(in: 0...255, using: &rng)) }
            checkError(assertSplitInvariant({ HTTPRequestDecoder() }, input, randomSplits: 1, seed: UInt64(iteration)).error)
            checkError(assertSplitInvariant({ HTTPResponseDecoder() }, input, randomSplits: 1, seed: UInt64(iteration)).error)
        }
    }
}
