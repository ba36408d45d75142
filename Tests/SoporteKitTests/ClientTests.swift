import XCTest
@testable import SoporteKit
import SoporteJSON

/// The client's logic through the stub registry: retries, waits, redirects, headers,
/// and what it says and refuses. Waits run on a virtual clock.
final class ClientTests: XCTestCase {
    let one = #"{"data":{"id":1,"domain":"a.example"}}"#

    func testRetriesIdempotentRequestsOn502503504() {
        for status in [502, 503, 504] {
            let h = Harness()
            h.transport.json("GET", "/v1/whm/accounts/1", status: status, #"{"error":{"code":"X","message":"busy"}}"#)
            h.transport.json("GET", "/v1/whm/accounts/1", one)
            let r = h.run(["accounts", "get", "1", "-o", "json"])
            XCTAssertEqual(r.status, 0, "\(status): \(r.err)")
            XCTAssertEqual(r.out, one.replacingOccurrences(of: #"{"data":"#, with: "").dropLast() + "\n")
            h.transport.verify()
        }
    }

    func testDoesNotRetryAPostOnA503ButDoesOnA429() {
        let h = Harness()
        h.transport.json("POST", "/v1/whm/accounts/2/suspend", status: 503, #"{"error":{"code":"SERVICE_UNAVAILABLE","message":"down"}}"#)
        let r = h.run(["accounts", "suspend", "2", "--yes"])
        XCTAssertEqual(r.status, 8)
        h.transport.verify()
        let h2 = Harness()
        h2.transport.json("POST", "/v1/whm/accounts/2/suspend", status: 429, headers: [("Retry-After", "3")], #"{"error":{"code":"RATE_LIMIT_EXCEEDED","message":"slow"}}"#)
        h2.transport.json("POST", "/v1/whm/accounts/2/suspend", one)
        let r2 = h2.run(["accounts", "suspend", "2", "--yes"])
        XCTAssertEqual(r2.status, 0, r2.err)
        XCTAssertEqual(h2.clock.slept, [3])
        XCTAssertTrue(r2.err.contains("rate limited (429): retrying POST /whm/accounts/2/suspend in 3.0 s (attempt 2 of 4)"), r2.err)
        h2.transport.verify()
    }

    func testAWaitLongerThanMaxWaitIsExit7AtOnceSayingWhen() {
        let h = Harness()
        h.transport.json("GET", "/v1/whm/servers", query: ["page": "1"], status: 429, headers: [("Retry-After", "120")],
                         #"{"error":{"code":"RATE_LIMIT_EXCEEDED","message":"slow down"}}"#)
        let r = h.run(["servers", "list"])
        XCTAssertEqual(r.status, 7)
        XCTAssertEqual(h.clock.slept, [], "it did not sleep")
        XCTAssertTrue(r.err.contains("a wait of 120 s") && r.err.contains("more than --max-wait 60 s") && r.err.contains("Try again after"), r.err)
        h.transport.verify()
        let h2 = Harness()
        h2.transport.json("GET", "/v1/whm/servers", query: ["page": "1"], status: 429, headers: [("Retry-After", "120")], "{}")
        h2.transport.json("GET", "/v1/whm/servers", query: ["page": "1"], #"{"data":[],"meta":{"last_page":1,"per_page":100,"total":0}}"#)
        XCTAssertEqual(h2.run(["servers", "list", "--max-wait", "300"]).status, 0)
        XCTAssertEqual(h2.clock.slept, [120])
    }

    /// docs/CONTRACT.md §12.1: a body of `null` is what the API said, and `api` prints it; no body
    /// at all prints nothing.
    func testApiPrintsABodyOfNullButNothingForNoBody() {
        let h = Harness()
        h.transport.json("GET", "/v1/whm/settings", "null")
        h.transport.json("GET", "/v1/whm/settings", status: 204, "")
        let r = h.run(["api", "GET", "/whm/settings"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(r.out, "null\n")
        XCTAssertEqual(h.run(["api", "GET", "/whm/settings"]).out, "")
        h.transport.verify()
    }

    func testRedirectsStayInTheOriginAndTheTokenNeverLeaves() {
        let h = Harness()
        h.transport.json("GET", "/v1/whm/accounts/1", status: 302, headers: [("Location", "/v1/whm/accounts/3")], "")
        h.transport.json("GET", "/v1/whm/accounts/3", #"{"data":{"id":3}}"#)
        XCTAssertEqual(h.run(["accounts", "get", "1", "-o", "json"]).out, "{\"id\":3}\n")
        h.transport.verify()
        let h2 = Harness()
        h2.transport.json("GET", "/v1/whm/accounts/1", status: 302, headers: [("Location", "https://evil.test/steal")], "")
        let r = h2.run(["accounts", "get", "1"])
        XCTAssertEqual(r.status, 8)
        XCTAssertTrue(r.err.contains("another origin"))
        XCTAssertEqual(h2.transport.requests.count, 1)
        h2.transport.verify()
    }

    func testHeadersAndSignature() {
        let h = Harness()
        h.env["SOPORTE_SIGNING_SECRET"] = "sign-me"
        h.env["SOPORTE_LICENSE_KEY"] = "LIC-1"
        h.transport.json("POST", "/v1/whm/accounts/7/suspend", one)
        _ = h.run(["accounts", "suspend", "7", "--yes", "--reason", "x", "--request-id", "rid-1"])
        let req = h.transport.requests[0]
        XCTAssertEqual(req.header("Authorization"), "Bearer tok-unit-1234")
        XCTAssertEqual(req.header("X-Request-ID"), "rid-1")
        XCTAssertEqual(req.header("X-License-Key"), "LIC-1")
        XCTAssertEqual(req.header("Content-Type"), "application/json")
        let ts = req.header("X-Timestamp") ?? ""
        XCTAssertEqual(req.header("X-Signature"), RequestBuilder.signature(secret: "sign-me", method: "POST", path: "/whm/accounts/7/suspend",
                                                                            timestamp: ts, body: req.body ?? []))
    }

    func testAnEchoedSecretIsRedactedInEveryStream() {
        let h = Harness()
        h.env["SOPORTE_API_TOKEN"] = #"tok"q'\ü-9"#
        let echoed = #"{"error":{"code":"RESOURCE_NOT_FOUND","message":"no account for tok\"q'\\\u00fc-9","request_id":"tok\"q'\\ü-9","details":{"token":["tok\"q'\\ü-9"]}}}"#
        for args in [["accounts", "get", "9"], ["accounts", "get", "9", "-o", "json"], ["accounts", "get", "9", "-vv"]] {
            h.transport.json("GET", "/v1/whm/accounts/9", status: 404, echoed)
            let r = h.run(args)
            XCTAssertEqual(r.status, 5)
            for form in [#"tok"q'\ü-9"#, #"tok\"q'\\ü-9"#, #"tok\"q'\\\u00fc-9"#, "ü-9"] {
                XCTAssertFalse(r.out.contains(form) || r.err.contains(form), "\(args): \(form) in \(r.err)")
            }
            XCTAssertTrue(r.err.contains("[redacted]"), r.err)
        }
    }

    func testVeryVerboseMasksSecretKeysAtAnyDepthEvenInALongBody() {
        let h = Harness()
        h.transport.json("PATCH", "/v1/whm/accounts/4", #"{"data":{"id":4,"account":{"password":"hunter2-long","token":"x"},"pad":"\#(String(repeating: "z", count: 5000))"}}"#)
        let r = h.run(["accounts", "update", "4", "--set", "notes=x", "-vv"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertFalse(r.err.contains("hunter2"))
        XCTAssertTrue(r.err.contains(#""password":"[redacted]","token":"[redacted]""#), r.err)
    }

    func testAPostWhoseAnswerIsLostIsNotRepeated() {
        let h = Harness()
        h.transport.stub("POST", "/v1/whm/accounts/2/suspend") { _ in .failure(TransportError(.receive, "connection reset", requestSent: true)) }
        let r = h.run(["accounts", "suspend", "2", "--yes"])
        XCTAssertEqual(r.status, 9)
        XCTAssertTrue(r.out.contains("unknown 2: the outcome of POST /whm/accounts/2/suspend is unknown"), r.out)
        h.transport.verify()
    }

    func testAnnouncesEveryWaitOverASecondUnlessQuiet() {
        for quiet in [false, true] {
            let h = Harness()
            h.transport.json("GET", "/v1/whm/accounts/1", status: 503, headers: [("Retry-After", "2")], "{}")
            h.transport.json("GET", "/v1/whm/accounts/1", one)
            let r = h.run(["accounts", "get", "1"] + (quiet ? ["-q"] : []))
            XCTAssertEqual(r.status, 0)
            XCTAssertEqual(r.err.contains("HTTP 503: retrying GET /whm/accounts/1 in 2.0 s (attempt 2 of 4)"), !quiet, r.err)
        }
    }
}

/// The pacer against simulated servers of both kinds: no 429, within 1.1x of the bound.
final class PacerTests: XCTestCase {
    /// A token bucket (Limit per minute + burst) and a fixed window, as pure functions.
    struct Bucket {
        let limit: Double, burst: Double
        var tokens: Double, at: Double
        mutating func serve(_ t: Double) -> (ok: Bool, headers: (String, String, String)) {
            tokens = min(limit + burst, tokens + (t - at) * limit / 60)
            at = t
            let ok = tokens >= 1
            if ok { tokens -= 1 }
            let reset = Int((t + (limit + burst - tokens) / (limit / 60)).rounded(.up))
            return (ok, (String(Int(limit)), String(Int(tokens)), String(reset)))
        }
    }

    struct Window {
        let limit: Int, seconds: Double
        var used = 0, windowStart = 0.0
        mutating func serve(_ t: Double) -> (ok: Bool, headers: (String, String, String)) {
            let start = (t / seconds).rounded(.down) * seconds
            if start != windowStart { windowStart = start; used = 0 }
            let ok = used < limit
            if ok { used += 1 }
            return (ok, (String(limit), String(limit - used), String(Int(start + seconds))))
        }
    }

    /// Runs `n` sequential requests through the pacer; returns (429s, seconds taken).
    func walk(_ n: Int, start: Double, serve: (Double) -> (ok: Bool, headers: (String, String, String))) -> (Int, Double) {
        let p = RatePacer()
        var t = start, rejected = 0, done = 0
        while done < n {
            switch p.next(now: t, block: false) {
            case .waitForAnswer: XCTFail("one request at a time never waits for another")
            case .wait(let d): t += d
            case .go:
                let (ok, h) = serve(t)
                t += 0.002
                p.observe(limit: h.0, remaining: h.1, reset: h.2, now: t)
                if ok { done += 1 } else { rejected += 1; t += 1 }
            }
        }
        return (rejected, t - start)
    }

    func testTokenBucketNo429AndWithinTheBound() {
        var b = Bucket(limit: 100, burst: 20, tokens: 120, at: 1000)
        let (rejected, took) = walk(200, start: 1000) { b.serve($0) }
        let bound = Double(200 - 120) * 60 / 100
        XCTAssertEqual(rejected, 0)
        XCTAssertLessThanOrEqual(took, bound * 1.1, "took \(took) s, bound \(bound) s")
    }

    func testFixedWindowNo429AndWithinTheBound() {
        var w = Window(limit: 5, seconds: 2)
        let (rejected, took) = walk(8, start: 1000.5) { w.serve($0) }
        let bound = 2.0 - 0.5   // the first window's rest, then three more at once
        XCTAssertEqual(rejected, 0)
        XCTAssertLessThanOrEqual(took, bound * 1.1 + 0.05, "took \(took) s, bound \(bound) s")
        var w2 = Window(limit: 50, seconds: 10)
        let (r2, t2) = walk(120, start: 1001) { w2.serve($0) }
        XCTAssertEqual(r2, 0)
        XCTAssertLessThanOrEqual(t2, 19 * 1.1, "took \(t2)")
    }

    /// Laravel's throttle: a window of `seconds` from the first request of the key (not
    /// aligned to the clock), Limit and Remaining on every answer, Reset on the 429 alone.
    struct LaravelWindow {
        let limit: Int, seconds: Double
        var used = 0, windowStart: Double? = nil
        mutating func serve(_ t: Double) -> (ok: Bool, headers: (String, String, String?)) {
            if let s = windowStart, t >= s + seconds { windowStart = nil }
            if windowStart == nil { windowStart = t; used = 0 }
            let ok = used < limit
            if ok { used += 1 }
            return (ok, (String(limit), String(max(0, limit - used)), ok ? nil : String(Int((windowStart! + seconds).rounded(.up)))))
        }
    }

    /// `n` requests, `width` in flight, each answered `latency` after it is sent (the
    /// server decides when it arrives); returns (429s, seconds taken, longest single wait).
    func concurrentWalk(_ n: Int, width: Int, latency: Double, start: Double, pacer p: RatePacer = RatePacer(), maxWait: Double = 60,
                        serve: (Double) -> (ok: Bool, headers: (String, String, String?))) -> (Int, Double, Double) {
        var t = start, rejected = 0, done = 0, longest = 0.0
        var inFlight: [(at: Double, ok: Bool, h: (String, String, String?))] = []
        var wake = -Double.infinity
        while done < n {
            while inFlight.count < width && done + inFlight.count < n && t >= wake {
                switch p.next(now: t, maxWait: maxWait, block: false) {
                case .waitForAnswer: wake = .infinity  // until a request in flight ends
                case .wait(let d): wake = t + d; longest = max(longest, d)
                case .go:
                    let (ok, h) = serve(t)
                    inFlight.append((t + latency, ok, h))
                }
            }
            let next = min(inFlight.map(\.at).min() ?? .infinity, wake > t ? wake : .infinity)
            t = next
            for f in inFlight where f.at <= t {
                p.observe(limit: f.h.0, remaining: f.h.1, reset: f.h.2, now: t)
                if f.ok { done += 1 } else { rejected += 1 }
                if wake == .infinity { wake = t }
            }
            inFlight.removeAll { $0.at <= t }
        }
        return (rejected, t - start, longest)
    }

    func testLaravelThrottleWithoutResetNo429AndWithinTheBound() {
        // 50 pages at 30 a minute, 4 in flight: the limit itself imposes one minute.
        var w = LaravelWindow(limit: 30, seconds: 60)
        let (rejected, took, _) = concurrentWalk(50, width: 4, latency: 0.02, start: 1000.3) { w.serve($0) }
        XCTAssertEqual(rejected, 0, "in-flight requests count against Remaining")
        XCTAssertLessThanOrEqual(took, 60 * 1.1, "took \(took) s")
        // The same window again, straight after: its budget is what the first walk left.
        let (r2, t2, _) = concurrentWalk(50, width: 4, latency: 0.02, start: 1000.3 + took) { w.serve($0) }
        XCTAssertEqual(r2, 0)
        XCTAssertLessThanOrEqual(t2, 120 * 1.1, "took \(t2) s")
    }

    func testBackToBackBucketWalksNeverFailOnTheEstimate() {
        // The public tier's bucket (60 a minute, burst 10), drained by a first walk: the
        // second starts with Remaining 0 and a Reset 70 s away (when it is full again).
        var b = Bucket(limit: 60, burst: 10, tokens: 70, at: 1000)
        let (r1, t1, _) = concurrentWalk(50, width: 4, latency: 0.02, start: 1000) { let x = b.serve($0); return (x.ok, (x.headers.0, x.headers.1, x.headers.2)) }
        XCTAssertEqual(r1, 0)
        let (r2, t2, longest) = concurrentWalk(50, width: 4, latency: 0.02, start: 1000 + t1) { let x = b.serve($0); return (x.ok, (x.headers.0, x.headers.1, x.headers.2)) }
        XCTAssertEqual(r2, 0)
        XCTAssertLessThanOrEqual(longest, 60, "no wait past --max-wait is asked for")
        let bound = Double(50 - 20) * 60 / 60   // what the bucket held after the first walk, then its refill
        XCTAssertLessThanOrEqual(t2, bound * 1.1 + 1, "took \(t2) s, bound \(bound) s")
    }

    func testARunThatStartsOnADrainedBucketSendsOneRequestFirst() {
        // Another run left the bucket (100 a minute, burst 20) with one request in it.
        var b = Bucket(limit: 100, burst: 20, tokens: 1, at: 1000)
        let (rejected, took, longest) = concurrentWalk(140, width: 4, latency: 0.01, start: 1000) {
            let x = b.serve($0); return (x.ok, (x.headers.0, x.headers.1, x.headers.2))
        }
        XCTAssertEqual(rejected, 0, "four at once before any answer told the budget would provoke three 429s")
        let bound = 139.0 * 60 / 100
        XCTAssertLessThanOrEqual(took, bound * 1.1, "took \(took) s, bound \(bound) s")
        XCTAssertLessThanOrEqual(longest, 60)
    }

    func testAWaitPastMaxWaitIsCutToOneRefillAndThenOneRequestGoes() {
        var p = PacingState()
        p.observe(limit: 60, remaining: 0, reset: 1073, now: 1000)
        XCTAssertEqual(p.next(now: 1000, maxWait: 60), .wait(1), "60 / Limit s, not 73 s")
        XCTAssertEqual(p.next(now: 1001, maxWait: 60), .go, "the server's answer decides")
        XCTAssertEqual(p.next(now: 1001, maxWait: 60), .wait(1))
        var q = PacingState()
        q.observe(limit: 60, remaining: 0, reset: 1030, now: 1000)
        guard case .wait(let d) = q.next(now: 1000, maxWait: 60) else { return XCTFail("should wait") }
        XCTAssertGreaterThan(d, 29, "a wait within --max-wait is waited in full")
    }

    func testNeverWaitsPastTheReset() {
        let p = RatePacer()
        p.observe(limit: "5", remaining: "0", reset: "1002", now: 1000)
        guard case .wait(let d) = p.next(now: 1000) else { return XCTFail("should wait") }
        XCTAssertLessThanOrEqual(d, 2 + 1)
        XCTAssertGreaterThanOrEqual(d, 2)
    }
}
