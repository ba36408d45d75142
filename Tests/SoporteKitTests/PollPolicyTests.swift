import XCTest
@testable import SoporteKit

/// The polling policy of --wait and --wait-for as a pure value (docs/CONTRACT.md §13.5): waits that
/// double from 1 s to 10 s, never past the timeout, one last look when it is up. The
/// clock is the test's: `now` is whatever it says.
final class PollPolicyTests: XCTestCase {
    /// The waits the policy gives when every look takes `lookTakes` seconds.
    func waits(timeout: Double, lookTakes: Double = 0) -> [Double] {
        var p = PollPolicy(timeout: timeout, startedAt: 1000)
        var now = 1000.0, out: [Double] = []
        while true {
            now += lookTakes
            guard case .wait(let d) = p.next(now: now) else { return out }
            out.append(d)
            now += d
            XCTAssertLessThan(out.count, 1000, "the policy must end")
        }
    }

    func testBacksOffFrom1To10Seconds() {
        XCTAssertEqual(waits(timeout: 300).prefix(7), [1, 2, 4, 8, 10, 10, 10])
        XCTAssertEqual(waits(timeout: 300).max(), 10)
    }

    func testNeverWaitsPastTheTimeoutAndTakesOneLastLook() {
        let w = waits(timeout: 30)
        XCTAssertEqual(w, [1, 2, 4, 8, 10, 5], "the last wait is cut to the time left")
        XCTAssertEqual(w.reduce(0, +), 30)
        XCTAssertEqual(waits(timeout: 1), [1])
        XCTAssertEqual(waits(timeout: 2), [1, 1])
    }

    func testTimeSpentLookingCountsAgainstTheTimeout() {
        // Each look takes 3 s: the waits shrink so that the last one ends at the timeout.
        let w = waits(timeout: 20, lookTakes: 3)
        XCTAssertEqual(w, [1, 2, 4, 1])
        XCTAssertEqual(w.reduce(0, +) + Double(w.count) * 3, 20)
    }

    func testExpiredAtOnceWhenTheTimeIsAlreadyUp() {
        var p = PollPolicy(timeout: 5, startedAt: 1000)
        XCTAssertEqual(p.next(now: 1005), .expired)
        var q = PollPolicy(timeout: 5, startedAt: 1000)
        XCTAssertEqual(q.next(now: 1004.5), .wait(0.5))
        XCTAssertEqual(q.next(now: 1005), .expired)
    }

    // MARK: - Durations

    func testDurationsInEverySpellingTheSpecGives() {
        for (text, s) in [("30", 30), ("30s", 30), ("5m", 300), ("1h", 3600), ("1h30m", 5400), ("2m30s", 150),
                          ("1h0m5s", 3605), ("90m", 5400), ("1", 1), ("24h", 86_400), ("007", 7)] {
            XCTAssertEqual(TimeSpan(text)?.seconds, Double(s), text)
        }
    }

    func testDurationsOutsideTheRangeOrMisspeltAreRefused() {
        for text in ["", "0", "0s", "86401", "24h1s", "25h", "0x10", "+5", " 5", "5 ", "5 m", "1m1h", "1h1h", "m", "5ms",
                     "1d", "-5", "99999999999999999999", "999999999999h", "5M", "１０"] {
            XCTAssertNil(TimeSpan(text), text)
        }
    }

    func testDurationsAreNamedShortestFirst() {
        XCTAssertEqual(TimeSpan("300")?.description, "5m")
        XCTAssertEqual(TimeSpan("5400")?.description, "1h30m")
        XCTAssertEqual(TimeSpan("2")?.description, "2s")
        XCTAssertEqual(TimeSpan("1h0m5s")?.description, "1h5s")
    }
}
