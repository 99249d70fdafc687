import XCTest
@testable import CallModel

final class ExpiryTests: XCTestCase {
    func testEndedCallIsDroppedAfterItsRetentionAndLiveCallsNever() throws {
        var t = CallTable()
        _ = t.apply(Wire.ring("1589947952.1670", ext: ["106", "101"]), now: 0)
        _ = t.apply(Wire.ring("1589947999.1690", ext: ["107", "102"]), now: 0)
        _ = t.apply(Wire.bye("1589953914.1775", ext: ["106", "101"]), now: 1_000)
        t.expire(now: 1_000 + 599_999)
        XCTAssertEqual(t.calls.count, 2)
        t.expire(now: 1_000 + 600_000)
        XCTAssertEqual(t.calls.count, 1)
        XCTAssertNil(t.call(id: CallID(1)))
        XCTAssertNil(t.call(matching: "1589947952.1670"))
        XCTAssertEqual(t.counters.expiredCalls, 1)
        t.expire(now: 100_000_000)
        XCTAssertEqual(t.calls.map { $0.id }, [CallID(2)])
        XCTAssertEqual(t.liveCount, 1)
        // The dropped call's extensions no longer attract reports: this is a new call.
        XCTAssertEqual(kinds(t.apply(Wire.ring("1589960000.1800", ext: ["106", "101"]), now: 100_000_001)), ["started"])
        assertConsistent(t)
    }

    func testEndedCallsOverTheLimitAreDroppedOldestFirst() throws {
        var config = CallTableConfig()
        config.maxEndedCalls = 2
        var t = CallTable(config: config)
        for n in 0..<3 {
            _ = t.apply(Wire.ring("15899500\(n)0.1", ext: ["2\(n)", "1\(n)"]), now: Int64(n))
            _ = t.apply(Wire.bye("15899500\(n)0.2", ext: ["2\(n)", "1\(n)"]), now: Int64(n) + 10)
        }
        XCTAssertEqual(t.calls.map { $0.id }, [CallID(2), CallID(3)])
        XCTAssertEqual(t.counters.evictedCalls, 1)
        t.expire(now: 10_000_000)
        XCTAssertEqual(t.calls.count, 0)
        assertConsistent(t)
    }
}
