import XCTest
@testable import SandboxKit
import SoporteJSON

final class RangeCheckTests: XCTestCase {
    func testWholeNumbersOnly() {
        XCTAssertEqual(RangeChecked.int("42", in: 0...100), 42)
        XCTAssertEqual(RangeChecked.int("-3", in: -5...5), -3)
        XCTAssertEqual(RangeChecked.int("9223372036854775807", in: 0...Int.max), Int.max)
        XCTAssertEqual(RangeChecked.int("-9223372036854775808", in: Int.min...0), Int.min)
        for bad in ["9223372036854775808", "99999999999999999999999", "+5", "5.0", "1e3", "", "-", " 5", "5 ", "٣"] {
            XCTAssertNil(RangeChecked.int(bad, in: Int.min...Int.max), bad)
        }
        XCTAssertNil(RangeChecked.int("101", in: 0...100))
        XCTAssertEqual(RangeChecked.int(JSONValue.number("7"), in: 0...9), 7)
        XCTAssertEqual(RangeChecked.int(JSONValue.string("7"), in: 0...9), 7)
        XCTAssertNil(RangeChecked.int(JSONValue.number("7.0"), in: 0...9))
        XCTAssertNil(RangeChecked.int(JSONValue.number("1e400"), in: 0...9))
        XCTAssertNil(RangeChecked.int(JSONValue.bool(true), in: 0...9))
    }

    func testPagesAndIdsFromOutsideNeverTrap() throws {
        let h = try Harness()
        for q in ["page=9223372036854775807", "page=2147483648", "page=0", "page=-1", "page=99999999999999999999",
                  "per_page=9223372036854775807", "per_page=-9223372036854775808", "per_page=0", "page=1e3"] {
            let (st, _, doc) = h.send("GET", "/v1/whm/accounts", query: q)
            XCTAssertEqual(st, 422, q)
            XCTAssertEqual(doc["error"]?["code"]?.stringValue, "VALIDATION_ERROR", q)
            XCTAssertNotNil(doc["error"]?["request_id"]?.stringValue, q)
        }
        let (st, _, doc) = h.send("GET", "/v1/whm/accounts", query: "page=2147483647&per_page=100")
        XCTAssertEqual(st, 200)
        XCTAssertEqual(doc["data"]?.arrayValue?.count, 0)
        XCTAssertEqual(doc["links"]?["prev"]?.stringValue, "http://127.0.0.1:1/v1/whm/accounts?page=2147483646")
        for id in ["9223372036854775807", "9223372036854775808", "99999999999999999999999", "-1", "1e3", "%31"] {
            XCTAssertEqual(h.send("GET", "/v1/whm/accounts/\(id)").status, 404, id)
            XCTAssertEqual(h.send("POST", "/v1/whm/accounts/\(id)/suspend").status, 404, id)
        }
    }

    func testFaultNumbersAreRangeChecked() throws {
        let h = try Harness()
        for (key, value) in [("delay_ms", "9223372036854775807"), ("delay_ms", "-1"), ("delay_ms", "600001"), ("count", "0"),
                             ("count", "99999999999999999999"), ("status", "99"), ("status", "600"), ("status", "-200"),
                             ("retry_after", "-1"), ("retry_after", "86401"), ("short", "-1"), ("count", "1.5")] {
            let (st, _, doc) = h.send("POST", "/_sandbox/faults", body: "[{\"count\": 1}, {\"\(key)\": \(value)}]", token: nil)
            XCTAssertEqual(st, 422, "\(key)=\(value)")
            XCTAssertNotNil(doc["error"]?["details"]?[key], "\(key)=\(value)")
        }
        // A batch with one bad fault queued none: the next request is answered normally.
        XCTAssertEqual(h.send("GET", "/v1/whm/servers").status, 200)
        XCTAssertEqual(h.send("POST", "/_sandbox/faults", body: "{\"headers\": {\"X\": \"a\\r\\nSet-Cookie: b\"}}", token: nil).status, 422)
    }
}
