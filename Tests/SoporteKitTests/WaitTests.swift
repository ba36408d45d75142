import XCTest
@testable import SoporteKit

/// The waits the API asks for, in the body as in the headers, and the bound --max-wait
/// puts on every one of them (SPEC §8, §10.5). Virtual time: nothing really sleeps.
final class WaitTests: XCTestCase {
    func testTheBodysRetryAfterIsTheWaitWhenNoHeaderGivesOne() {
        let h = Harness()
        h.transport.json("GET", "/v1/whm/accounts/1", status: 429, #"{"error":{"code":"RATE_LIMIT_EXCEEDED","message":"slow","retry_after":4}}"#)
        h.transport.json("GET", "/v1/whm/accounts/1", #"{"data":{"id":1}}"#)
        let r = h.run(["accounts", "get", "1"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(h.clock.slept, [4])
        XCTAssertTrue(r.err.contains("rate limited (429): retrying GET /whm/accounts/1 in 4.0 s"), r.err)
        h.transport.verify()
    }

    func testAPacingWaitLongerThanMaxWaitIsExit7WithoutSleeping() {
        let h = Harness()
        let reset = String(Int(h.clock.now()) + 500)
        h.transport.json("GET", "/v1/whm/accounts", query: ["page": "1"],
                         headers: [("X-RateLimit-Limit", "60"), ("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", reset)],
                         Harness.page(1, of: 2, perPage: 10, total: 20, ids: 1...10))
        let r = h.run(["accounts", "list", "--per-page", "10", "-o", "ndjson"])
        XCTAssertEqual(r.status, 7, r.err)
        XCTAssertEqual(h.clock.slept, [], "it did not sleep")
        XCTAssertTrue(r.err.contains("the rate-limit headers imply a wait of") && r.err.contains("more than --max-wait 60 s; not waiting"), r.err)
        XCTAssertTrue(r.err.contains("--from-page 2"), r.err)
        XCTAssertEqual(h.transport.requests.count, 1, "page 2 was not asked for")
        h.transport.verify()
    }
}
