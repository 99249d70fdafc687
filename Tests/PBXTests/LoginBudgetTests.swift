import XCTest
@testable import PBX

final class LoginBudgetTests: XCTestCase {
    func testAllowsFourFailuresThenBlocksUntilTheOldestLeavesTheWindow() {
        var b = LoginBudget()
        XCTAssertEqual(b.maxFailures, 4)
        XCTAssertEqual(b.windowMs, 600_000)
        for t: Int64 in [0, 10, 20] { XCTAssertTrue(b.allows(at: t)); b.recordFailure(at: t) }
        XCTAssertTrue(b.allows(at: 30))
        b.recordFailure(at: 30)
        XCTAssertFalse(b.allows(at: 31))
        XCTAssertEqual(b.nextAllowed(at: 31), 600_001)
        // Inclusive window: exactly 600 s after the first failure it still counts.
        XCTAssertFalse(b.allows(at: 600_000))
        XCTAssertTrue(b.allows(at: 600_001))
        XCTAssertEqual(b.nextAllowed(at: 600_001), 600_001)
        XCTAssertEqual(b.failuresInWindow(at: 600_001), 3)
    }

    func testNextAllowedSkipsToTheRightFailureWhenSeveralAreOld() {
        var b = LoginBudget(maxFailures: 2, windowMs: 1_000)
        b.recordFailure(at: 0)
        b.recordFailure(at: 100)
        b.recordFailure(at: 900)   // recorded anyway (the budget is advisory to its caller)
        XCTAssertEqual(b.failuresInWindow(at: 950), 3)
        // Down to 1 failure in the window: 0 and 100 must both leave.
        XCTAssertEqual(b.nextAllowed(at: 950), 1_101)
    }

    func testOutOfOrderRecordsAndPruning() {
        var b = LoginBudget(maxFailures: 4, windowMs: 1_000)
        b.recordFailure(at: 500)
        b.recordFailure(at: 400)
        XCTAssertEqual(b.failures, [400, 500])
        b.recordFailure(at: 5_000)
        XCTAssertEqual(b.failures, [5_000])
    }

    func testMaxFailuresIsClampedBelowTheLockout() {
        XCTAssertEqual(LoginBudget(maxFailures: 9).maxFailures, 4)
        XCTAssertEqual(LoginBudget(maxFailures: 0).maxFailures, 1)
    }
}
