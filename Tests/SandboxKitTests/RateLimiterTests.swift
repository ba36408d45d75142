import XCTest
@testable import SandboxKit
import SoporteJSON

final class RateLimiterTests: XCTestCase {
    func testFixedWindowCountsThenRefusesUntilItEnds() {
        // Windows of 10 s are aligned on the clock: [100, 110), [110, 120) ...
        var w = FixedWindows(limit: 3, seconds: 10)
        let first = w.spend(key: "a", now: 100.5)
        XCTAssertEqual(first, RateDecision(allowed: true, limit: 3, remaining: 2, reset: 110, retryAfter: 0))
        XCTAssertEqual(w.spend(key: "a", now: 101).remaining, 1)
        XCTAssertEqual(w.spend(key: "a", now: 102).remaining, 0)
        let refused = w.spend(key: "a", now: 103.2)
        XCTAssertFalse(refused.allowed)
        XCTAssertEqual(refused.remaining, 0)
        XCTAssertEqual(refused.reset, 110)
        XCTAssertEqual(refused.retryAfter, 7)  // 110 - 103.2, rounded up
        XCTAssertEqual(w.spend(key: "a", now: 109.9).retryAfter, 1)
        // Another token has a budget of its own.
        XCTAssertTrue(w.spend(key: "b", now: 103.2).allowed)
        // At 110 the next window starts, whole.
        let fresh = w.spend(key: "a", now: 110)
        XCTAssertEqual(fresh, RateDecision(allowed: true, limit: 3, remaining: 2, reset: 120, retryAfter: 0))
    }

    func testWindowSpecParsing() {
        XCTAssertEqual(RateLimitPolicy.window("10/60"), .fixedWindow(limit: 10, seconds: 60))
        for bad in ["10", "10/", "/60", "0/60", "10/0", "-1/60", "10/86401", "9223372036854775808/1", "1.5/2", "10/60/2"] {
            XCTAssertNil(RateLimitPolicy.window(bad), bad)
        }
    }

    func testTokenBucketSpendsLimitPlusBurst() {
        var b = TokenBuckets()
        for _ in 0..<(Tier.admin.limit + Tier.admin.burst) { XCTAssertTrue(b.spend(key: "t", tier: .admin, now: 50).allowed) }
        let refused = b.spend(key: "t", tier: .admin, now: 50)
        XCTAssertFalse(refused.allowed)
        XCTAssertEqual(refused.limit, 200)
        XCTAssertEqual(refused.retryAfter, 1)  // 200 a minute: one token every 0.3 s
        XCTAssertTrue(b.spend(key: "t", tier: .admin, now: 50.31).allowed)
    }

    func testSimulatorWithAFixedWindowAndItsStats() throws {
        let clock = FakeClock(1_000_000.25)
        let h = try Harness(rateLimit: .fixedWindow(limit: 2, seconds: 5), clock: clock)
        var (st, headers, _) = h.send("GET", "/v1/whm/servers")
        XCTAssertEqual(st, 200)
        XCTAssertEqual(h.header(headers, "X-RateLimit-Limit"), "2")
        XCTAssertEqual(h.header(headers, "X-RateLimit-Remaining"), "1")
        XCTAssertEqual(h.header(headers, "X-RateLimit-Reset"), "1000005")  // windows of 5 s on the clock
        XCTAssertEqual(h.send("GET", "/v1/whm/servers").status, 200)
        clock.advance(1)
        var doc: JSONValue
        (st, headers, doc) = h.send("GET", "/v1/whm/servers")
        XCTAssertEqual(st, 429)
        XCTAssertEqual(doc["error"]?["code"]?.stringValue, "RATE_LIMIT_EXCEEDED")
        XCTAssertEqual(doc["error"]?["retry_after"]?.intValue, 4)
        XCTAssertEqual(h.header(headers, "Retry-After"), "4")
        XCTAssertEqual(h.header(headers, "X-RateLimit-Remaining"), "0")
        // Another token is not limited by this one's window.
        XCTAssertEqual(h.send("GET", "/v1/whm/servers", token: "sk_test_user_123").status, 200)
        var stats = h.send("GET", "/_sandbox/stats", token: nil).json
        XCTAssertEqual(stats["requests"]?.intValue, 4)
        XCTAssertEqual(stats["rate_limited"]?.intValue, 1)
        clock.advance(4)
        XCTAssertEqual(h.send("GET", "/v1/whm/servers").status, 200)
        h.send("DELETE", "/_sandbox/stats", token: nil)
        stats = h.send("GET", "/_sandbox/stats", token: nil).json
        XCTAssertEqual(stats["requests"]?.intValue, 0)
        XCTAssertEqual(stats["rate_limited"]?.intValue, 0)
        h.send("GET", "/v1/whm/servers")
        XCTAssertEqual(h.send("GET", "/v1/whm/servers").status, 429)
        h.send("POST", "/_sandbox/reset-limits", token: nil)
        XCTAssertEqual(h.send("GET", "/v1/whm/servers").status, 200)
        // A 429 a fault injects counts as well.
        h.send("DELETE", "/_sandbox/stats", token: nil)
        h.send("POST", "/_sandbox/faults", body: #"{"status": 429, "retry_after": 3}"#, token: nil)
        XCTAssertEqual(h.send("GET", "/v1/whm/servers").status, 429)
        XCTAssertEqual(h.send("GET", "/_sandbox/stats", token: nil).json["rate_limited"]?.intValue, 1)
    }
}
