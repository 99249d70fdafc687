import Foundation
import XCTest
@testable import HTTP

/// The two incremental decoders behind one shape, so one split helper checks both.
protocol IncrementalHTTPDecoder {
    associatedtype Message: Equatable
    mutating func decode(_ bytes: [UInt8], from index: inout Int) throws(HTTPError) -> Message?
    mutating func finish() throws(HTTPError) -> Message?
}

extension HTTPRequestDecoder: IncrementalHTTPDecoder {}
extension HTTPResponseDecoder: IncrementalHTTPDecoder {}

/// What a decoder made of a whole input: the messages in order, then how it ended.
struct DecodeOutcome<Message: Equatable>: Equatable {
    var messages: [Message] = []
    /// The error that stopped decoding (during input or at EOF), nil for a clean end.
    var error: HTTPError?
}

/// Deterministic generator (SplitMix64) so every random split and mutation is reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
}

/// Feeds `input` in the given pieces the way a connection does: append each read to a
/// buffer, decode until "need more", drop what was consumed; at the end call `finish()`.
func feed<D: IncrementalHTTPDecoder>(_ make: () -> D, _ input: [UInt8], cuts: [Int]) -> DecodeOutcome<D.Message> {
    var decoder = make()
    var outcome = DecodeOutcome<D.Message>()
    var buffer: [UInt8] = []
    var start = 0
    let bounds = cuts.filter { $0 > 0 && $0 < input.count }.sorted() + [input.count]
    for end in bounds where end >= start {
        buffer.append(contentsOf: input[start..<end])
        start = end
        var index = 0
        do throws(HTTPError) {
            while let message = try decoder.decode(buffer, from: &index) { outcome.messages.append(message) }
        } catch {
            outcome.error = error
            return outcome
        }
        buffer.removeFirst(index)
    }
    do throws(HTTPError) {
        if let message = try decoder.finish() { outcome.messages.append(message) }
    } catch {
        outcome.error = error
    }
    return outcome
}

/// The swift-nio `ByteToMessageDecoderVerifier` habit: the same input all at once, byte by
/// byte, and at random cut points must give identical messages and the identical error.
/// Returns the all-at-once outcome for the test's own assertions.
@discardableResult
func assertSplitInvariant<D: IncrementalHTTPDecoder>(
    _ make: () -> D, _ input: [UInt8], randomSplits: Int = 12, seed: UInt64 = 1,
    file: StaticString = #filePath, line: UInt = #line
) -> DecodeOutcome<D.Message> {
    let whole = feed(make, input, cuts: [])
    let bytewise = feed(make, input, cuts: Array(0..<input.count))
    XCTAssertEqual(whole.messages, bytewise.messages, "byte-by-byte messages differ", file: file, line: line)
    XCTAssertEqual(whole.error, bytewise.error, "byte-by-byte error differs", file: file, line: line)
    var rng = SplitMix64(seed: seed ^ UInt64(input.count))
    for round in 0..<randomSplits where input.count > 1 {
        let cutCount = Int.random(in: 1...max(1, min(8, input.count / 2 + 1)), using: &rng)
        var cuts: [Int] = []
        for _ in 0..<cutCount { cuts.append(Int.random(in: 1..<input.count, using: &rng)) }
        let split = feed(make, input, cuts: cuts)
        XCTAssertEqual(whole.messages, split.messages, "messages differ at cuts \(cuts.sorted()) (round \(round))", file: file, line: line)
        XCTAssertEqual(whole.error, split.error, "error differs at cuts \(cuts.sorted()) (round \(round))", file: file, line: line)
    }
    return whole
}

func requestOutcome(_ text: String, limits: HTTPLimits = HTTPLimits(),
                    file: StaticString = #filePath, line: UInt = #line) -> DecodeOutcome<HTTPRequest> {
    assertSplitInvariant({ HTTPRequestDecoder(limits: limits) }, Array(text.utf8), file: file, line: line)
}

func responseOutcome(_ text: String, method: String = "GET", limits: HTTPLimits = .client,
                     file: StaticString = #filePath, line: UInt = #line) -> DecodeOutcome<HTTPResponse> {
    assertSplitInvariant({ HTTPResponseDecoder(limits: limits, requestMethod: method) }, Array(text.utf8), file: file, line: line)
}

/// The captured PBX payloads (`shared/reference/pbx-payloads`), found by walking up from
/// this file so the tests run from the main checkout and from any worktree.
func pbxPayload(_ name: String, file: StaticString = #filePath, line: UInt = #line) -> [UInt8]? {
    var dir = URL(fileURLWithPath: "\(file)").deletingLastPathComponent()
    for _ in 0..<8 {
        let candidate = dir.appendingPathComponent("shared/reference/pbx-payloads/\(name)")
        if let data = try? Data(contentsOf: candidate) { return [UInt8](data) }
        dir = dir.deletingLastPathComponent()
    }
    XCTFail("payload \(name) not found above \(file)", file: file, line: line)
    return nil
}

/// Removes JSON whitespace outside strings: the published captures were pretty-printed after
/// capture; on the wire the body is compact (reference §0).
func compactJSON(_ bytes: [UInt8]) -> [UInt8] {
    var out: [UInt8] = []
    var inString = false
    var escaped = false
    for b in bytes {
        if inString {
            out.append(b)
            if escaped { escaped = false } else if b == UInt8(ascii: "\\") { escaped = true } else if b == UInt8(ascii: "\"") { inString = false }
        } else if b == UInt8(ascii: "\"") {
            inString = true
            out.append(b)
        } else if b != 0x20 && b != 0x0A && b != 0x0D && b != 0x09 {
            out.append(b)
        }
    }
    return out
}

extension Array where Element == UInt8 {
    var text: String { String(decoding: self, as: UTF8.self) }
}
