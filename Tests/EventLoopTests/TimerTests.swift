import XCTest
import CSystem
@testable import EventLoop

final class TimerTests: XCTestCase {
    func testTimersFireInDeadlineOrderThenSchedulingOrder() throws {
        let loop = try EventLoop()
        var fired: [String] = []
        loop.schedule(afterMs: 30) { fired.append("30") }
        loop.schedule(afterMs: 10) { fired.append("10a") }
        loop.schedule(afterMs: 20) { fired.append("20") }
        loop.schedule(afterMs: 10) { fired.append("10b") }
        loop.schedule(afterMs: 0) { fired.append("0") }
        loop.schedule(afterMs: 40) { loop.stop() }
        let start = csys_monotonic_ms()
        runLoop(loop)
        XCTAssertEqual(fired, ["0", "10a", "10b", "20", "30"])
        XCTAssertGreaterThanOrEqual(csys_monotonic_ms() - start, 40)
        XCTAssertEqual(loop.pendingTimers, 0)
    }

    func testCancelledTimerNeverFiresAndLeavesTheHeap() throws {
        let loop = try EventLoop()
        var fired: [Int] = []
        var ids: [TimerID] = []
        var deadline: [Int: Int64] = [:]
        for i in 0..<100 {
            let delay = Int64(5 + i % 7)
            ids.append(loop.schedule(afterMs: delay) { fired.append(i) })
            deadline[i] = loop.nowMs + delay   // schedule() refreshed nowMs: the base it used
        }
        for i in stride(from: 0, to: 100, by: 2) { loop.cancel(ids[i]) }
        XCTAssertEqual(loop.pendingTimers, 50)
        loop.cancel(ids[0])   // twice: ignored
        loop.schedule(afterMs: 30) { loop.stop() }
        runLoop(loop)
        XCTAssertEqual(fired.count, 50)
        XCTAssertTrue(fired.allSatisfy { $0 % 2 == 1 })
        // Fired by deadline, then by scheduling order.
        let expected = fired.sorted { (deadline[$0]!, $0) < (deadline[$1]!, $1) }
        XCTAssertEqual(fired, expected)
    }

    func testTimerCanCancelAnotherDueTimerInTheSameIteration() throws {
        let loop = try EventLoop()
        var fired: [String] = []
        var second = TimerID(raw: 0)
        loop.schedule(afterMs: 5) { fired.append("first"); loop.cancel(second) }
        second = loop.schedule(afterMs: 5) { fired.append("second") }
        loop.schedule(afterMs: 20) { loop.stop() }
        runLoop(loop)
        XCTAssertEqual(fired, ["first"])
    }

    func testZeroDelayRescheduleWaitsForNextIterationSoIOStillRuns() throws {
        let loop = try EventLoop()
        var ticks = 0
        var hooks = 0
        loop.addBeforeSleep { hooks += 1 }
        func tick() {
            ticks += 1
            if ticks == 50 { loop.stop(); return }
            loop.schedule(afterMs: 0, tick)
        }
        loop.schedule(afterMs: 0, tick)
        runLoop(loop)
        XCTAssertEqual(ticks, 50)
        XCTAssertGreaterThanOrEqual(hooks, 50, "each reschedule is a new iteration, each iteration runs the hooks")
    }

    func testPostedTasksRunBeforeSleepingInOrder() throws {
        let loop = try EventLoop()
        var order: [String] = []
        loop.post { order.append("a"); loop.post { order.append("c") } }
        loop.post { order.append("b") }
        loop.schedule(afterMs: 1000) { order.append("late") }
        loop.addBeforeSleep { if order.count == 3 { loop.stop() } }
        let start = csys_monotonic_ms()
        runLoop(loop)
        XCTAssertEqual(order, ["a", "b", "c"])
        XCTAssertLessThan(csys_monotonic_ms() - start, 500)
    }

    func testNowMsIsMonotonicAndWallClockIsRealtime() throws {
        let loop = try EventLoop()
        let n0 = loop.nowMs
        loop.schedule(afterMs: 15) { loop.stop() }
        runLoop(loop)
        XCTAssertGreaterThanOrEqual(loop.nowMs - n0, 15)
        let wall = loop.wallClockMs()
        let foundation = Int64(Date().timeIntervalSince1970 * 1000)
        XCTAssertLessThan(abs(wall - foundation), 2000)
    }

    func testClosedLoopIsFreed() throws {
        weak var weakLoop: EventLoop?
        do {
            let loop = try EventLoop()
            weakLoop = loop
            // Closures capturing the loop: a cycle until fired, cancelled or close().
            loop.schedule(afterMs: 100_000) { loop.stop() }
            loop.addBeforeSleep { _ = loop.nowMs }
            loop.close()
        }
        XCTAssertNil(weakLoop)
    }
}
