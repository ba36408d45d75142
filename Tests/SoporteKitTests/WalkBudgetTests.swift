import XCTest
@testable import SoporteKit
import SoporteSystem

/// The walk's memory budget: pages ahead share a limit and never wait inside a transfer;
/// the head page always has room; a page without room waits for its turn on its own
/// thread.
final class WalkBudgetTests: XCTestCase {
    func testPagesAheadShareTheLimitAndTheHeadAlwaysHasRoom() {
        let budget = WalkBudget(limit: 100, head: 2)
        let ahead3 = budget.allowance(page: 3), ahead4 = budget.allowance(page: 4), head = budget.allowance(page: 2)
        XCTAssertEqual(ahead3.take(60), .taken)
        XCTAssertEqual(ahead4.take(50), .full, "60 + 50 is over the limit")
        XCTAssertEqual(ahead4.take(40), .taken)
        XCTAssertEqual(head.take(1_000), .taken, "the head page never waits")
        XCTAssertEqual(budget.used, 1_100)
        head.releaseAll()
        ahead3.releaseAll()
        XCTAssertEqual(budget.used, 40)
        XCTAssertEqual(ahead4.take(60), .taken, "released room is taken again")
    }

    func testAPageWaitsForItsTurnAndGivesUpWhenTheWalkEnds() {
        let budget = WalkBudget(limit: 10, head: 1)
        let page3 = budget.allowance(page: 3)
        XCTAssertEqual(page3.take(11), .full)
        let turns = Gate<[Bool]>([])
        Threads.start { let ok = page3.waitForTurn(); turns.withLock { $0.append(ok) } }
        budget.advance(head: 2)
        SystemClock.sleep(0.05)
        XCTAssertEqual(turns.withLock { $0 }, [], "page 2 is being written: page 3 still waits")
        budget.advance(head: 3)
        XCTAssertEqual(turns.wait { $0.isEmpty ? nil : $0 }, [true])
        XCTAssertEqual(page3.take(11), .taken, "in its turn it has room")

        let page5 = budget.allowance(page: 5)
        Threads.start { let ok = page5.waitForTurn(); turns.withLock { $0.append(ok) } }
        budget.abandon()
        XCTAssertEqual(turns.wait { $0.count == 2 ? $0 : nil }, [true, false])
        XCTAssertEqual(page5.take(1), .refused)
    }
}
