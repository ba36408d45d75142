import XCTest
@testable import SandboxKit
import SoporteJSON

/// `--async-ms`: changes answered 202 and made N ms later, on a clock the test moves.
final class AsyncChangesTests: XCTestCase {
    func make(_ ms: Int = 1500) throws -> (Harness, FakeClock) {
        let c = FakeClock(1_800_000_000)
        return (try Harness(accounts: 10, clock: c, asyncMs: ms), c)
    }

    func testASuspensionIsAcceptedThenMadeWhenDue() throws {
        let (h, c) = try make()
        let r = h.send("POST", "/v1/whm/accounts/2/suspend", body: #"{"reason":"abuse"}"#)
        XCTAssertEqual(r.status, 202)
        XCTAssertEqual(h.header(r.headers, "Location"), "http://127.0.0.1:1/v1/whm/accounts/2")
        XCTAssertEqual(r.json["meta"]?["job_id"], .string("job_1"))
        XCTAssertEqual(r.json["data"]?["status"], .string("active"), "the answer shows the record as it still is")
        c.advance(1.499)
        XCTAssertEqual(h.send("GET", "/v1/whm/accounts/2").json["data"]?["status"], .string("active"))
        c.advance(0.001)
        let after = h.send("GET", "/v1/whm/accounts/2").json["data"]
        XCTAssertEqual(after?["status"], .string("suspended"))
        XCTAssertEqual(after?["suspended_reason"], .string("abuse"))
    }

    func testACreatedAccountIsPendingUntilDueInGetAndList() throws {
        let (h, c) = try make()
        let body = #"{"domain":"new.example","username":"newone","email":"a@new.example","password":"long-enough","package":"basic","server_id":1}"#
        let r = h.send("POST", "/v1/whm/accounts", body: body)
        XCTAssertEqual(r.status, 202)
        XCTAssertEqual(r.json["data"]?["id"], .int(11))
        XCTAssertEqual(r.json["data"]?["status"], .string("pending"))
        XCTAssertEqual(h.header(r.headers, "Location"), "http://127.0.0.1:1/v1/whm/accounts/11")
        XCTAssertEqual(h.send("GET", "/v1/whm/accounts/11").json["data"]?["status"], .string("pending"))
        let listed = h.send("GET", "/v1/whm/accounts", query: "filter[status]=pending").json["data"]?.arrayValue ?? []
        XCTAssertEqual(listed.map { $0["id"] }, [.int(11)])
        c.advance(2)
        XCTAssertEqual(h.send("GET", "/v1/whm/accounts/11").json["data"]?["status"], .string("active"))
    }

    func testADeletedAccountIsFoundUntilDueThen404() throws {
        let (h, c) = try make()
        XCTAssertEqual(h.send("DELETE", "/v1/whm/accounts/3").status, 202)
        XCTAssertEqual(h.send("GET", "/v1/whm/accounts/3").status, 200)
        c.advance(1.5)
        XCTAssertEqual(h.send("GET", "/v1/whm/accounts/3").status, 404)
    }

    func testAnUpdateShowsWhenDueAndChangesMadeInOrder() throws {
        let (h, c) = try make()
        XCTAssertEqual(h.send("PATCH", "/v1/whm/accounts/4", body: #"{"notes":"first"}"#).json["meta"]?["job_id"], .string("job_1"))
        c.advance(0.5)
        XCTAssertEqual(h.send("PATCH", "/v1/whm/accounts/4", body: #"{"notes":"second"}"#).json["meta"]?["job_id"], .string("job_2"))
        c.advance(1.0)
        XCTAssertEqual(h.send("GET", "/v1/whm/accounts/4").json["data"]?["notes"], .string("first"))
        c.advance(0.5)
        XCTAssertEqual(h.send("GET", "/v1/whm/accounts/4").json["data"]?["notes"], .string("second"))
    }

    func testWhatWouldFailIsAnsweredAtOnceAndNothingIsQueued() throws {
        let (h, c) = try make()
        XCTAssertEqual(h.send("PATCH", "/v1/whm/accounts/4", body: #"{"email":"not-an-address"}"#).status, 422)
        XCTAssertEqual(h.send("POST", "/v1/whm/accounts/999/suspend").status, 404)
        XCTAssertEqual(h.send("POST", "/v1/whm/accounts", body: #"{"domain":"x.example"}"#).status, 422)
        c.advance(5)
        XCTAssertEqual(h.send("GET", "/v1/whm/accounts/4").json["data"]?["email"]?.stringValue?.contains("@"), true)
        let active = (h.send("GET", "/v1/billing/subscriptions", query: "filter[status]=active").json["data"]?.arrayValue ?? []).first
        let id = try XCTUnwrap(active?["id"]?.intValue)
        let first = h.send("POST", "/v1/billing/subscriptions/\(id)/cancel")
        XCTAssertEqual(first.status, 202)
        XCTAssertEqual(first.json["meta"]?["job_id"], .string("job_1"), "the refused changes used up no job")
        c.advance(2)
        XCTAssertEqual(h.send("GET", "/v1/billing/subscriptions/\(id)").json["data"]?["status"], .string("cancelled"))
        XCTAssertEqual(h.send("POST", "/v1/billing/subscriptions/\(id)/cancel").status, 409)
    }

    func testWithoutAsyncChangesAreAnsweredAsBefore() throws {
        let h = try Harness(accounts: 10)
        let r = h.send("POST", "/v1/whm/accounts/2/suspend")
        XCTAssertEqual(r.status, 200)
        XCTAssertNil(h.header(r.headers, "Location"))
        XCTAssertNil(r.json["meta"]?.objectValue)
        XCTAssertEqual(h.send("DELETE", "/v1/whm/accounts/3").status, 204)
    }

    func testTheQueueIsBoundedAndRefusesBeyondWith503() throws {
        let c = FakeClock(1_800_000_000)
        let h = try Harness(accounts: 10, clock: c, asyncMs: 60_000, asyncQueueCap: 50)
        XCTAssertEqual(AsyncChanges.queueCap, 100_000, "the documented bound")
        for _ in 0..<50 { XCTAssertEqual(h.sim.handle(Self.unsuspend).status, 202) }
        let r = h.send("POST", "/v1/whm/accounts/2/unsuspend")
        XCTAssertEqual(r.status, 503)
        XCTAssertEqual(r.json["error"]?["code"], .string("SERVICE_UNAVAILABLE"))
        c.advance(60)
        XCTAssertEqual(h.send("POST", "/v1/whm/accounts/2/unsuspend").status, 202, "once made, there is room again")
    }

    static let unsuspend = SimRequest(method: "POST", path: "/v1/whm/accounts/2/unsuspend", rawQuery: "",
                                      headers: [("host", "127.0.0.1:1"), ("authorization", "Bearer sk_test_abc123xyz")], body: [])
}
