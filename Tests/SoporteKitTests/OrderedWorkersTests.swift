import XCTest
@testable import SoporteKit
import SoporteSystem

/// Results come back in index order whichever job finishes first (pages are written in
/// order, docs/CONTRACT.md §5; bulk results in input order).
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

    /// A turn passed round a ring of threads, 30,000 times: each waits for its turn and
    /// passes it on, half of them from inside their own condition (which the thread that
    /// changed the state runs for them). Waiters are signalled after the lock is let go; a
    /// lost wake-up would stop the ring, which the deadline turns into a failure.
    func testAGateLosesNoWakeUpRoundARingOfThreads() {
        let n = 6, rounds = 5000
        let gate = Gate(0)
        let finished = Gate(0)
        for me in 0..<n {
            Threads.start {
                for _ in 0..<rounds {
                    if me % 2 == 0 {
                        gate.wait { t -> Void? in t == me ? () : nil }
                        gate.withLock { $0 = (me + 1) % n }
                    } else {
                        gate.wait { t -> Void? in
                            guard t == me else { return nil }
                            t = (me + 1) % n
                            return ()
                        }
                    }
                }
                finished.withLock { $0 += 1 }
            }
        }
        let deadline = SystemClock.monotonic() + 30
        while finished.withLock({ $0 }) < n {
            guard SystemClock.monotonic() < deadline else { return XCTFail("the ring stopped: a wake-up was lost") }
            SystemClock.sleep(0.005)
        }
        XCTAssertEqual(gate.withLock { $0 }, 0, "every turn was passed")
    }
}
