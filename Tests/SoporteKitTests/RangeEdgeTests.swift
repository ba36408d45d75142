import XCTest
@testable import SoporteKit

/// The ends of the checked ranges (docs/CONTRACT.md §10.3): both ends are allowed, one past either is
/// a usage error that names the range and sends nothing.
final class RangeEdgeTests: XCTestCase {
    func testBothEndsOfAnIntegerRangeAreAllowed() throws {
        XCTAssertEqual(try IntegerArgument.parse("0", name: "--retries", range: 0...20), 0)
        XCTAssertEqual(try IntegerArgument.parse("20", name: "--retries", range: 0...20), 20)
        for bad in ["-1", "21"] {
            XCTAssertThrowsError(try IntegerArgument.parse(bad, name: "--retries", range: 0...20), bad)
        }
        let c = try CommandTable.parser.parse(["accounts", "list", "--per-page", "100", "--retries", "20"])
        XCTAssertEqual(try c.options.value(ListKeys.perPage), 100)
        XCTAssertEqual(try Global.flags(c).retries, 20)
    }

    func testPerPageOneAndAHundredAreSentAndOnePastIsRefused() {
        for n in [1, 100] {
            let h = Harness()
            h.transport.json("GET", "/v1/whm/accounts", query: ["page": "1", "per_page": "\(n)"],
                             Harness.page(1, of: 1, perPage: n, total: 1, ids: 1...1))
            let r = h.run(["accounts", "list", "--per-page", "\(n)", "-o", "ndjson"])
            XCTAssertEqual(r.status, 0, "\(n): \(r.err)")
            h.transport.verify()
        }
        for bad in ["0", "101"] {
            let h = Harness()
            let r = h.run(["accounts", "list", "--per-page", bad])
            XCTAssertEqual(r.status, 2, bad)
            XCTAssertTrue(r.err.contains("--per-page must be a whole number from 1 to 100, not '\(bad)'"), r.err)
            XCTAssertTrue(h.transport.requests.isEmpty, bad)
        }
    }
}
