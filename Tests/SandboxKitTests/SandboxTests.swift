import XCTest
@testable import SandboxKit
import SoporteJSON

final class SandboxTests: XCTestCase {
    func sim(accounts: Int = 30) throws -> Simulator {
        var o = Simulator.Options()
        o.sizes = DataGenerator.Sizes(accounts: accounts, invoices: 20)
        o.rateLimit = .off
        return try Simulator(options: o)
    }

    func get(_ s: Simulator, _ path: String, _ query: String = "", token: String? = "sk_test_abc123xyz") -> (Int, JSONValue) {
        var h: [(String, String)] = [("host", "127.0.0.1:1")]
        if let t = token { h.append(("authorization", "Bearer \(t)")) }
        let r = s.handle(SimRequest(method: "GET", path: path, rawQuery: query, headers: h, body: []))
        return (r.status, (try? JSONParser.parse(r.body)) ?? .null)
    }

    func testDeterministicForASeed() throws {
        let a = DataGenerator.generate(seed: 7, sizes: .init(accounts: 50, invoices: 10))
        let b = DataGenerator.generate(seed: 7, sizes: .init(accounts: 50, invoices: 10))
        let c = DataGenerator.generate(seed: 8, sizes: .init(accounts: 50, invoices: 10))
        XCTAssertEqual(a["accounts"], b["accounts"])
        XCTAssertNotEqual(a["accounts"], c["accounts"])
    }

    func testMetaAndLinks() throws {
        let s = try sim()
        s.listening(onPort: 4321)
        let (st, v) = get(s, "/v1/whm/accounts", "page=2&per_page=10")
        XCTAssertEqual(st, 200)
        XCTAssertEqual(JSONWriter.compact(v["meta"]!), #"{"current_page":2,"from":11,"last_page":3,"per_page":10,"to":20,"total":30}"#)
        // From the address the sandbox listens on, not from the Host sent (127.0.0.1:1).
        XCTAssertEqual(v["links"]?["next"]?.stringValue, "http://127.0.0.1:4321/v1/whm/accounts?page=3")
        XCTAssertEqual(v["links"]?["prev"]?.stringValue, "http://127.0.0.1:4321/v1/whm/accounts?page=1")
    }

    func testFiltersSortAndPerPageLimit() throws {
        let s = try sim()
        let (_, v) = get(s, "/v1/billing/invoices", "filter[amount][gte]=100&sort=-amount&per_page=100")
        let amounts = v["data"]!.arrayValue!.map { Double($0["amount"]!.scalarText)! }
        XCTAssertEqual(amounts, amounts.sorted(by: >))
        XCTAssertTrue(amounts.allSatisfy { $0 >= 100 })
        XCTAssertEqual(get(s, "/v1/whm/accounts", "per_page=101").0, 422)
        XCTAssertEqual(get(s, "/v1/whm/accounts", "filter[nope]=1").0, 422)
        XCTAssertEqual(get(s, "/v1/whm/accounts", "filter[id][between]=3,5").1["meta"]?["total"]?.intValue, 3)
        XCTAssertEqual(get(s, "/v1/whm/accounts", "filter[id][in]=1,2,29").1["meta"]?["total"]?.intValue, 3)
    }

    func testAuthErrors() throws {
        let s = try sim()
        XCTAssertEqual(get(s, "/v1/whm/accounts", token: nil).1["error"]?["code"]?.stringValue, "AUTHENTICATION_REQUIRED")
        XCTAssertEqual(get(s, "/v1/whm/accounts", token: "bad").1["error"]?["code"]?.stringValue, "INVALID_TOKEN")
        XCTAssertEqual(get(s, "/v1/admin/system/health", token: "sk_test_user_123").0, 403)
        XCTAssertEqual(get(s, "/v1/whm/accounts/999").0, 404)
    }

    func testHeadParser() {
        XCTAssertNotNil(HTTPParser.parseHead(Array("GET /v1/x?a=b HTTP/1.1\r\nHost: h\r\n".utf8)))
        XCTAssertNil(HTTPParser.parseHead(Array("GARBAGE\r\n".utf8)))
        XCTAssertNil(HTTPParser.parseHead(Array("GET /x HTTP/9\r\n".utf8)))
        XCTAssertNil(HTTPParser.parseHead(Array("GET /x HTTP/1.1\r\nno colon\r\n".utf8)))
    }

    func testHexBodies() {
        XCTAssertEqual(Fault.bytes(hex: "7b22FF00"), [0x7B, 0x22, 0xFF, 0x00])
        XCTAssertEqual(Fault.bytes(hex: ""), [])
        XCTAssertNil(Fault.bytes(hex: "7"))
        XCTAssertNil(Fault.bytes(hex: "zz"))
        XCTAssertNil(Fault.bytes(hex: "0g"))
    }
}
