import XCTest
@testable import SoporteKit

/// What bulk commands count as failed, and the exit status they end with (docs/CONTRACT.md §7, §10.6).
final class BulkOutcomeTests: XCTestCase {
    func error(_ code: String) -> String { #"{"error":{"code":"\#(code)","message":"no"}}"# }

    func testTheExitStatusIsTheFirstFailuresWhateverFailsAfterIt() {
        // 422 is exit 6, 404 exit 5, 403 exit 4: in either order, the first one decides.
        for (order, want) in [(["1", "2", "3"], Int32(6)), (["2", "3", "1"], Int32(5))] {
            let h = Harness()
            h.transport.json("POST", "/v1/whm/accounts/1/unsuspend", status: 422, error("VALIDATION_ERROR"))
            h.transport.json("POST", "/v1/whm/accounts/2/unsuspend", status: 404, error("RESOURCE_NOT_FOUND"))
            h.transport.json("POST", "/v1/whm/accounts/3/unsuspend", status: 403, error("INSUFFICIENT_PERMISSIONS"))
            let r = h.run(["accounts", "unsuspend"] + order)
            XCTAssertEqual(r.status, want, "\(order): \(r.err)")
            XCTAssertTrue(r.err.contains("3 of 3 failed; first failure:"), r.err)
            XCTAssertEqual(r.out.split(separator: "\n").map { $0.split(separator: ":")[0] }, order.map { "failed \($0)" })
            h.transport.verify()
        }
    }

    func testDeletingAnIDThatIsNotThereIsAFailure() {
        let h = Harness()
        h.transport.json("DELETE", "/v1/whm/accounts/77", status: 404, error("RESOURCE_NOT_FOUND"))
        let r = h.run(["accounts", "delete", "77", "--yes"])
        XCTAssertEqual(r.status, 5, r.err)
        XCTAssertTrue(r.out.hasPrefix("failed 77: "), r.out)
        h.transport.verify()
    }
}
