import XCTest
import JSON

/// Bounded in-suite fuzzing: deterministic mutations of seed documents (all captured PBX
/// payloads plus hand-made edge cases). Every input must give a value or a `JSONError`; every
/// value must survive serialize → parse unchanged.
final class JSONFuzzTests: XCTestCase {
    static let extraSeeds: [String] = [
        "{\"a\":[1,-0,1e400,12345678901234567890,\"\\ud83d\\ude00\\n\"],\"a\":{\"b\":null}}",
        "[true,false,null,\"é\",{\"\":[]}]",
        "\"\\u0000\\u001f\\\"\\\\\"",
        "[[[[[[[[[[1]]]]]]]]]]",
        "-1.5E-10",
    ]

    func testMutatedDocumentsNeverCrashAndRoundTrip() throws {
        var seeds = try PayloadDirectory.all().map { $0.1 }
        XCTAssertGreaterThan(seeds.count, 60, "payload directory not found")
        seeds += Self.extraSeeds.map { Array($0.utf8) }
        let interesting: [UInt8] = Array("{}[],:\"\\u0-+.eE1 \t\r\n".utf8) + [0x00, 0x1F, 0x7F, 0x80, 0xBF, 0xC0, 0xED, 0xF4, 0xFF]
        var rng = SplitMix64(seed: 20_000)
        let limits = JSONLimits(maxBytes: 4096, maxDepth: 16, maxStringBytes: 512,
                                maxContainerElements: 64, maxTotalValues: 512)
        var accepted = 0
        for _ in 0..<20_000 {
            var doc = seeds[rng.below(seeds.count)]
            for _ in 0..<(1 + rng.below(4)) {
                switch rng.below(7) {
                case 0 where !doc.isEmpty:
                    doc[rng.below(doc.count)] = UInt8(truncatingIfNeeded: rng.next())
                case 1:
                    doc.insert(interesting[rng.below(interesting.count)], at: rng.below(doc.count + 1))
                case 2 where !doc.isEmpty:
                    let a = rng.below(doc.count); let b = min(doc.count, a + rng.below(8) + 1)
                    doc.removeSubrange(a..<b)
                case 3 where !doc.isEmpty:
                    let a = rng.below(doc.count); let b = min(doc.count, a + rng.below(16) + 1)
                    doc.insert(contentsOf: doc[a..<b], at: rng.below(doc.count + 1))
                case 4:
                    let other = seeds[rng.below(seeds.count)]
                    let cut = rng.below(doc.count + 1)
                    doc = Array(doc[..<cut]) + Array(other[rng.below(other.count + 1)...])
                case 5 where !doc.isEmpty:
                    doc.removeLast(rng.below(doc.count) + 1)
                default:
                    let i = rng.below(doc.count + 1)
                    doc.insert(contentsOf: Array(repeating: interesting[rng.below(interesting.count)], count: rng.below(40)), at: i)
                }
            }
            do {
                let v = try JSON.parse(doc, limits: limits)
                accepted += 1
                let out = JSON.serialize(v)
                let again = try JSON.parse(out)
                XCTAssertEqual(again, v)
                XCTAssertEqual(JSON.serialize(again), out)
            } catch {
                let e: JSONError = error
                XCTAssertLessThanOrEqual(e.offset, max(doc.count, limits.maxBytes))
                XCTAssertFalse(e.message.isEmpty)
            }
        }
        XCTAssertGreaterThan(accepted, 500, "mutations too destructive to exercise the accept path")
    }

    func testEveryValidPayloadRoundTrips() throws {
        for (name, bytes) in try PayloadDirectory.all() where name.hasSuffix(".json") {
            let v = try JSON.parse(bytes)
            XCTAssertEqual(try JSON.parse(JSON.serialize(v)), v, name)
        }
    }
}
