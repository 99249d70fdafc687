import Foundation
import XCTest

/// `https://` PBX URLs: the agent verifies the certificate (CA from `ca_file`, host name) and
/// refuses a server it cannot verify. socat terminates TLS in front of the simulator.
final class TLSToPBXTests: XCTestCase {
    var h: Harness!
    var socat: RunningProcess?

    override func setUpWithError() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/socat"),
              FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl") else {
            throw XCTSkip("socat and openssl are needed (.ci/run installs them)")
        }
        h = try Harness()
        try h.startSimulator()
    }

    override func tearDown() {
        socat?.kill()
        h = nil
    }

    private func openssl(_ args: [String]) {
        _ = RunningProcess.capture("/usr/bin/openssl", args)
    }

    /// A throwaway CA and a server certificate for localhost/127.0.0.1 signed by it.
    private func makePKI(name: String) -> (ca: String, cert: String, key: String) {
        let d = h.dir.path + "/" + name
        try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=test CA \(name)",
                 "-keyout", d + "/ca.key", "-out", d + "/ca.pem"])
        openssl(["req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", d + "/srv.key", "-out", d + "/srv.csr"])
        try? "subjectAltName=DNS:localhost,IP:127.0.0.1\n".write(toFile: d + "/ext.cnf", atomically: true, encoding: .utf8)
        openssl(["x509", "-req", "-in", d + "/srv.csr", "-CA", d + "/ca.pem", "-CAkey", d + "/ca.key", "-CAcreateserial",
                 "-days", "2", "-extfile", d + "/ext.cnf", "-out", d + "/srv.pem"])
        return (d + "/ca.pem", d + "/srv.pem", d + "/srv.key")
    }

    /// Starts socat on a free port, terminating TLS and forwarding to the simulator's API.
    private func startTerminator(cert: String, key: String) throws -> Int {
        for _ in 0..<20 {
            let port = Int.random(in: 20_000...60_000)
            let p = try RunningProcess.start("/usr/bin/socat", [
                "OPENSSL-LISTEN:\(port),bind=127.0.0.1,reuseaddr,fork,cert=\(cert),key=\(key),verify=0",
                "TCP:\(h.simAPI)"], log: h.dir.appendingPathComponent("socat-\(port).log"))
            Thread.sleep(forTimeInterval: 0.5)
            if p.process.isRunning { socat = p; return port }
        }
        throw HarnessError.missing("no free port for socat")
    }

    private func startAgent(url: String, ca: String) throws {
        // The harness writes an http:// URL; replace the [pbx] url and add ca_file.
        try h.startAgent(pbxURL: url, pbxExtra: "ca_file = \(ca)")
    }

    private func session() -> [String: Any] {
        h.api("GET", "/v1/health").json["pbx"] as? [String: Any] ?? [:]
    }

    func testLogsInOverVerifiedTLS() throws {
        let pki = makePKI(name: "good")
        let port = try startTerminator(cert: pki.cert, key: pki.key)
        try startAgent(url: "https://localhost:\(port)", ca: pki.ca)
        h.eventually("logged in over TLS") { session()["session"] as? String == "logged_in" }
        XCTAssertEqual((h.simState()["counters"] as? [String: Any])?["logins_ok"] as? Int, 1)
    }

    func testRefusesAServerItCannotVerify() throws {
        let trusted = makePKI(name: "trusted")
        let other = makePKI(name: "other")
        let port = try startTerminator(cert: other.cert, key: other.key)
        try startAgent(url: "https://localhost:\(port)", ca: trusted.ca)
        h.eventually("the TLS failure reported") {
            (h.agent?.output ?? "").contains("certificate verify failed")
        }
        Thread.sleep(forTimeInterval: 1)
        XCTAssertNotEqual(session()["session"] as? String, "logged_in")
        XCTAssertEqual((h.simState()["counters"] as? [String: Any])?["logins_ok"] as? Int, 0, "no login may pass an unverified server")
    }
}
