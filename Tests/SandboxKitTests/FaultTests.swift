import XCTest
@testable import SandboxKit
import SoporteJSON

final class FaultTests: XCTestCase {
    func testShortKeepsTheFirstItemsAndTheMeta() throws {
        let h = try Harness(accounts: 40)
        let real = h.send("GET", "/v1/whm/accounts", query: "page=2&per_page=10").json
        h.send("POST", "/_sandbox/faults", body: #"{"match": {"path": "/v1/whm/accounts", "query": "page=2"}, "count": 2, "short": 3}"#, token: nil)
        XCTAssertEqual(h.send("GET", "/v1/whm/accounts", query: "page=1&per_page=10").json["data"]?.arrayValue?.count, 10)
        for _ in 0..<2 {
            let short = h.send("GET", "/v1/whm/accounts", query: "page=2&per_page=10").json
            XCTAssertEqual(short["data"]?.arrayValue, Array(real["data"]!.arrayValue!.prefix(3)))
            XCTAssertEqual(short["meta"], real["meta"])
            XCTAssertEqual(short["links"], real["links"])
        }
        XCTAssertEqual(h.send("GET", "/v1/whm/accounts", query: "page=2&per_page=10").json["data"]?.arrayValue?.count, 10)
    }

    func testShortLeavesOtherAnswersAlone() throws {
        let body = Array(#"{"data":{"id":1},"x":100.10}"#.utf8)
        XCTAssertEqual(Fault.shorten(body, to: 0), nil)
        XCTAssertNil(Fault.shorten(Array("not json".utf8), to: 1))
        let list = Array(#"{"data":[1,2,3],"meta":{"total":9007199254740993,"amount":100.10}}"#.utf8)
        XCTAssertEqual(Fault.shorten(list, to: 1).map { String(decoding: $0, as: UTF8.self) },
                       #"{"data":[1],"meta":{"total":9007199254740993,"amount":100.10}}"#)
        let h = try Harness()
        h.send("POST", "/_sandbox/faults", body: #"{"short": 0}"#, token: nil)
        XCTAssertEqual(h.send("GET", "/v1/whm/accounts/1").json["data"]?["id"]?.intValue, 1)
    }

    func testShortWithAStatusServesTheShortPageWithIt() throws {
        let h = try Harness()
        h.send("POST", "/_sandbox/faults", body: #"{"short": 1, "status": 206}"#, token: nil)
        let (st, _, doc) = h.send("GET", "/v1/whm/servers")
        XCTAssertEqual(st, 206)
        XCTAssertEqual(doc["data"]?.arrayValue?.count, 1)
    }
}
