import XCTest
@testable import SandboxKit
import SoporteJSON

/// docs/CONTRACT.md §12.4: who may talk to the sandbox, and how much its record and fault queue hold.
final class ControlPlaneTests: XCTestCase {
    func request(_ path: String, headers: [(String, String)], version: String = "HTTP/1.1", method: String = "GET") -> SimRequest {
        SimRequest(method: method, path: path, rawQuery: "", headers: headers, body: [], version: version)
    }

    // MARK: - Host

    func testOnlyLoopbackHostsAreAnswered() throws {
        let h = try Harness()
        let auth = ("authorization", "Bearer sk_test_abc123xyz")
        for host in ["127.0.0.1", "127.0.0.1:8080", "localhost", "LocalHost:1", "[::1]", "[::1]:65535", "localhost:0"] {
            XCTAssertEqual(h.sim.handle(request("/v1/whm/servers", headers: [("host", host), auth])).status, 200, host)
            XCTAssertEqual(h.sim.handle(request("/_sandbox/stats", headers: [("host", host)])).status, 200, host)
        }
        for host in ["127.0.0.1.evil.com", "localhost.", "127..0.0.1", "evil.com", "", "127.0.0.2", "0x7f.1", "[::1", "::1",
                     "[::2]", "[::1]x", "localhost:", "localhost:65536", "localhost:123456", "localhost:-1", "localhost:+80",
                     "localhost:80:80", "local\u{212A}host", "127.0.0.1 ", "localhost@evil.com", "[::ffff:127.0.0.1]"] {
            for path in ["/v1/whm/servers", "/_sandbox/requests", "/elsewhere"] {
                let r = h.sim.handle(request(path, headers: [("host", host), auth]))
                XCTAssertEqual(r.status, 421, "\(host) \(path)")
                let doc = try JSONParser.parse(r.body)
                XCTAssertEqual(doc["error"]?["code"]?.stringValue, "MISDIRECTED_REQUEST")
                XCTAssertNotNil(doc["error"]?["request_id"]?.stringValue)
            }
        }
        // No Host: refused on HTTP/1.1, which requires one; answered on HTTP/1.0.
        XCTAssertEqual(h.sim.handle(request("/v1/whm/servers", headers: [auth])).status, 421)
        XCTAssertEqual(h.sim.handle(request("/v1/whm/servers", headers: [auth], version: "HTTP/1.0")).status, 200)
        // Two Host headers, even two good ones: which one a proxy read is unknown.
        XCTAssertEqual(h.sim.handle(request("/v1/whm/servers", headers: [("host", "localhost"), ("host", "evil.com"), auth])).status, 421)
        XCTAssertEqual(h.sim.handle(request("/v1/whm/servers", headers: [("host", "localhost"), ("host", "localhost"), auth])).status, 421)
        // A refused request is not recorded, and no fault is spent on it.
        h.send("DELETE", "/_sandbox/requests", token: nil)
        h.send("POST", "/_sandbox/faults", body: #"{"status": 503}"#, token: nil)
        _ = h.sim.handle(request("/v1/whm/servers", headers: [("host", "evil.com"), auth]))
        XCTAssertEqual(h.send("GET", "/_sandbox/requests", token: nil).json["data"]?.arrayValue?.count, 0)
        XCTAssertEqual(h.send("GET", "/v1/whm/servers").status, 503)
    }

    func testLinksComeFromTheListeningAddressNotTheHost() throws {
        let h = try Harness()
        h.sim.listening(onPort: 5555)
        let r = h.sim.handle(request("/v1/whm/accounts", headers: [("host", "localhost:9999"), ("x-forwarded-proto", "https"),
                                                                     ("authorization", "Bearer sk_test_abc123xyz")]))
        let doc = try JSONParser.parse(r.body)
        XCTAssertEqual(doc["links"]?["first"]?.stringValue, "http://127.0.0.1:5555/v1/whm/accounts?page=1")
    }

    // MARK: - The request record

    func testAuthorizationIsRecordedCut() {
        XCTAssertEqual(SimulatorState.cutCredentials("Bearer sk_test_abc123xyz"), "Bearer sk_t…")
        XCTAssertEqual(SimulatorState.cutCredentials("Bearer   sk_test_abc123xyz"), "Bearer sk_t…")
        XCTAssertEqual(SimulatorState.cutCredentials("Basic dXNlcjpwYXNz"), "Basic dXNl…")
        XCTAssertEqual(SimulatorState.cutCredentials("sk_test_abc123xyz"), "sk_t…")
        XCTAssertEqual(SimulatorState.cutCredentials("Bearer ñöß€漢字"), "Bearer ñöß…")
        // Never more than half of a short token.
        XCTAssertEqual(SimulatorState.cutCredentials("Bearer abcdef"), "Bearer abc…")
        XCTAssertEqual(SimulatorState.cutCredentials("Bearer a"), "Bearer …")
        XCTAssertEqual(SimulatorState.cutCredentials("Bearer "), "Bearer ")
        // A "scheme" with odd characters is no scheme: the whole value is cut.
        XCTAssertEqual(SimulatorState.cutCredentials("sk_x\"y z123456"), "sk_x…")
    }

    func testRecordedBodiesAreCutAt64KiB() throws {
        let limit = SimulatorState.recordedBodyLimit
        // A two-byte character across the limit is left out whole.
        var body = [UInt8](repeating: 0x61, count: limit - 1) + Array("é".utf8) + [UInt8](repeating: 0x62, count: 100)
        var e = SimulatorState.recordEntry(SimRequest(method: "POST", path: "/v1/x", rawQuery: "", headers: [], body: body))
        XCTAssertEqual(e.value["body"]?.stringValue?.utf8.count, limit - 1)
        XCTAssertEqual(e.value["body_truncated"], .bool(true))
        XCTAssertEqual(e.value["body_bytes"]?.intValue, limit + 101)
        XCTAssertLessThan(e.bytes, limit + 1024)
        body = [UInt8](repeating: 0x61, count: limit)
        e = SimulatorState.recordEntry(SimRequest(method: "POST", path: "/v1/x", rawQuery: "", headers: [], body: body))
        XCTAssertEqual(e.value["body"]?.stringValue?.utf8.count, limit)
        XCTAssertNil(e.value["body_truncated"])
        XCTAssertNil(e.value["body_bytes"])
    }

    func testTheRecordIsBoundedInBytesAndDeleteEmptiesIt() throws {
        var s = SimulatorState(store: Store(), limiter: RateLimiter(policy: .off))
        let big = SimRequest(method: "POST", path: "/v1/whm/accounts", rawQuery: "", headers: [("host", "localhost")],
                             body: [UInt8](repeating: 0x7A, count: 1 << 20))
        for _ in 0..<1000 { s.appendRecord(SimulatorState.recordEntry(big)) }
        XCTAssertLessThanOrEqual(s.recordedBytes, SimulatorState.requestRecordBytes)
        let kept = s.recordedRequests.count
        // Each entry keeps 64 KiB of its body: about 16 MiB / 64 KiB of them.
        XCTAssertGreaterThan(kept, 200)
        XCTAssertLessThanOrEqual(kept, SimulatorState.requestRecordBytes / SimulatorState.recordedBodyLimit)
        // The newest stays even when it alone is over the bound.
        s.appendRecord(SimulatorState.RecordEntry(value: .string("newest"), bytes: SimulatorState.requestRecordBytes + 1))
        XCTAssertEqual(s.recordedRequests, [.string("newest")])
        s.clearRecord()
        XCTAssertEqual(s.recordedRequests.count, 0)
        XCTAssertEqual(s.recordedBytes, 0)
    }

    func testTheRecordThroughTheSimulator() throws {
        let h = try Harness()
        h.send("POST", "/v1/whm/accounts", body: String(repeating: "x", count: 70_000))
        let entry = h.send("GET", "/_sandbox/requests", token: nil).json["data"]?.arrayValue?.first
        XCTAssertEqual(entry?["headers"]?["authorization"]?.stringValue, "Bearer sk_t…")
        XCTAssertEqual(entry?["body_truncated"], .bool(true))
        XCTAssertEqual(entry?["body_bytes"]?.intValue, 70_000)
        XCTAssertEqual(entry?["body"]?.stringValue?.count, 65_536)
    }

    // MARK: - Faults

    func testTheFaultQueueHoldsTenThousandAllOrNothing() throws {
        let h = try Harness()
        let one = #"{"match": {"path": "/v1/none"}}"#
        let batch = "[" + Array(repeating: one, count: 1000).joined(separator: ",") + "]"
        for _ in 0..<9 { XCTAssertEqual(h.send("POST", "/_sandbox/faults", body: batch, token: nil).status, 200) }
        XCTAssertEqual(h.send("POST", "/_sandbox/faults", body: "[" + Array(repeating: one, count: 999).joined(separator: ",") + "]", token: nil).status, 200)
        XCTAssertEqual(h.sim.state.withLock { $0.faults.count }, 9_999)
        // Two more would be 10,001: refused, and neither is queued.
        let (st, _, err) = h.send("POST", "/_sandbox/faults", body: "[\(one),\(one)]", token: nil)
        XCTAssertEqual(st, 400)
        XCTAssertEqual(err["error"]?["code"]?.stringValue, "BAD_REQUEST")
        XCTAssertTrue(err["error"]?["message"]?.stringValue?.contains("10000") ?? false)
        XCTAssertEqual(h.sim.state.withLock { $0.faults.count }, 9_999)
        XCTAssertEqual(h.send("POST", "/_sandbox/faults", body: one, token: nil).status, 200)
        XCTAssertEqual(h.send("POST", "/_sandbox/faults", body: one, token: nil).status, 400)
        XCTAssertEqual(h.sim.state.withLock { $0.faults.count }, 10_000)
        h.send("DELETE", "/_sandbox/faults", token: nil)
        XCTAssertEqual(h.send("POST", "/_sandbox/faults", body: batch, token: nil).status, 200)
        // Used faults make room.
        h.send("DELETE", "/_sandbox/faults", token: nil)
        XCTAssertEqual(h.send("POST", "/_sandbox/faults", body: #"{"status": 503, "count": 2}"#, token: nil).status, 200)
        h.send("GET", "/v1/whm/servers")
        h.send("GET", "/v1/whm/servers")
        XCTAssertEqual(h.sim.state.withLock { $0.faults.count }, 0)
    }

    func testTheFaultQueueIsBoundedInBytes() throws {
        var s = SimulatorState(store: Store(), limiter: RateLimiter(policy: .off))
        var f = Fault()
        f.body = [UInt8](repeating: 0x20, count: 1 << 20)
        for _ in 0..<(SimulatorState.faultQueueBytes >> 20) - 1 { XCTAssertNil(s.enqueue([f])) }
        XCTAssertNotNil(s.enqueue([f]), "a 64th MiB of bodies (with the faults' own bytes) is over the bound")
        XCTAssertEqual(s.faults.count, (SimulatorState.faultQueueBytes >> 20) - 1)
        s.clearFaults()
        XCTAssertNil(s.enqueue([f]))
    }

    // MARK: - Search

    func testALongSearchIs422BeforeAnyWork() throws {
        let h = try Harness()
        let (st, _, err) = h.send("GET", "/v1/whm/accounts", query: "search=" + String(repeating: "a", count: 257))
        XCTAssertEqual(st, 422)
        XCTAssertEqual(err["error"]?["code"]?.stringValue, "VALIDATION_ERROR")
        XCTAssertEqual(err["error"]?["details"].map(JSONWriter.compact), #"{"search":["The search may not be greater than 256 characters."]}"#)
        XCTAssertEqual(h.send("GET", "/v1/whm/accounts", query: "search=" + String(repeating: "a", count: 256)).status, 200)
        // Characters, not bytes: 256 two-byte letters pass.
        XCTAssertEqual(h.send("GET", "/v1/whm/accounts", query: "search=" + String(repeating: "%C3%A9", count: 256)).status, 200)
        XCTAssertEqual(h.send("GET", "/v1/whm/accounts", query: "search=" + String(repeating: "%C3%A9", count: 257)).status, 422)
        // Checked first: before a bad filter or page is looked at.
        XCTAssertEqual(h.send("GET", "/v1/whm/accounts", query: "filter[nope]=1&search=" + String(repeating: "a", count: 300)).json["error"]?["details"]?["search"] != nil, true)
    }
}
