import XCTest
@testable import SoporteKit

/// The waits the API asks for, in the body as in the headers, and the bound --max-wait
/// puts on every one of them (docs/CONTRACT.md §8, §10.5). Virtual time: nothing really sleeps.
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

    /// Pacing is advice (docs/CONTRACT.md §13.1): a wait the headers imply beyond --max-wait is cut to
    /// one request's refill time, and the request goes; the server's answer decides.
    func testAPacingWaitLongerThanMaxWaitIsCutToOneRefillAndTheServerDecides() {
        let h = Harness()
        let reset = String(Int(h.clock.now()) + 500)
        let spent = [("X-RateLimit-Limit", "60"), ("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", reset)]
        h.transport.json("GET", "/v1/whm/accounts", query: ["page": "1"], headers: spent,
                         Harness.page(1, of: 2, perPage: 10, total: 20, ids: 1...10))
        h.transport.json("GET", "/v1/whm/accounts", query: ["page": "2"], headers: spent,
                         Harness.page(2, of: 2, perPage: 10, total: 20, ids: 11...20))
        let r = h.run(["accounts", "list", "--per-page", "10", "-o", "ndjson"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(h.clock.slept, [1], "60 / Limit s, not the 500 s the headers imply")
        XCTAssertEqual(r.out.split(separator: "\n").count, 20)
        h.transport.verify()
    }

    func testAServerThatStillRefusesAfterTheCutWaitDecidesTheExit() {
        let h = Harness()
        let reset = String(Int(h.clock.now()) + 500)
        h.transport.json("GET", "/v1/whm/accounts", query: ["page": "1"],
                         headers: [("X-RateLimit-Limit", "60"), ("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", reset)],
                         Harness.page(1, of: 2, perPage: 10, total: 20, ids: 1...10))
        h.transport.json("GET", "/v1/whm/accounts", query: ["page": "2"], status: 429, headers: [("Retry-After", "500")],
                         #"{"error":{"code":"RATE_LIMIT_EXCEEDED","message":"slow down"}}"#)
        let r = h.run(["accounts", "list", "--per-page", "10", "-o", "ndjson"])
        XCTAssertEqual(r.status, 7, r.err)
        XCTAssertTrue(r.err.contains("a wait of 500 s") && r.err.contains("--from-page 2"), r.err)
        h.transport.verify()
    }
}
