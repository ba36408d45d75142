#if canImport(Glibc)
import Glibc
#endif
import XCTest
@testable import SoporteKit
import SoporteJSON

/// 202 Accepted, --wait and --wait-for through the command line against stubs, on the
/// virtual clock (docs/CONTRACT.md §13.5): what is printed, what is slept, the exit status.
final class WaitForEffectTests: XCTestCase {
    let accepted = #"{"data":{"id":2,"status":"active"},"meta":{"job_id":"job_9"}}"#
    let location = ("Location", "https://api.test/v1/whm/accounts/2")
    func account(_ status: String) -> String { #"{"data":{"id":2,"domain":"d2.example","status":"\#(status)"}}"# }

    func testA202IsReportedAcceptedWithTheJobAndLocation() {
        let h = Harness()
        h.transport.json("POST", "/v1/whm/accounts/2/suspend", status: 202, headers: [location], accepted)
        let r = h.run(["accounts", "suspend", "2", "--yes"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(r.out, "accepted 2 (not done yet; job job_9, location https://api.test/v1/whm/accounts/2)\n")
        h.transport.verify()
        let j = Harness()
        j.transport.json("POST", "/v1/whm/accounts/2/suspend", status: 202, headers: [location], accepted)
        let rj = j.run(["accounts", "suspend", "2", "--yes", "-o", "ndjson"])
        XCTAssertTrue(rj.out.contains(#""outcome":"accepted""#) && rj.out.contains(#""job_id":"job_9""#)
                      && rj.out.contains(#""location":"https://api.test/v1/whm/accounts/2""#) && rj.out.contains(#""http_status":202"#), rj.out)
    }

    func testWaitLooksUntilTheStatusShowsBackingOff() {
        let h = Harness()
        h.transport.json("POST", "/v1/whm/accounts/2/suspend", status: 202, headers: [location], accepted)
        for s in ["active", "active", "suspended"] { h.transport.json("GET", "/v1/whm/accounts/2", account(s)) }
        let r = h.run(["accounts", "suspend", "2", "--yes", "--wait"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(r.out, "suspended 2 (took 3 s)\n")
        XCTAssertEqual(h.clock.slept, [1, 2])
        XCTAssertFalse(r.err.contains("in 1 s"), "a wait of one second is not announced: \(r.err)")
        XCTAssertTrue(r.err.contains("soporte: waiting for account 2 to be suspended: checking again in 2 s"), r.err)
        h.transport.verify()
    }

    func testNotReachedInTimeIsExit11WithTheLastStateSeen() {
        let h = Harness()
        h.transport.json("POST", "/v1/whm/accounts/2/suspend", status: 202, headers: [location], accepted)
        for _ in 0..<4 { h.transport.json("GET", "/v1/whm/accounts/2", account("active")) }
        let r = h.run(["accounts", "suspend", "2", "--yes", "--wait", "--wait-timeout", "5s", "-q"])
        XCTAssertEqual(r.status, 11, r.err)
        XCTAssertEqual(r.out, "timed out 2: account 2 is still active after 5s\n")
        XCTAssertEqual(h.clock.slept, [1, 2, 2])
        XCTAssertFalse(r.err.contains("checking again"), "-q: no announcements: \(r.err)")
        h.transport.verify()
    }

    func testDeleteWaitsFor404() {
        let h = Harness()
        h.transport.json("DELETE", "/v1/whm/accounts/2", status: 202, headers: [location], accepted)
        h.transport.json("GET", "/v1/whm/accounts/2", account("active"))
        h.transport.json("GET", "/v1/whm/accounts/2", status: 404, #"{"error":{"code":"RESOURCE_NOT_FOUND","message":"Account 2 not found."}}"#)
        let r = h.run(["accounts", "delete", "2", "--yes", "--wait"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(r.out, "deleted 2 (took 1 s)\n")
        h.transport.verify()
    }

    func testCreateWaitsUntilNotPendingAndPrintsTheItemThen() {
        let h = Harness()
        h.stdin = Array("long-enough-pw\n".utf8)
        h.transport.json("POST", "/v1/whm/accounts", status: 202, headers: [("Location", "https://api.test/v1/whm/accounts/77")],
                         #"{"data":{"id":77,"status":"pending"},"meta":{"job_id":"job_1"}}"#)
        h.transport.json("GET", "/v1/whm/accounts/77", #"{"data":{"id":77,"status":"pending"}}"#)
        h.transport.json("GET", "/v1/whm/accounts/77", #"{"data":{"id":77,"status":"active"}}"#)
        let r = h.run(["accounts", "create", "--domain", "n.example", "--username", "n", "--email", "a@n.example", "--package", "basic",
                       "--server-id", "1", "--password-stdin", "--wait", "-o", "json"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(r.out, #"{"id":77,"status":"active"}"# + "\n")
        XCTAssertTrue(r.err.contains("created account 77 (took 1 s)"), r.err)
        h.transport.verify()
    }

    func testCreateAcceptedWithoutWaitIsAResultThatHoldsTheItem() {
        let h = Harness()
        h.stdin = Array("long-enough-pw\n".utf8)
        h.transport.json("POST", "/v1/whm/accounts", status: 202, #"{"data":{"id":77,"status":"pending"},"meta":{"job_id":"job_1"}}"#)
        let r = h.run(["accounts", "create", "--domain", "n.example", "--username", "n", "--email", "a@n.example", "--package", "basic",
                       "--server-id", "1", "--password-stdin", "-o", "json"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.out.hasPrefix(#"{"id":77,"action":"create","outcome":"accepted","http_status":202,"#), r.out)
        XCTAssertTrue(r.out.contains(#""job_id":"job_1","location":null,"data":{"id":77,"status":"pending"}}"#), r.out)
    }

    func testUpdateWaitsForTheFieldsSent() {
        let h = Harness()
        h.transport.json("PATCH", "/v1/whm/accounts/2", status: 202, accepted)
        h.transport.json("GET", "/v1/whm/accounts/2", #"{"data":{"id":2,"package":"basic"}}"#)
        h.transport.json("GET", "/v1/whm/accounts/2", #"{"data":{"id":2,"package":"pro"}}"#)
        let r = h.run(["accounts", "update", "2", "--set", "package=pro", "--wait", "-o", "json"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(r.out, #"{"id":2,"package":"pro"}"# + "\n")
        h.transport.verify()
    }

    func testGetWaitForHoldsThenPrintsAsGetDoes() {
        let h = Harness()
        h.transport.json("GET", "/v1/billing/invoices/5", #"{"data":{"id":5,"status":"pending","amount":10.00}}"#)
        h.transport.json("GET", "/v1/billing/invoices/5", #"{"data":{"id":5,"status":"paid","amount":10.00}}"#)
        let r = h.run(["invoices", "get", "5", "--wait-for", "status!=pending", "--wait-for", "amount=10", "-o", "json"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(r.out, #"{"id":5,"status":"paid","amount":10.00}"# + "\n")
        XCTAssertEqual(h.clock.slept, [1])
        h.transport.verify()
    }

    func testGetWaitForTimesOutWithExit11() {
        let h = Harness()
        for _ in 0..<2 { h.transport.json("GET", "/v1/whm/servers/3", #"{"data":{"id":3,"status":"maintenance"}}"#) }
        let r = h.run(["servers", "get", "3", "--wait-for", "status=active", "--wait-timeout", "1"])
        XCTAssertEqual(r.status, 11, r.err)
        XCTAssertEqual(r.out, "")
        XCTAssertTrue(r.err.contains(#"soporte: server 3 does not match yet: status is maintenance (wanted status=active) after 1s"#), r.err)
        h.transport.verify()
    }

    func testBadWaitOptionsAreUsageErrorsBeforeAnythingIsSent() {
        for args in [["accounts", "suspend", "2", "--yes", "--wait-timeout", "5m"],
                     ["accounts", "suspend", "2", "--yes", "--wait", "--wait-timeout", "0"],
                     ["accounts", "suspend", "2", "--yes", "--wait", "--wait-timeout", "25h"],
                     ["accounts", "suspend", "2", "--yes", "--wait", "--wait-timeout", "1m1h"],
                     ["accounts", "get", "2", "--wait-timeout", "5m"],
                     ["accounts", "get", "2", "--wait-for", "status"]] {
            let h = Harness()
            let r = h.run(args)
            XCTAssertEqual(r.status, 2, "\(args): \(r.err)")
            XCTAssertEqual(h.transport.requests.count, 0, "\(args)")
        }
    }

    func testAJournalRecordsAcceptedAndARerunLooksBeforeActingAgain() {
        let h = Harness()
        h.transport.json("POST", "/v1/whm/accounts/2/suspend", status: 202, headers: [location], accepted)
        XCTAssertEqual(h.run(["accounts", "suspend", "2", "--yes", "--journal", "/j"]).status, 0)
        XCTAssertTrue(h.fs.text("/j")?.contains(#""outcome":"accepted","http_status":202"#) == true, h.fs.text("/j") ?? "")
        h.transport.verify()
        // The change was made meanwhile: the rerun sees it and sends nothing.
        h.transport.json("GET", "/v1/whm/accounts/2", account("suspended"))
        let r = h.run(["accounts", "suspend", "2", "--yes", "--journal", "/j"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(r.out, "suspended 2 (checked: done by an earlier run)\n")
        h.transport.verify()
    }

    func testBulkWaitsSideBySideWithRequestsInFlightBoundedByConcurrency() {
        let h = Harness()
        let ids = Array(1...12)
        for id in ids {
            h.transport.stub("POST", "/v1/whm/accounts/\(id)/suspend") { _ in
                usleep(20_000)  // long enough for requests to overlap, were they let
                return .success(HTTPResponse(status: 202, headers: [], body: Array(#"{"data":{"id":\#(id)}}"#.utf8)))
            }
            h.transport.stub("GET", "/v1/whm/accounts/\(id)") { _ in
                usleep(20_000)
                return .success(HTTPResponse(status: 200, headers: [], body: Array(#"{"data":{"id":\#(id),"status":"suspended"}}"#.utf8)))
            }
        }
        let r = h.run(["accounts", "suspend"] + ids.map(String.init) + ["--yes", "--wait"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(r.out, ids.map { "suspended \($0) (took <1 s)\n" }.joined())
        XCTAssertLessThanOrEqual(h.transport.maxInFlight, 4, "the default concurrency bounds changes and looks alike")
        XCTAssertGreaterThan(h.transport.maxInFlight, 1)
        h.transport.verify()
    }

    // MARK: - What a wait looks for

    func testWaitForConditions() throws {
        let item = try JSONParser.parse(#"{"id":1,"status":"active","amount":100.10,"server":{"name":"web-1"},"notes":null}"#)
        func holds(_ s: String) throws -> Bool { try WaitCondition.parse(s, flag: "--wait-for").holds(item) }
        XCTAssertTrue(try holds("status=active"))
        XCTAssertFalse(try holds("status!=active"))
        XCTAssertTrue(try holds("status!=suspended"))
        XCTAssertTrue(try holds("server.name=web-1"), "dotted fields")
        XCTAssertTrue(try holds("amount=100.1"), "numbers by value")
        XCTAssertTrue(try holds("notes=null"))
        XCTAssertTrue(try holds("missing=null"), "an absent field is null")
        XCTAssertFalse(try holds("status=active="))
        XCTAssertEqual(try WaitCondition.parse("note=a=b", flag: "--wait-for").value, "a=b", "the first = splits")
        for bad in ["status", "=x", "!=x", "a b=c"] {
            XCTAssertThrowsError(try WaitCondition.parse(bad, flag: "--wait-for"), bad)
        }
    }

    func testAnUpdateShowsWhenEveryFieldSentHasItsValue() throws {
        let item = try JSONParser.parse(#"{"id":1,"package":"pro","disk_quota_mb":20000,"notes":"x"}"#)
        let e = Expectation(goal: .fields(JSONObject([("package", .string("pro")), ("disk_quota_mb", .number("20000.0"))])))
        XCTAssertTrue(e.holds(.found(item)))
        let f = Expectation(goal: .fields(JSONObject([("package", .string("basic"))])))
        XCTAssertFalse(f.holds(.found(item)))
        XCTAssertEqual(f.miss(.found(item)), #"does not show the change yet: package is "pro", not "basic""#)
        XCTAssertTrue(Expectation(goal: .gone).holds(.missing))
        XCTAssertFalse(Expectation(goal: .created).holds(.found(try JSONParser.parse(#"{"status":"pending"}"#))))
        XCTAssertTrue(Expectation(goal: .created).holds(.found(try JSONParser.parse(#"{"status":"active"}"#))))
    }
}
