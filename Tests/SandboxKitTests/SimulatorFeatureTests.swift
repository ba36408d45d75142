import XCTest
@testable import SandboxKit
import SoporteJSON

final class SimulatorFeatureTests: XCTestCase {
    func testAnAdminTokenWithQuotesBackslashesAndUTF8() throws {
        let hostile = "sk_\"q'u\\ö"
        let h = try Harness(adminTokens: [hostile])
        let (st, headers, doc) = h.send("GET", "/v1/admin/system/health", token: hostile)
        XCTAssertEqual(st, 200)
        XCTAssertEqual(doc["data"]?["status"]?.stringValue, "healthy")
        XCTAssertEqual(h.header(headers, "X-RateLimit-Limit"), nil, "limits are off in this harness")
        XCTAssertEqual(h.send("GET", "/v1/admin/system/health", token: "sk_test_user_123").status, 403)
        XCTAssertEqual(h.send("GET", "/v1/whm/servers", token: "sk_\"q'u\\o").status, 401)
        let record = h.send("GET", "/_sandbox/requests", token: nil).json["data"]?.arrayValue ?? []
        XCTAssertEqual(record.first?["headers"]?["authorization"]?.stringValue, "Bearer sk_\"…")
    }

    func testAdminTokensGetTheAdminTier() throws {
        let h = try Harness(rateLimit: .tiers, adminTokens: ["sk_extra"])
        let (_, headers, _) = h.send("GET", "/v1/whm/servers", token: "sk_extra")
        XCTAssertEqual(h.header(headers, "X-RateLimit-Limit"), "200")
        XCTAssertNil(Simulator.problem(withAdminToken: "ok_ö\"'\\"))
        for bad in ["", " lead", "trail ", "a\r\nb", "nul\u{0}"] { XCTAssertNotNil(Simulator.problem(withAdminToken: bad), bad) }
    }

    func testHealthChecksCanBeSet() throws {
        let h = try Harness(accounts: 12)
        let set = h.send("PUT", "/_sandbox/health", body: #"{"status": "degraded", "checks": {"database": "failing", "search": "slow"}}"#, token: nil)
        XCTAssertEqual(set.status, 200)
        var doc = h.send("GET", "/v1/admin/system/health").json["data"]
        XCTAssertEqual(doc?["status"]?.stringValue, "degraded")
        XCTAssertEqual(doc.map { JSONWriter.compact($0["checks"]!) }, #"{"database":"failing","cache":"ok","queue":"ok","search":"slow"}"#)
        XCTAssertEqual(doc?["accounts"]?.intValue, 12)
        h.send("PUT", "/_sandbox/health", body: #"{"checks": {"cache": "failing"}}"#, token: nil)
        doc = h.send("GET", "/v1/admin/system/health").json["data"]
        XCTAssertEqual(doc?["status"]?.stringValue, "degraded")
        XCTAssertEqual(doc?["checks"]?["cache"]?.stringValue, "failing")
        XCTAssertEqual(doc?["checks"]?["search"], nil)
        h.send("PUT", "/_sandbox/health", body: #"{"status": "healthy"}"#, token: nil)
        doc = h.send("GET", "/v1/admin/system/health").json["data"]
        XCTAssertEqual(doc.map { JSONWriter.compact($0["checks"]!) }, #"{"database":"ok","cache":"ok","queue":"ok"}"#)
        for bad in [#"{}"#, #"{"checks": {"db": 1}}"#, #"{"checks": []}"#, #"{"status": 3}"#, "nope"] {
            let (st, _, err) = h.send("PUT", "/_sandbox/health", body: bad, token: nil)
            XCTAssertTrue(st == 400 || st == 422, bad)
            XCTAssertNotNil(err["error"]?["code"]?.stringValue, bad)
        }
    }

    func testRequestRecordKeepsTheNewest() throws {
        var s = SimulatorState(store: Store(), limiter: RateLimiter(policy: .off))
        let cap = SimulatorState.requestRecordCap
        for i in 0..<(2 * cap + 5) { s.appendRecord(SimulatorState.RecordEntry(value: .int(i), bytes: 1)) }
        let kept = s.recordedRequests
        XCTAssertEqual(kept.count, cap)
        XCTAssertEqual(kept.last, .int(2 * cap + 4))
        XCTAssertEqual(kept.first, .int(cap + 5))
    }
}
