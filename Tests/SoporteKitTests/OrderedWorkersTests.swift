import XCTest
@testable import SoporteKit
import SoporteSystem

/// Results come back in index order whichever job finishes first (pages are written in
/// order, SPEC §5; bulk results in input order).
final class OrderedWorkersTests: XCTestCase {
    func testResultsComeInIndexOrderWhenTheJobsFinishInReverse() {
        let finished = Gate([Int]())
        // Job i waits for job i + 1: they finish 3, 2, 1, 0.
        let w = OrderedWorkers<Int>(count: 4, width: 4, window: 4) { i in
            if i < 3 { _ = finished.wait { $0.contains(i + 1) ? true : nil } }
            finished.withLock { $0.append(i) }
            return i * 10
        }
        // Every result is in hand before the first is taken.
        _ = finished.wait { $0.count == 4 ? true : nil }
        while w.running > 0 { SystemClock.sleep(0.001) }
        XCTAssertEqual(finished.withLock { $0 }, [3, 2, 1, 0])
        XCTAssertEqual([w.next(), w.next(), w.next(), w.next(), w.next()], [0, 10, 20, 30, nil])
    }
}
