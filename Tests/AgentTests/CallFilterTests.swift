import XCTest
import CallModel
@testable import Agent

final class CallFilterTests: XCTestCase {
    func testDefaultListsLiveCallsOnly() throws {
        let f = try CallFilter.parse([]).get()
        XCTAssertEqual(f.states, .live)
    }

    func testEveryFilterParses() throws {
        let f = try CallFilter.parse([("state", "answered"), ("direction", "inbound"), ("extension", "101"),
                                      ("min_duration", "30")]).get()
        XCTAssertEqual(f.states, .answered)
        XCTAssertEqual(f.direction, .inbound)
        XCTAssertEqual(f.extensionNumber, ExtensionNumber("101"))
        XCTAssertEqual(f.minDurationSeconds, 30)
    }

    func testBadValuesAreRejectedWithTheParameterNamed() {
        for (name, value, needle) in [("state", "talking", "state must be"), ("direction", "sideways", "direction must be"),
                                      ("min_duration", "-1", "min_duration"), ("min_duration", "1.5", "min_duration"),
                                      ("extension", "", "extension"), ("color", "red", "unknown parameter \"color\"")] {
            switch CallFilter.parse([(name, value)]) {
            case .success: XCTFail("\(name)=\(value) accepted")
            case .failure(let e): XCTAssertTrue(e.message.contains(needle), e.message)
            }
        }
    }

    func testHealthStatusFollowsSessionAndFreshness() {
        XCTAssertEqual(AgentHealth.status(session: .loggedIn, fresh: true), "ok")
        XCTAssertEqual(AgentHealth.status(session: .loggedIn, fresh: false), "degraded")
        XCTAssertEqual(AgentHealth.status(session: .unreachable, fresh: false), "degraded")
        XCTAssertEqual(AgentHealth.status(session: .loggingIn, fresh: false), "degraded")
        XCTAssertEqual(AgentHealth.status(session: .authFailed, fresh: false), "down")
        XCTAssertEqual(AgentHealth.status(session: .loggedOut, fresh: true), "down")
    }

    func testReportURLIsAbsoluteWithoutScheme() {
        XCTAssertEqual(Agent.reportURL(ip: "192.168.1.20", port: 8260, path: "/report"), "192.168.1.20:8260/report")
        XCTAssertEqual(Agent.reportURL(ip: "192.168.1.20", port: 8260, path: "/"), "192.168.1.20:8260")
        XCTAssertEqual(Agent.reportURL(ip: "fd00::5", port: 8260, path: "/report"), "[fd00::5]:8260/report")
    }
}
