import XCTest
@testable import SoporteKit
import SoporteJSON

final class ListingTests: XCTestCase {
    func testFilterForms() throws {
        XCTAssertEqual(try Filter.parse("status=active").queryKey, "filter[status]")
        XCTAssertEqual(try Filter.parse("amount:gte=10").queryKey, "filter[amount][gte]")
        let sugar: [(String, String)] = [("a!=1", "ne"), ("a>=1", "gte"), ("a<=1", "lte"), ("a>1", "gt"), ("a<1", "lt"), ("a~x", "like")]
        for (e, op) in sugar { XCTAssertEqual(try Filter.parse(e).op, op, e) }
        XCTAssertEqual(try Filter.parse("note=a=b").value, "a=b")
        XCTAssertThrowsError(try Filter.parse("amount:gtx=1")) { e in
            XCTAssertTrue((e as! SoporteError).message.contains("did you mean 'gt'"))
        }
        XCTAssertThrowsError(try Filter.parse("nofilter"))
        XCTAssertThrowsError(try Filter.parse("=x"))
    }

    func testFilterValuesThatAreTyposAreUsageErrorsShowingTheIntent() {
        let cases: [(String, String)] = [
            ("status==paid", "did you mean 'status=paid'?"), ("amount=>3", "did you mean 'amount>=3'?"),
            ("amount=<3", "did you mean 'amount<=3'?"), ("amount>=>3", "did you mean 'amount>=3'?"),
            ("amount:between=100..200", "exactly two values"), ("amount:between=100", "exactly two values"),
            ("amount:between=1,2,3", "exactly two values"), ("status:in=", "comma-separated"), ("status:in=a,,b", "comma-separated"),
        ]
        for (expr, want) in cases {
            XCTAssertThrowsError(try Filter.parse(expr), expr) { e in
                XCTAssertEqual((e as? SoporteError)?.status, .usage, expr)
                XCTAssertTrue((e as? SoporteError)?.message.contains(want) ?? false, "\(expr): \((e as? SoporteError)?.message ?? "")")
            }
        }
        XCTAssertNoThrow(try Filter.parse("amount:between=100,200"))
        XCTAssertNoThrow(try Filter.parse("status:in=a,b,c"))
    }

    func testPercentEncoding() {
        var q = Query()
        q.add("filter[domain][like]", "a b&c+d#e=f/ñ")
        XCTAssertEqual(q.encoded, "filter[domain][like]=a%20b%26c%2Bd%23e%3Df%2F%C3%B1")
    }

    func testLimitAsksForASmallerPage() {
        var o = ListOptions()
        o.limit = 2
        XCTAssertEqual(o.query(page: 1).items.last?.1, "2")
        o.limit = 250
        XCTAssertEqual(o.query(page: 1).items.last?.1, "100")
        o.perPage = 10
        XCTAssertEqual(o.query(page: 1).items.last?.1, "10")
    }

    func meta(_ s: String) -> JSONValue? { try? JSONParser.parse(s) }

    func testWalkPlanLimitCannotOverflow() throws {
        var p = WalkPlan(startPage: 1, limit: 250, perPage: 100)
        try p.first(meta: meta(#"{"last_page":10,"per_page":100,"total":937}"#), itemCount: 100)
        XCTAssertEqual(p.lastPageNeeded, 3)
        var q = WalkPlan(startPage: 4, limit: 100, perPage: 100)
        try q.first(meta: meta(#"{"last_page":10,"per_page":100}"#), itemCount: 100)
        XCTAssertEqual(q.lastPageNeeded, 4)
        var huge = WalkPlan(startPage: Int.max - 1, limit: Int.max, perPage: 1)
        XCTAssertThrowsError(try huge.first(meta: meta(#"{"last_page":9223372036854775807,"per_page":1}"#), itemCount: 1),
                             "a last_page past any sane range is not believed")
        XCTAssertEqual(huge.lastPageNeeded, Int.max - 1)
        var neg = WalkPlan(startPage: 1, limit: nil, perPage: 100)
        XCTAssertThrowsError(try neg.first(meta: meta(#"{"last_page":-5,"per_page":0,"total":-1}"#), itemCount: 3))
    }

    func testWalkPlanReadsEveryIntegerSpellingOfPageCounts() throws {
        for spelling in ["5", "5.0", "5e0", "5E+0", "50e-1", "0.5e1", "\"5\"", "5.000"] {
            var p = WalkPlan(startPage: 1, limit: nil, perPage: 2)
            try p.first(meta: meta(#"{"last_page":"# + spelling + #","per_page":2,"total":10}"#), itemCount: 2)
            XCTAssertEqual(p.lastPage, 5, spelling)
        }
        for bad in ["2.5", "-5", "\"5.0\"", "\"05x\"", "true", "[5]", "1e400", "5e-1", "\"-1\""] {
            var p = WalkPlan(startPage: 1, limit: nil, perPage: 2)
            XCTAssertThrowsError(try p.first(meta: meta(#"{"last_page":"# + bad + #","per_page":2,"total":10}"#), itemCount: 2), bad) { e in
                XCTAssertEqual((e as? SoporteError)?.status, .server, bad)
            }
            // The total shows the page holds every item: then the bad count does not matter.
            var all = WalkPlan(startPage: 1, limit: nil, perPage: 2)
            XCTAssertNoThrow(try all.first(meta: meta(#"{"last_page":"# + bad + #","per_page":2,"total":2}"#), itemCount: 2), bad)
            XCTAssertEqual(all.lastPage, 1)
        }
        XCTAssertEqual(PageCount.whole("1000000000000"), 1_000_000_000_000)
        XCTAssertNil(PageCount.whole("1000000000001"))
        XCTAssertNil(PageCount.whole("99999999999999999999999999"))
        XCTAssertEqual(PageCount.whole("-0"), 0)
        XCTAssertEqual(PageCount.whole("0e99999"), 0)
        XCTAssertNil(PageCount.whole("1e99999"))
    }

    func testWalkPlanShortfallAgainstTheTotal() throws {
        var p = WalkPlan(startPage: 1, limit: nil, perPage: 2)
        try p.first(meta: meta(#"{"last_page":1,"per_page":2,"total":10}"#), itemCount: 2)
        XCTAssertEqual(p.shortfall(written: 2, limitReached: false), 10, "last_page 1 does not excuse 8 missing items")
        XCTAssertNil(p.shortfall(written: 2, limitReached: true))
        XCTAssertNil(p.shortfall(written: 10, limitReached: false))
        var r = WalkPlan(startPage: 3, limit: nil, perPage: 2)
        try r.first(meta: meta(#"{"last_page":5,"per_page":2,"total":10}"#), itemCount: 2)
        XCTAssertNil(r.shortfall(written: 6, limitReached: false), "from page 3: 6 items remain")
        XCTAssertEqual(r.shortfall(written: 5, limitReached: false), 6)
    }

    func testWalkPlanChecks() throws {
        var p = WalkPlan(startPage: 1, limit: nil, perPage: 2)
        try p.first(meta: meta(#"{"last_page":4,"per_page":2,"total":8}"#), itemCount: 2)
        XCTAssertEqual(p.check(page: 2, meta: meta(#"{"current_page":2,"total":8}"#), itemCount: 2), .ok)
        XCTAssertEqual(p.check(page: 2, meta: meta(#"{"current_page":2.0,"total":"8"}"#), itemCount: 2), .ok)
        XCTAssertEqual(p.check(page: 2, meta: meta(#"{"current_page":1.5,"total":8}"#), itemCount: 2), .invalid(key: "current_page", text: "1.5"))
        XCTAssertEqual(p.check(page: 3, meta: meta(#"{"current_page":3,"total":8}"#), itemCount: 1), .short(got: 1, expected: 2))
        XCTAssertEqual(p.check(page: 4, meta: meta(#"{"current_page":4,"total":8}"#), itemCount: 1), .ok, "the last page may be short")
        XCTAssertEqual(p.check(page: 3, meta: meta(#"{"current_page":2,"total":8}"#), itemCount: 2), .outOfOrder(got: 2))
        XCTAssertEqual(p.check(page: 3, meta: meta(#"{"current_page":3,"total":7}"#), itemCount: 1), .drift(from: 8, to: 7))
        XCTAssertEqual(p.check(page: 3, meta: meta(#"{"current_page":3,"total":7}"#), itemCount: 1), .ok, "after a drift a short page is explained")
        XCTAssertTrue(p.firstPageIsShort(itemCount: 1))
    }

    func testRetryPolicy() {
        let p = RetryPolicy(maxRetries: 3, maxWait: 60)
        let half = { 0.5 }
        XCTAssertEqual(p.decide(method: "GET", attempt: 0, outcome: .response(status: 503, retryAfter: nil), random: half), .retry(after: 0.25))
        XCTAssertEqual(p.decide(method: "GET", attempt: 2, outcome: .response(status: 503, retryAfter: nil), random: half), .retry(after: 1.0))
        XCTAssertEqual(p.decide(method: "GET", attempt: 3, outcome: .response(status: 503, retryAfter: nil), random: half), .stop)
        for status in [502, 503, 504] {
            XCTAssertEqual(p.decide(method: "GET", attempt: 0, outcome: .response(status: status, retryAfter: nil), random: half), .retry(after: 0.25), "\(status)")
            XCTAssertEqual(p.decide(method: "PUT", attempt: 0, outcome: .response(status: status, retryAfter: nil), random: half), .retry(after: 0.25), "\(status)")
            XCTAssertEqual(p.decide(method: "POST", attempt: 0, outcome: .response(status: status, retryAfter: nil), random: half), .stop, "\(status)")
            XCTAssertEqual(p.decide(method: "PATCH", attempt: 0, outcome: .response(status: status, retryAfter: nil), random: half), .stop, "\(status)")
        }
        XCTAssertEqual(p.decide(method: "POST", attempt: 0, outcome: .response(status: 429, retryAfter: 2), random: half), .retry(after: 2))
        XCTAssertEqual(p.decide(method: "GET", attempt: 0, outcome: .response(status: 429, retryAfter: 120), random: half), .waitTooLong(120))
        XCTAssertEqual(p.decide(method: "GET", attempt: 0, outcome: .response(status: 500, retryAfter: nil), random: half), .stop)
        XCTAssertEqual(p.decide(method: "GET", attempt: 0, outcome: .response(status: 404, retryAfter: nil), random: half), .stop)
        let sent = TransportError(.receive, "x", requestSent: true)
        let notSent = TransportError(.connect, "x", requestSent: false)
        XCTAssertEqual(p.decide(method: "POST", attempt: 0, outcome: .transport(sent), random: half), .stop)
        XCTAssertEqual(p.decide(method: "POST", attempt: 0, outcome: .transport(notSent), random: half), .retry(after: 0.25))
        XCTAssertEqual(p.decide(method: "DELETE", attempt: 0, outcome: .transport(sent), random: half), .retry(after: 0.25))
        XCTAssertEqual(p.decide(method: "GET", attempt: 0, outcome: .transport(TransportError(.tls, "x", requestSent: false)), random: half), .stop)
        XCTAssertEqual(p.backoff(20, { 0.999999 }), 30, accuracy: 0.001)
        XCTAssertEqual(RetryPolicy(maxRetries: 3, maxWait: 2).backoff(20, { 0.999999 }), 2, accuracy: 0.001, "backoff never past --max-wait")
    }

    func testRetryAfterParsing() {
        XCTAssertEqual(RetryPolicy.parseRetryAfter("7", now: 0), 7)
        XCTAssertEqual(RetryPolicy.parseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", now: 784_111_770), 7)
        XCTAssertNil(RetryPolicy.parseRetryAfter("soon", now: 0))
        XCTAssertNil(RetryPolicy.parseRetryAfter("Sun, 99 Nov 1994 08:49:37 GMT", now: 0))
        XCTAssertEqual(RetryPolicy.parseRetryAfter("1e300", now: 0), 1e9)
    }

    func testRedirectPolicy() {
        var r = RedirectPolicy(origin: "https://api.test:443")
        XCTAssertEqual(r.decide(status: 200, location: "/x", currentURL: "https://api.test/v1/a", method: "GET"), .none)
        XCTAssertEqual(r.decide(status: 302, location: "/v1/b", currentURL: "https://api.test/v1/a", method: "PUT"),
                       .follow(url: "https://api.test/v1/b", method: "PUT", dropBody: false))
        XCTAssertEqual(r.decide(status: 303, location: "https://api.test/v1/c", currentURL: "https://api.test/v1/a", method: "PUT"),
                       .follow(url: "https://api.test/v1/c", method: "GET", dropBody: true))
        for method in ["POST", "PATCH", "DELETE"] {
            for status in [301, 302, 303, 307, 308] {
                XCTAssertEqual(r.decide(status: status, location: "/v1/b", currentURL: "https://api.test/v1/a", method: method),
                               .refuseChange(location: "/v1/b"), "\(method) \(status): a change is never redirected")
            }
        }
        for other in ["https://evil.test/v1/a", "http://api.test/v1/a", "https://api.test:8443/v1/a", "//evil.test/x", "relative"] {
            XCTAssertEqual(r.decide(status: 301, location: other, currentURL: "https://api.test/v1/a", method: "GET"), .refuseOtherOrigin(location: other), other)
        }
        var many = RedirectPolicy(origin: "https://api.test:443", maxHops: 2)
        _ = many.decide(status: 302, location: "/1", currentURL: "https://api.test/", method: "GET")
        _ = many.decide(status: 302, location: "/2", currentURL: "https://api.test/", method: "GET")
        XCTAssertEqual(many.decide(status: 302, location: "/3", currentURL: "https://api.test/", method: "GET"), .tooMany)
    }

    func testDisplayWidthAndWrap() {
        XCTAssertEqual(DisplayWidth.of("abc"), 3)
        XCTAssertEqual(DisplayWidth.of("山田太郎"), 8)
        XCTAssertEqual(DisplayWidth.of("e\u{301}te\u{301}"), 3)
        XCTAssertEqual(DisplayWidth.of("🚀"), 2)
        XCTAssertEqual(DisplayWidth.truncate("山田太郎", to: 5), "山田…")
        XCTAssertEqual(DisplayWidth.pad("山", to: 4), "山  ")
        XCTAssertEqual(DisplayWidth.wrap("2024-01-01T03:35:36Z and more", to: 12), ["2024-01-01T0", "3:35:36Z and", "more"])
        XCTAssertEqual(DisplayWidth.wrap("one two three", to: 8), ["one two", "three"])
        XCTAssertEqual(DisplayWidth.wrap("山田太郎山田", to: 5), ["山田", "太郎", "山田"])
    }

    func testSanitizer() {
        XCTAssertEqual(Sanitizer.forTerminal("\u{1B}[31mred\u{1B}[0m\nx\ty\u{7}\u{7F}\u{9B}"), "\\x1b[31mred\\x1b[0m\\nx\\ty\\x07\\x7f\\x9b")
        XCTAssertEqual(Sanitizer.forTerminal("a\u{202E}b\u{2066}c"), "a\\u202eb\\u2066c")
        XCTAssertEqual(Sanitizer.forTerminal("José 山田 \u{202F}"), "José 山田 \u{202F}")
        XCTAssertEqual(Sanitizer.escapeControls("line1\nline2\t\u{1B}]0;title\u{7}", keepNewlines: true), "line1\nline2\t\\x1b]0;title\\x07")
    }
}
