import XCTest
import Synchronization
@testable import SandboxKit
import SoporteJSON

/// The simulator's own rules, which soporte's end-to-end tests take as the API's: filter
/// bounds, the rate-limit bucket of each tier, and account validation (docs/CONTRACT.md §9).
final class SandboxRulesTests: XCTestCase {
    func sim(rateLimit: Bool = false, clock: @escaping @Sendable () -> Double = { 1_000_000 }) throws -> Simulator {
        var o = Simulator.Options()
        o.sizes = DataGenerator.Sizes(accounts: 30, invoices: 20)
        o.rateLimit = rateLimit ? .tiers : .off
        return try Simulator(options: o, clock: clock)
    }

    func request(_ s: Simulator, _ method: String, _ path: String, _ query: String = "", body: String = "",
                 token: String = "sk_test_abc123xyz") -> SimResponse {
        s.handle(SimRequest(method: method, path: path, rawQuery: query,
                            headers: [("host", "127.0.0.1:1"), ("authorization", "Bearer \(token)")], body: Array(body.utf8)))
    }

    func json(_ r: SimResponse) -> JSONValue { (try? JSONParser.parse(r.body)) ?? .null }

    func testComparisonFiltersIncludeTheirBoundOrNotAsNamed() throws {
        let s = try sim()
        func total(_ q: String) -> Int? { json(request(s, "GET", "/v1/whm/accounts", q))["meta"]?["total"]?.intValue }
        XCTAssertEqual(total("filter[id][lte]=3"), 3)
        XCTAssertEqual(total("filter[id][lt]=3"), 2)
        XCTAssertEqual(total("filter[id][gte]=28"), 3)
        XCTAssertEqual(total("filter[id][gt]=28"), 2)
        XCTAssertEqual(total("filter[id][ne]=3"), 29)
        XCTAssertEqual(total("filter[id]=3"), 1)
    }

    func testABucketHoldsLimitPlusBurstThenAnswers429AndRefillsAtLimitPerMinute() throws {
        let t = Mutex(1_000_000.0)
        let s = try sim(rateLimit: true, clock: { t.withLock { $0 } })
        // sk_test_user_123 is the authenticated tier: 100 a minute, 20 more in a burst.
        for i in 1...120 {
            let r = request(s, "GET", "/v1/whm/accounts", "per_page=1", token: "sk_test_user_123")
            XCTAssertEqual(r.status, 200, "request \(i)")
            if i == 1 { XCTAssertEqual(r.headers.first { $0.0 == "X-RateLimit-Limit" }?.1, "100") }
        }
        let refused = request(s, "GET", "/v1/whm/accounts", "per_page=1", token: "sk_test_user_123")
        XCTAssertEqual(refused.status, 429)
        XCTAssertEqual(json(refused)["error"]?["code"]?.stringValue, "RATE_LIMIT_EXCEEDED")
        XCTAssertEqual(refused.headers.first { $0.0 == "Retry-After" }?.1, "1")
        XCTAssertEqual(request(s, "GET", "/v1/whm/accounts", token: "sk_test_abc123xyz").status, 200, "each token has its own bucket")
        t.withLock { $0 += 0.3 }   // half a token at 100 a minute
        XCTAssertEqual(request(s, "GET", "/v1/whm/accounts", "per_page=1", token: "sk_test_user_123").status, 429)
        t.withLock { $0 += 0.6 }
        XCTAssertEqual(request(s, "GET", "/v1/whm/accounts", "per_page=1", token: "sk_test_user_123").status, 200)
    }

    func testAnAccountNeedsAPasswordOfEightCharacters() throws {
        let s = try sim()
        let package = json(request(s, "GET", "/v1/whm/packages"))["data"]?.arrayValue?.first?["name"]?.stringValue ?? ""
        let server = json(request(s, "GET", "/v1/whm/servers"))["data"]?.arrayValue?.first?["id"]?.intValue ?? 0
        func create(_ n: Int, password: String) -> SimResponse {
            let body = #"{"domain":"new\#(n).example","username":"new\#(n)","email":"a\#(n)@new.example","package":"\#(package)","server_id":\#(server),"password":"\#(password)"}"#
            return request(s, "POST", "/v1/whm/accounts", body: body)
        }
        let short = create(1, password: "1234567")
        XCTAssertEqual(short.status, 422)
        XCTAssertEqual(json(short)["error"]?["details"]?["password"]?.arrayValue?.first?.stringValue, "The password must be at least 8 characters.")
        XCTAssertEqual(create(2, password: "12345678").status, 201)
    }
}
