import Foundation
import CallModel

/// The captured PBX payloads beside the repository: `<repo>/../shared/reference/pbx-payloads`.
/// A git worktree sits deeper than the main checkout, so walk up from this file until an
/// ancestor has `shared/reference/pbx-payloads`. `UCAGENT_PAYLOADS` overrides the search.
enum PBXPayloadFiles {
    static var directory: URL? {
        if let env = ProcessInfo.processInfo.environment["UCAGENT_PAYLOADS"] {
            return URL(fileURLWithPath: env, isDirectory: true)
        }
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while dir.path != "/" {
            let candidate = dir.appendingPathComponent("shared/reference/pbx-payloads", isDirectory: true)
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("README.md").path) {
                return candidate
            }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }

    /// File names (README excluded), sorted.
    static func names() throws -> [String] {
        guard let dir = directory else { return [] }
        return try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0 != "README.md" }.sorted()
    }

    static func bytes(_ name: String) throws -> [UInt8] {
        guard let dir = directory else { throw CocoaError(.fileNoSuchFile) }
        return Array(try Data(contentsOf: dir.appendingPathComponent(name)))
    }

    /// The body of a raw HTTP request: everything after the first empty line (LF or CRLF).
    static func httpBody(_ raw: [UInt8]) -> [UInt8]? {
        var i = 0
        while i < raw.count {
            if raw[i] == 0x0A {
                if i + 1 < raw.count, raw[i + 1] == 0x0A { return Array(raw[(i + 2)...]) }
                if i + 2 < raw.count, raw[i + 1] == 0x0D, raw[i + 2] == 0x0A { return Array(raw[(i + 3)...]) }
            }
            i += 1
        }
        return nil
    }
}

/// Builds an expected report tersely.
func expected(_ kind: ReportKind, _ callID: String?, _ exts: [String] = [], inbound: TrunkLeg? = nil,
              outbound: TrunkLeg? = nil, sn: String?, quirks: ReportQuirks, trunkFirst: Bool = false,
              body: [UInt8]) -> Report {
    Report(kind: kind, callID: callID.map { PBXCallID($0) }, extensions: exts.map { ExtensionNumber($0) },
           inbound: inbound, outbound: outbound, serial: sn, quirks: quirks, digest: fnv1a64(body),
           trunkListedFirst: trunkFirst)
}

func leg(_ from: String, _ to: String, _ trunk: String, _ id: String?) -> TrunkLeg {
    TrunkLeg(from: from, to: to, trunk: trunk, id: id.map { PBXCallID($0) })
}

/// Deterministic generator for tests.
struct TestRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}
