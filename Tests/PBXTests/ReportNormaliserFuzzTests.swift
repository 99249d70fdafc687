import XCTest
import JSON
import CallModel
@testable import PBX

/// Bounded in-suite fuzzing of the PBX wire layer over mutations of every captured payload:
/// every body gives a report or a rejection (never a crash), deterministically, and the reply
/// decoders never crash either.
final class ReportNormaliserFuzzTests: XCTestCase {
    let normaliser = ReportNormaliser()

    private func seeds() throws -> [[UInt8]] {
        var out: [[UInt8]] = []
        for name in try PBXPayloadFiles.names() {
            let bytes = try PBXPayloadFiles.bytes(name)
            out.append(PBXPayloadFiles.httpBody(bytes) ?? bytes)
        }
        XCTAssertEqual(out.count, 65, "payload directory not found")
        return out
    }

    private func check(_ body: [UInt8], reports: inout Int) {
        let outcome = normaliser.normalise(body: body)
        XCTAssertEqual(normaliser.normalise(body: body), outcome, "not deterministic")
        switch outcome {
        case .report(let r):
            reports += 1
            XCTAssertEqual(r.digest, fnv1a64(body))
            XCTAssertLessThanOrEqual(r.extensions.count, normaliser.limits.maxExtensions)
        case .rejected(let why):
            XCTAssertFalse(why.message.isEmpty)
        }
        switch decodeReply(body: body) {
        case .success(.success(let o)):
            _ = decodeLoginToken(o); _ = decodeInboundQuery(o); _ = decodeOutboundQuery(o)
            _ = decodeExtensionList(o); _ = decodeDeviceInfo(o)
        case .success(.failed(let e)):
            XCTAssertFalse(PBXErrno(code: e).message.isEmpty)
        case .failure(let e):
            XCTAssertFalse(e.message.isEmpty)
        }
    }

    /// Byte-level mutations: flips, inserts, deletions, splices, truncations.
    func testByteMutationsNeverCrash() throws {
        let seeds = try seeds()
        let interesting: [UInt8] = Array("{}[],:\"\\0123456789-.e tnf<".utf8) + [0x00, 0x1F, 0x80, 0xC3, 0xFF]
        var rng = TestRandom(seed: 0xB0D1)
        var reports = 0
        for _ in 0..<10_000 {
            var doc = seeds[rng.below(seeds.count)]
            for _ in 0..<(1 + rng.below(3)) {
                switch rng.below(5) {
                case 0 where !doc.isEmpty: doc[rng.below(doc.count)] = UInt8(truncatingIfNeeded: rng.next())
                case 1: doc.insert(interesting[rng.below(interesting.count)], at: rng.below(doc.count + 1))
                case 2 where !doc.isEmpty:
                    let a = rng.below(doc.count)
                    doc.removeSubrange(a..<min(doc.count, a + 1 + rng.below(6)))
                case 3:
                    let other = seeds[rng.below(seeds.count)]
                    doc = Array(doc[..<rng.below(doc.count + 1)]) + Array(other[rng.below(other.count + 1)...])
                default:
                    if !doc.isEmpty { doc.removeLast(rng.below(doc.count)) }
                }
            }
            check(doc, reports: &reports)
        }
        XCTAssertGreaterThan(reports, 200, "mutations never reached the report path")
    }

    /// Structural mutations on the parsed payloads: values swapped for other types, members
    /// duplicated, dropped or renamed, arrays wrapped. These reach the field-level paths that
    /// byte flips mostly break before.
    func testStructuralMutationsNeverCrash() throws {
        let values = try seeds().compactMap { try? JSON.parse($0) }
        let names = ["action", "callid", "ext", "extid", "inbound", "outbound", "call", "sn", "reason", "from", "to",
                     "trunk", "inboundid", "outboundid", "extension", "status", "callduraction", "talkduraction",
                     "event", "errno", "token", "deviceinfo", "extlist", "callee", "srctrunkname"]
        let actions = ["ALERT", "RING", "ANSWER", "ANSWERED", "RI", "BYE", "Tranfer", "CallFailed", "NewCdr",
                       "ExtensionStatus", "BootUp", "Invite", "DTMF", "Hold", "", "Success", "Failed"]
        let atoms: [JSONValue] = [.null, true, .int(480), .int(-1), .number(JSONNumber(text: "1e400")!), "", "486 Busy Here",
                                  "InUse", "x\u{1}", [], .object(JSONObject()), ["101", 102], ["extid": "7"]]
        var rng = TestRandom(seed: 0x57A7)
        var reports = 0
        func mutate(_ v: JSONValue, depth: Int) -> JSONValue {
            switch v {
            case .object(var o) where !o.members.isEmpty && depth < 6:
                let i = rng.below(o.members.count)
                switch rng.below(6) {
                case 0: o.members[i].value = atoms[rng.below(atoms.count)]
                case 1: o.members.append(o.members[i])
                case 2: o.members.remove(at: i)
                case 3: o.members[i].key = names[rng.below(names.count)]
                case 4: o.members[i].value = .string(actions[rng.below(actions.count)])
                default: o.members[i].value = mutate(o.members[i].value, depth: depth + 1)
                }
                return .object(o)
            case .array(var a) where !a.isEmpty && depth < 6:
                let i = rng.below(a.count)
                switch rng.below(3) {
                case 0: a[i] = mutate(a[i], depth: depth + 1)
                case 1: a.append(a[i])
                default: a.remove(at: i)
                }
                return .array(a)
            case .string, .number:
                return rng.below(2) == 0 ? atoms[rng.below(atoms.count)] : .array([v])
            default:
                return atoms[rng.below(atoms.count)]
            }
        }
        for _ in 0..<10_000 {
            var v = values[rng.below(values.count)]
            for _ in 0..<(1 + rng.below(3)) { v = mutate(v, depth: 0) }
            check(JSON.serialize(v), reports: &reports)
        }
        XCTAssertGreaterThan(reports, 1_000)
    }
}
