import XCTest
@testable import SandboxKit
import SoporteJSON

/// `--dialect laravel` and `--page-numbers`: what a stock Laravel 8 server sends, byte for
/// byte where a client could tell the difference.
final class LaravelDialectTests: XCTestCase {
    func laravel(rateLimit: RateLimitPolicy = .off, clock: FakeClock? = nil, pageNumbers: PageNumbers = .int) throws -> Harness {
        try Harness(rateLimit: rateLimit, clock: clock, dialect: .laravel, pageNumbers: pageNumbers)
    }

    // MARK: - Error bodies

    func testErrorBodiesAreLaravelsDefaults() throws {
        let h = try laravel()
        func body(_ method: String, _ path: String, body: String = "", token: String? = "sk_test_abc123xyz") -> (Int, String) {
            let r = h.raw(method, path, body: body, token: token)
            XCTAssertNotNil(h.header(r.headers, "X-Request-ID"), path)
            return (r.status, r.body)
        }
        XCTAssertEqual(body("GET", "/v1/whm/accounts/999999").1, #"{"message":"No query results for model [App\\Models\\Account] 999999"}"#)
        for (path, model) in [("billing/invoices", "Invoice"), ("billing/subscriptions", "Subscription"), ("whm/servers", "Server"),
                              ("whm/packages", "Package")] {
            XCTAssertEqual(body("GET", "/v1/\(path)/424242").1, #"{"message":"No query results for model [App\\Models\\"# + model + #"] 424242"}"#)
        }
        // The id as it was asked for, also when it is no number.
        XCTAssertEqual(body("DELETE", "/v1/whm/accounts/abc").1, #"{"message":"No query results for model [App\\Models\\Account] abc"}"#)
        XCTAssertEqual(body("POST", "/v1/whm/accounts/999999/suspend").1, #"{"message":"No query results for model [App\\Models\\Account] 999999"}"#)
        // An unknown route: Laravel 8's NotFoundHttpException has no message.
        XCTAssertEqual(body("GET", "/v1/nowhere").0, 404)
        XCTAssertEqual(body("GET", "/v1/nowhere").1, #"{"message":""}"#)
        XCTAssertEqual(body("GET", "/elsewhere").1, #"{"message":""}"#)
        XCTAssertEqual(body("GET", "/v1/whm/accounts", token: nil).1, #"{"message":"Unauthenticated."}"#)
        XCTAssertEqual(body("GET", "/v1/whm/accounts", token: "nope").1, #"{"message":"Unauthenticated."}"#)
        let forbidden = body("GET", "/v1/admin/system/health", token: "sk_test_user_123")
        XCTAssertEqual(forbidden.0, 403)
        XCTAssertEqual(forbidden.1, #"{"message":"This action is unauthorized."}"#)
        XCTAssertEqual(body("PUT", "/v1/whm/accounts").1,
                       #"{"message":"The PUT method is not supported for this route. Supported methods: GET, HEAD, POST."}"#)
        let (st, invalid) = body("POST", "/v1/whm/accounts", body: #"{"domain": "x"}"#)
        XCTAssertEqual(st, 422)
        let doc = try JSONParser.parse(Array(invalid.utf8))
        XCTAssertEqual(doc.objectValue?.keys, ["message", "errors"])
        XCTAssertEqual(doc["message"]?.stringValue, "The given data was invalid.")
        XCTAssertEqual(doc["errors"]?["domain"], .array([.string("The domain must be a valid domain name.")]))
        XCTAssertEqual(doc["errors"]?["email"], .array([.string("The email field is required.")]))
    }

    func testQueryErrorsAndInjectedStatuses() throws {
        let h = try laravel()
        XCTAssertEqual(h.raw("GET", "/v1/whm/accounts", query: "per_page=101").body,
                       #"{"message":"The given data was invalid.","errors":{"per_page":["The per page may not be greater than 100."]}}"#)
        XCTAssertEqual(h.raw("GET", "/v1/whm/accounts", query: "search=" + String(repeating: "x", count: 300)).body,
                       #"{"message":"The given data was invalid.","errors":{"search":["The search may not be greater than 256 characters."]}}"#)
        for (status, message) in [(500, "Server Error"), (502, "Server Error"), (503, "Service Unavailable"), (429, "Too Many Attempts."),
                                  (401, "Unauthenticated."), (403, "This action is unauthorized."), (404, "")] {
            h.send("POST", "/_sandbox/faults", body: #"{"status": \#(status), "retry_after": 2}"#, token: nil)
            let r = h.raw("GET", "/v1/whm/servers")
            XCTAssertEqual(r.status, status)
            XCTAssertEqual(r.body, #"{"message":"\#(message)"}"#, "\(status)")
            XCTAssertEqual(h.header(r.headers, "Retry-After"), "2")
        }
        // The control plane is the sandbox's own and keeps the envelope.
        let (st, _, err) = h.send("POST", "/_sandbox/faults", body: "nope", token: nil)
        XCTAssertEqual(st, 400)
        XCTAssertEqual(err["error"]?["code"]?.stringValue, "BAD_REQUEST")
        // A refused Host on /v1 is answered in the dialect too: no request id in the body.
        let r = h.sim.handle(SimRequest(method: "GET", path: "/v1/whm/servers", rawQuery: "", headers: [("host", "evil.com")], body: []))
        XCTAssertEqual(r.status, 421)
        XCTAssertNil(try JSONParser.parse(r.body)["error"])
    }

    // MARK: - Escapes

    func testTheEscaperIsPHPs() {
        let written = Array(#"{"a":"é/€😀\\/ \u001b","b":["http://x/y"]}"#.utf8)
        XCTAssertEqual(String(decoding: Laravel.escaped(written), as: UTF8.self),
                       #"{"a":"\u00e9\/\u20ac\ud83d\ude00\\\/ \u001b","b":["http:\/\/x\/y"]}"#)
        XCTAssertEqual(Laravel.escaped(Array("{}".utf8)), Array("{}".utf8))
    }

    func testEveryAnswerIsASCIIAndDecodesToTheSameData() throws {
        let h = try laravel()
        let plain = try Harness()
        for path in ["/v1/whm/accounts", "/v1/whm/servers", "/v1/whm/accounts/3"] {
            let r = h.raw("GET", path, query: path.hasSuffix("3") ? "" : "per_page=100")
            XCTAssertTrue(r.body.utf8.allSatisfy { $0 < 0x80 }, path)
            XCTAssertFalse(r.body.contains("http://"), path)
            let a = try JSONParser.parse(Array(r.body.utf8))
            let b = plain.send("GET", path, query: path.hasSuffix("3") ? "" : "per_page=100").json
            XCTAssertEqual(a["data"], b["data"], path)
        }
        let made = h.send("POST", "/v1/whm/accounts", body: #"{"domain": "rocket.example", "username": "rocket", "email": "a@rocket.example", "password": "long enough", "package": "basic", "server_id": 1, "owner": "Zoë 🚀 a/b"}"#)
        XCTAssertEqual(made.status, 201)
        let id = try XCTUnwrap(made.json["data"]?["id"]?.intValue)
        let rocket = h.raw("GET", "/v1/whm/accounts/\(id)").body
        XCTAssertTrue(rocket.contains(#""owner":"Zo\u00eb \ud83d\ude80 a\/b""#), rocket)
    }

    // MARK: - Data

    func testFieldsAreIgnoredAndMoneyIsAString() throws {
        let h = try laravel()
        let page = h.send("GET", "/v1/billing/invoices", query: "fields=id&per_page=2").json
        let first = page["data"]?.arrayValue?.first
        XCTAssertEqual(first?.objectValue?.keys.count, 11)
        XCTAssertEqual(first?["amount"], .string("100.10"))
        XCTAssertNotNil(first?["tax"]?.stringValue)
        guard case .number? = first?["lines"]?.arrayValue?.first?["amount"] else { return XCTFail("a JSON column keeps its numbers") }
        XCTAssertNotNil(h.send("GET", "/v1/billing/subscriptions/1").json["data"]?["amount"]?.stringValue)
        XCTAssertEqual(h.send("GET", "/v1/whm/packages/2").json["data"]?["price"], .string("9.99"))
        XCTAssertEqual(h.send("GET", "/v1/whm/accounts/1", query: "include=package").json["data"]?["package"]?["price"]?.stringValue != nil, true)
        // Filters and sorts still compare the numbers.
        let amounts = h.send("GET", "/v1/billing/invoices", query: "filter[amount][gte]=100&sort=-amount&per_page=100").json["data"]?
            .arrayValue?.compactMap { $0["amount"]?.stringValue.flatMap(Double.init) } ?? []
        XCTAssertFalse(amounts.isEmpty)
        XCTAssertEqual(amounts, amounts.sorted(by: >))
        // A created record answers in the dialect as well.
        let made = h.send("POST", "/v1/billing/invoices", body: #"{"account_id": 1, "amount": 12.5}"#).json
        XCTAssertEqual(made["data"]?["amount"], .string("12.5"))
        // The API's dialect keeps numbers.
        XCTAssertEqual(try Harness().send("GET", "/v1/billing/invoices/1").json["data"]?["amount"], .number("100.10"))
    }

    // MARK: - Pages

    func testPaginatorMeta() throws {
        let h = try laravel()
        let doc = h.send("GET", "/v1/whm/accounts", query: "page=2&per_page=10").json
        let base = "http://127.0.0.1:1/v1/whm/accounts"
        XCTAssertEqual(doc.objectValue?.keys, ["data", "meta", "links"])
        let meta = try XCTUnwrap(doc["meta"]?.objectValue)
        XCTAssertEqual(meta.keys, ["current_page", "first_page_url", "from", "last_page", "last_page_url", "links", "next_page_url",
                                   "path", "per_page", "prev_page_url", "to", "total"])
        XCTAssertEqual(meta["current_page"], .int(2))
        XCTAssertEqual(meta["last_page"], .int(3))
        XCTAssertEqual(meta["first_page_url"], .string(base + "?page=1"))
        XCTAssertEqual(meta["last_page_url"], .string(base + "?page=3"))
        XCTAssertEqual(meta["next_page_url"], .string(base + "?page=3"))
        XCTAssertEqual(meta["prev_page_url"], .string(base + "?page=1"))
        XCTAssertEqual(meta["path"], .string(base))
        XCTAssertEqual(meta["from"], .int(11))
        XCTAssertEqual(meta["to"], .int(20))
        XCTAssertEqual(meta["total"], .int(30))
        XCTAssertEqual(meta["per_page"], .int(10))
        XCTAssertEqual(meta["links"].map(JSONWriter.compact),
                       #"[{"url":"\#(base)?page=1","label":"&laquo; Previous","active":false},{"url":"\#(base)?page=1","label":"1","active":false},"#
                       + #"{"url":"\#(base)?page=2","label":"2","active":true},{"url":"\#(base)?page=3","label":"3","active":false},"#
                       + #"{"url":"\#(base)?page=3","label":"Next &raquo;","active":false}]"#)
        XCTAssertEqual(doc["links"].map(JSONWriter.compact),
                       #"{"first":"\#(base)?page=1","last":"\#(base)?page=3","prev":"\#(base)?page=1","next":"\#(base)?page=3"}"#)
        let last = h.send("GET", "/v1/whm/accounts", query: "page=3&per_page=10").json["meta"]
        XCTAssertEqual(last?["next_page_url"], .null)
        let empty = h.send("GET", "/v1/whm/accounts", query: "filter[id]=0").json["meta"]
        XCTAssertEqual(empty?["from"], .null)
        XCTAssertEqual(empty?["last_page"], .int(1))
    }

    func testThePageWindowIsLaravels() {
        func labels(_ current: Int, _ last: Int) -> [String] {
            (Laravel.pageLinks(current: current, last: last) { .string("u\($0)") }.arrayValue ?? []).map { link in
                let label = link["label"]?.stringValue ?? "?"
                return link["active"] == .bool(true) ? "[\(label)]" : label
            }
        }
        let prev = "&laquo; Previous", next = "Next &raquo;"
        XCTAssertEqual(labels(1, 1), [prev, "[1]", next])
        XCTAssertEqual(labels(13, 13), [prev] + (1...12).map(String.init) + ["[13]", next])
        XCTAssertEqual(labels(1, 20), [prev, "[1]"] + (2...10).map(String.init) + ["...", "19", "20", next])
        XCTAssertEqual(labels(7, 20), [prev] + (1...6).map(String.init) + ["[7]", "8", "9", "10", "...", "19", "20", next])
        XCTAssertEqual(labels(8, 20), [prev, "1", "2", "...", "5", "6", "7", "[8]", "9", "10", "11", "...", "19", "20", next])
        XCTAssertEqual(labels(14, 20), [prev, "1", "2", "...", "11", "12", "13", "[14]", "15", "16", "17", "18", "19", "20", next])
        XCTAssertEqual(labels(99, 20), [prev, "1", "2", "..."] + (11...20).map(String.init) + [next])
        let links = Laravel.pageLinks(current: 1, last: 2) { .string("u\($0)") }.arrayValue ?? []
        XCTAssertEqual(links.first?["url"], .null)
        XCTAssertEqual(links.last?["url"], .string("u2"))
    }

    func testPageNumberSpellings() throws {
        for (numbers, current, last) in [(PageNumbers.int, "2", "3"), (.float, "2.0", "3.0"), (.exp, "2e0", "3e0"), (.string, #""2""#, #""3""#)] {
            for dialect in Dialect.allCases {
                let h = try Harness(dialect: dialect, pageNumbers: numbers)
                let meta = h.send("GET", "/v1/whm/accounts", query: "page=2&per_page=10").json["meta"]
                XCTAssertEqual(meta.map { JSONWriter.compact($0["current_page"]!) }, current, "\(numbers) \(dialect)")
                XCTAssertEqual(meta.map { JSONWriter.compact($0["last_page"]!) }, last, "\(numbers) \(dialect)")
                XCTAssertEqual(meta?["per_page"], .int(10))
                XCTAssertEqual(meta?["total"], .int(30))
            }
        }
    }

    func testAShortPageKeepsTheDialect() throws {
        let h = try laravel()
        h.send("POST", "/_sandbox/faults", body: #"{"short": 1}"#, token: nil)
        let r = h.raw("GET", "/v1/whm/accounts")
        XCTAssertTrue(r.body.utf8.allSatisfy { $0 < 0x80 })
        XCTAssertTrue(r.body.contains(#"http:\/\/"#))
        XCTAssertEqual(try JSONParser.parse(Array(r.body.utf8))["data"]?.arrayValue?.count, 1)
    }

    // MARK: - Throttle

    func testTheWindowStartsAtTheFirstRequest() {
        var w = FixedWindows(limit: 2, seconds: 60, fromFirstRequest: true)
        XCTAssertEqual(w.spend(key: "a", now: 1_000_030.7), RateDecision(allowed: true, limit: 2, remaining: 1, reset: 1_000_090, retryAfter: 0))
        XCTAssertEqual(w.spend(key: "a", now: 1_000_050).remaining, 0)
        let refused = w.spend(key: "a", now: 1_000_070.2)
        XCTAssertEqual(refused, RateDecision(allowed: false, limit: 2, remaining: 0, reset: 1_000_090, retryAfter: 20))
        // Another token's window starts at its own first request.
        XCTAssertEqual(w.spend(key: "b", now: 1_000_070.2).reset, 1_000_130)
        // The next window starts at the first request after the end, not at the end.
        XCTAssertEqual(w.spend(key: "a", now: 1_000_095.5), RateDecision(allowed: true, limit: 2, remaining: 1, reset: 1_000_155, retryAfter: 0))
    }

    func testThrottleHeaders() throws {
        let clock = FakeClock(1_000_000.5)
        let h = try laravel(rateLimit: .fixedWindow(limit: 2, seconds: 60), clock: clock)
        var r = h.raw("GET", "/v1/whm/servers")
        XCTAssertEqual(r.headers.filter { $0.0.hasPrefix("X-RateLimit") || $0.0 == "Retry-After" }.map { "\($0.0): \($0.1)" },
                       ["X-RateLimit-Limit: 2", "X-RateLimit-Remaining: 1"])
        clock.advance(10)
        XCTAssertEqual(h.header(h.raw("GET", "/v1/whm/accounts/999999").headers, "X-RateLimit-Remaining"), "0")
        clock.advance(5)
        r = h.raw("GET", "/v1/whm/servers")
        XCTAssertEqual(r.status, 429)
        XCTAssertEqual(r.body, #"{"message":"Too Many Attempts."}"#)
        XCTAssertEqual(h.header(r.headers, "X-RateLimit-Limit"), "2")
        XCTAssertEqual(h.header(r.headers, "X-RateLimit-Remaining"), "0")
        XCTAssertEqual(h.header(r.headers, "X-RateLimit-Reset"), "1000060")
        XCTAssertEqual(h.header(r.headers, "Retry-After"), "45")
        clock.advance(45)
        r = h.raw("GET", "/v1/whm/servers")
        XCTAssertEqual(r.status, 200)
        XCTAssertNil(h.header(r.headers, "X-RateLimit-Reset"))
        XCTAssertNil(h.header(r.headers, "Retry-After"))
        // The API's dialect keeps its windows on the clock and Reset on every answer.
        let api = try Harness(rateLimit: .fixedWindow(limit: 2, seconds: 60), clock: FakeClock(1_000_030.5))
        XCTAssertEqual(api.header(api.raw("GET", "/v1/whm/servers").headers, "X-RateLimit-Reset"), "1000080")
    }
}
