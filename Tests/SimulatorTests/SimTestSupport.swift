import Foundation
import JSON
import XCTest
@testable import Simulator

/// The captured PBX payloads beside the repository (`<repo>/../shared/reference/pbx-payloads`);
/// a worktree may sit deeper, so walk up. `UCAGENT_PAYLOADS` overrides the search.
enum Payloads {
    static func directory(from file: String = #filePath) -> URL? {
        if let env = ProcessInfo.processInfo.environment["UCAGENT_PAYLOADS"] {
            return URL(fileURLWithPath: env, isDirectory: true)
        }
        var dir = URL(fileURLWithPath: file).deletingLastPathComponent()
        while dir.path != "/" {
            let candidate = dir.appendingPathComponent("shared/reference/pbx-payloads", isDirectory: true)
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("README.md").path) {
                return candidate
            }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }

    static func bytes(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws -> [UInt8] {
        guard let dir = directory() else {
            XCTFail("pbx-payloads directory not found (set UCAGENT_PAYLOADS)", file: file, line: line)
            throw XCTSkip("no payloads")
        }
        return Array(try Data(contentsOf: dir.appendingPathComponent(name)))
    }

    /// The payload as the firmware put it on the wire: compact JSON, same key order.
    static func compact(_ name: String) throws -> String {
        let v = try JSON.parse(try bytes(name))
        return JSON.serializeString(v)
    }

    static func value(_ name: String) throws -> JSONValue { try JSON.parse(try bytes(name)) }
}

/// Structure of a JSON value: key order, value types and nesting, not the values.
func signature(_ v: JSONValue) -> String {
    switch v {
    case .null: return "null"
    case .bool: return "b"
    case .number: return "n"
    case .string: return "s"
    case .array(let a): return "[" + a.map(signature).joined(separator: ",") + "]"
    case .object(let o): return "{" + o.members.map { $0.key + ":" + signature($0.value) }.joined(separator: ",") + "}"
    }
}

func text(_ b: [UInt8]) -> String { String(decoding: b, as: UTF8.self) }

func json(_ b: [UInt8]) -> JSONValue { (try? JSON.parse(b)) ?? .null }

extension SimAPIResult {
    var json: JSONValue { response.map { Simulator_json($0.body) } ?? .null }
    var status: String? { json["status"]?.string }
    var errno: String? { json["errno"]?.string }
}

func Simulator_json(_ b: [UInt8]) -> JSONValue { json(b) }

let md5Secret = "5ebe2294ecd0e0f08eab7690d2a6ee69"  // md5("secret")

/// A PBX whose wall clock reads `wallSeconds` at real time 0.
func makePBX(_ configure: (inout SimulatorSettings) -> Void = { _ in }, wallSeconds: Int64 = 1_589_953_914) -> SimulatedPBX {
    var s = SimulatorSettings()
    configure(&s)
    return SimulatedPBX(settings: s, now: 0, wallClockMs: wallSeconds * 1000)
}

func loginBody(user: String = "api", password: String = md5Secret, port: String = "8260", url: String? = nil,
               urltag: String? = nil, version: String? = nil) -> [UInt8] {
    var o = JSONObject()
    o.append("username", .string(user))
    o.append("password", .string(password))
    o.append("port", .string(port))
    if let v = version { o.append("version", .string(v)) }
    if let u = url { o.append("url", .string(u)) }
    if let t = urltag { o.append("urltag", .string(t)) }
    return JSON.serialize(.object(o))
}

@discardableResult
func login(_ pbx: SimulatedPBX, ip: String = "127.0.0.1", now: Int64 = 0, body: [UInt8]? = nil,
           file: StaticString = #filePath, line: UInt = #line) -> String {
    let r = pbx.handle(endpoint: "login", body: body ?? loginBody(), clientIP: ip, now: now)
    XCTAssertEqual(r.status, "Success", "login failed: " + text(r.response?.body ?? []), file: file, line: line)
    return r.json["token"]?.string ?? ""
}

func api(_ pbx: SimulatedPBX, _ endpoint: String, token: String, body: String = "", now: Int64 = 0,
         ip: String = "127.0.0.1") -> SimAPIResult {
    pbx.handle(endpoint: endpoint, query: [SimField("token", token)], body: Array(body.utf8), clientIP: ip, now: now)
}

extension Array where Element == SimDelivery {
    var bodies: [String] { map { text($0.body) } }
    var actions: [String] { map { $0.action } }
    /// Bodies without the ExtensionStatus reports.
    var callBodies: [String] { filter { $0.action != "ExtensionStatus" }.map { text($0.body) } }
    func first(_ action: String) -> JSONValue? {
        for d in self where d.action == action { return json(d.body) }
        return nil
    }
    func all(_ action: String) -> [JSONValue] { filter { $0.action == action }.map { json($0.body) } }
}

extension SimulatedPBX {
    func start(_ spec: SimCallSpec, now: Int64 = 0, file: StaticString = #filePath, line: UInt = #line) -> (SimCall, [SimDelivery]) {
        do {
            let r = try startCall(spec, now: now)
            return (r.call, r.deliveries)
        } catch {
            XCTFail("startCall failed: " + error.message, file: file, line: line)
            return (SimCall(id: 0, kind: .internal, callerExt: nil, calleeExt: nil, external: nil, inboundTo: nil,
                            outboundFrom: nil, trunk: "", legA: "", legB: "", state: .ended, startedAt: 0,
                            startedWallMs: 0), [])
        }
    }
}
