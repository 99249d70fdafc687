import Foundation
import XCTest

/// `ucagent version` and `ucagent check-config`, run as an admin would.
final class CommandLineTests: XCTestCase {
    private func run(_ args: [String]) -> (status: Int32, out: String, err: String) {
        Harness.runAgentCommand(args)
    }

    private func write(_ text: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ucagent-\(UUID().uuidString).conf")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    func testVersionNamesArchAndFlavour() {
        let r = run(["version"])
        XCTAssertEqual(r.status, 0)
        XCTAssertTrue(r.out.hasPrefix("ucagent "), r.out)
        XCTAssertTrue(r.out.contains(" host") || r.out.contains(" embedded"), r.out)
        XCTAssertFalse(r.out.contains("cannot print"), r.out)
    }

    func testCheckConfigPrintsEffectiveConfigWithSecretsMasked() throws {
        let path = try write("""
        [pbx]
        url = http://192.168.1.10:9011
        username = api
        password = "s3cret #1"
        """)
        let r = run(["check-config", "-c", path])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.out.contains("password = ***"), r.out)
        XCTAssertFalse(r.out.contains("s3cret"), "the password leaked")
        XCTAssertTrue(r.out.contains("heartbeat_interval = 300s"), r.out)
        XCTAssertTrue(r.out.contains("allow = 192.168.1.10"), r.out)
    }

    func testCheckConfigNamesFileLineAndKey() throws {
        let path = try write("""
        [pbx]
        url = http://192.168.1.10:9011
        username = api
        password = x
        heartbeat_interval = 2s
        """)
        let r = run(["check-config", "-c", path])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.err.contains(path + ":5: [pbx] heartbeat_interval:"), r.err)
        XCTAssertTrue(r.err.contains("5s") && r.err.contains("1500s") && r.err.contains("2s"), r.err)
    }

    func testUnknownKeyAndMissingFileAreErrors() throws {
        let path = try write("[pbx]\nurl = http://10.0.0.1:9011\nusername = a\npassword = b\nheartbeat = 5m\n")
        let r = run(["check-config", "-c", path])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.err.contains(":5:") && r.err.contains("heartbeat"), r.err)
        let missing = run(["check-config", "-c", "/nonexistent/ucagent.conf"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.err.contains("/nonexistent/ucagent.conf"), missing.err)
    }

    /// The ARM appliance builds leave the simulator out; they say so instead of failing oddly.
    func testBuildWithoutSimulatorRefusesDemoClearly() throws {
        guard !Harness.binaryHasSimulator else { throw XCTSkip("this build has the simulator (DemoTests covers it)") }
        for command in ["demo", "simulate"] {
            let r = run([command])
            XCTAssertEqual(r.status, 2, r.err)
            XCTAssertTrue(r.err.contains("has no simulator"), r.err)
        }
    }
}
