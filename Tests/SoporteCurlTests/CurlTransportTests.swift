#if canImport(Glibc)
import Glibc
#endif
import XCTest
import SandboxKit
import SoporteCurl
import SoporteJSON
import SoporteKit
import SoporteSystem

/// `CurlTransport` against the simulator, served in this process on a port the system
/// picks (as `soporte-sandbox --port 0` does): real sockets and real libcurl, no
/// child process. Faults script what the server does wrong; the request record shows
/// what it was sent.
final class CurlTransportTests: XCTestCase {
    /// One server for the class, started on first use and never stopped (`serve` does
    /// not return; the process ends with the tests). Tests run one after another, and
    /// each matches its faults by a query of its own.
    static let server: (port: Int?, whyNot: String) = {
        do {
            var o = Simulator.Options()
            o.sizes = DataGenerator.Sizes(accounts: 30, invoices: 10)
            o.rateLimit = .off
            let server = try HTTPServer(simulator: try Simulator(options: o), port: 0)
            if let e = Threads.tryStart({ server.serve() }) { return (nil, "\(e)") }
            return (server.port, "")
        } catch {
            return (nil, "\(error)")
        }
    }()

    struct NoServer: Error { let why: String }

    let token = "sk_test_abc123xyz"
    let transport = CurlTransport()

    func base() throws -> String {
        guard let port = CurlTransportTests.server.port else {
            throw NoServer(why: CurlTransportTests.server.whyNot)
        }
        return "http://127.0.0.1:\(port)"
    }

    func request(_ method: String, _ path: String, headers: [(String, String)] = [], body: String? = nil,
                 timeout: Double = 10, maxBody: Int = HTTPRequest.defaultMaxBody) throws -> HTTPRequest {
        HTTPRequest(method: method, url: try base() + path, headers: [("Authorization", "Bearer \(token)")] + headers,
                    body: body.map { Array($0.utf8) }, timeout: timeout, maxBody: maxBody)
    }

    /// Queues faults (a JSON object or array) on the server.
    func fault(_ json: String) throws {
        let r = transport.perform(try request("POST", "/_sandbox/faults", headers: [("Content-Type", "application/json")], body: json))
        XCTAssertEqual(try r.get().status, 200, "the fault was refused: \(text(r))")
    }

    /// The request the server recorded last, and forgets the record.
    func lastRecorded() throws -> JSONObject? {
        let r = try transport.perform(request("GET", "/_sandbox/requests")).get()
        _ = transport.perform(try request("DELETE", "/_sandbox/requests"))
        // Control requests are not recorded: the last entry is the test's.
        return try JSONParser.parse(r.body).objectValue?["data"]?.arrayValue?.last?.objectValue
    }

    func text(_ r: Result<HTTPResponse, TransportError>) -> String {
        switch r {
        case .success(let a): return "\(a.status) \(String(decoding: a.body, as: UTF8.self))"
        case .failure(let e): return "\(e.kind): \(e.message)"
        }
    }

    func failure(_ r: Result<HTTPResponse, TransportError>) -> TransportError? {
        if case .failure(let e) = r { return e }
        XCTFail("expected a failure, got \(text(r))")
        return nil
    }

    // MARK: - Requests and answers

    func testAGetSendsItsHeadersAndReadsStatusHeadersAndBody() throws {
        _ = transport.perform(try request("DELETE", "/_sandbox/requests"))
        let r = transport.perform(try request("GET", "/v1/whm/accounts?per_page=3", headers: [("X-Soporte-Test", "get 1")]))
        let answer = try r.get()
        XCTAssertEqual(answer.status, 200, text(r))
        XCTAssertEqual(answer.header("content-type")?.hasPrefix("application/json"), true, "\(answer.headers)")
        let doc = try JSONParser.parse(answer.body).objectValue
        XCTAssertEqual(doc?["data"]?.arrayValue?.count, 3)
        let sent = try XCTUnwrap(lastRecorded())
        XCTAssertEqual(sent["method"]?.stringValue, "GET")
        XCTAssertEqual(sent["query"]?.stringValue, "per_page=3")
        let headers = try XCTUnwrap(sent["headers"]?.objectValue)
        XCTAssertEqual(headers["x-soporte-test"]?.stringValue, "get 1")
        // Asked for compressed answers; no 100-continue dance.
        XCTAssertEqual(headers["accept-encoding"]?.stringValue, "gzip")
        XCTAssertNil(headers["expect"])
    }

    func testAPostSendsItsBodyAsIs() throws {
        try fault(#"{"match": {"path": "/v1/whm/accounts", "query": "post=1"}, "status": 201, "body": "{\"made\":true}"}"#)
        _ = transport.perform(try request("DELETE", "/_sandbox/requests"))
        let body = #"{"name":"Ñandú \"quoted\"","n":1}"#
        let r = transport.perform(try request("POST", "/v1/whm/accounts?post=1", headers: [("Content-Type", "application/json")], body: body))
        XCTAssertEqual(try r.get().status, 201, text(r))
        XCTAssertEqual(String(decoding: try r.get().body, as: UTF8.self), #"{"made":true}"#)
        let sent = try XCTUnwrap(lastRecorded())
        XCTAssertEqual(sent["method"]?.stringValue, "POST")
        XCTAssertEqual(sent["body"]?.stringValue, body)
        XCTAssertEqual(sent["headers"]?.objectValue?["content-length"]?.stringValue, "\(body.utf8.count)")
    }

    func testAGzippedAnswerIsDecoded() throws {
        // gzip.compress(b'{"ok":true,"via":"gzip"}', mtime=0)
        let gz = "1f8b0800000000000203ab56cacf56b22a292a4dd5512acb4c54b2524aafca2c50aa0500c02c7bcb18000000"
        try fault(#"{"match": {"query": "gz=1"}, "status": 200, "body_hex": "\#(gz)", "headers": {"Content-Encoding": "gzip"}}"#)
        let r = transport.perform(try request("GET", "/v1/whm/accounts?gz=1"))
        XCTAssertEqual(String(decoding: try r.get().body, as: UTF8.self), #"{"ok":true,"via":"gzip"}"#, text(r))
    }

    // MARK: - Failures

    func testNothingListeningIsAConnectFailureNotSent() throws {
        // A port held by a socket that does not listen: a connection to it is refused.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        XCTAssertGreaterThanOrEqual(fd, 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        XCTAssertTrue(bound)
        let port = Int(UInt16(bigEndian: addr.sin_port))
        let r = transport.perform(HTTPRequest(method: "GET", url: "http://127.0.0.1:\(port)/v1/whm/accounts", timeout: 5))
        let e = try XCTUnwrap(failure(r))
        XCTAssertEqual(e.kind, .connect, e.message)
        XCTAssertFalse(e.requestSent)
        XCTAssertTrue(e.message.contains("127.0.0.1:\(port)"), e.message)
    }

    func testAnAnswerSlowerThanTheTimeoutIsATimeout() throws {
        try fault(#"{"match": {"query": "slow=1"}, "delay_ms": 3000}"#)
        let started = SystemClock.monotonic()
        let r = transport.perform(try request("GET", "/v1/whm/accounts?slow=1", timeout: 0.5))
        let took = SystemClock.monotonic() - started
        let e = try XCTUnwrap(failure(r))
        XCTAssertEqual(e.kind, .timeout, e.message)
        XCTAssertTrue(e.requestSent, "the request went out before the server stalled")
        XCTAssertLessThan(took, 2.5, "the timeout did not cut the wait short")
    }

    func testAnAnswerOverTheCapIsRefused() throws {
        let big = String(repeating: "x", count: 5000)
        try fault(#"{"match": {"query": "big=1"}, "status": 200, "body": "\#(big)"}"#)
        let r = transport.perform(try request("GET", "/v1/whm/accounts?big=1", maxBody: 4096))
        let e = try XCTUnwrap(failure(r))
        XCTAssertEqual(e.kind, .tooLarge, e.message)
        // One under the cap passes.
        try fault(#"{"match": {"query": "big=2"}, "status": 200, "body": "\#(big)"}"#)
        let ok = transport.perform(try request("GET", "/v1/whm/accounts?big=2", maxBody: 5000))
        XCTAssertEqual(try ok.get().body.count, 5000, text(ok))
    }

    // MARK: - The multi handle

    /// Six requests the server holds 400 ms each, from six threads at once, all through
    /// the one multi handle: they overlap (well under 6 x 400 ms), and each caller gets
    /// its own answer.
    func testConcurrentRequestsRunTogetherAndEachGetsItsOwnAnswer() throws {
        let n = 6
        for i in 0..<n {
            try fault(#"{"match": {"query": "par=\#(i)"}, "status": 200, "delay_ms": 400, "body": "answer \#(i)"}"#)
        }
        let requests = try (0..<n).map { try request("GET", "/v1/whm/accounts?par=\($0)") }
        let done = Gate([Int: String]())
        let transport = self.transport
        let started = SystemClock.monotonic()
        for (i, req) in requests.enumerated() {
            Threads.start {
                let r = transport.perform(req)
                let got: String
                switch r {
                case .success(let a): got = String(decoding: a.body, as: UTF8.self)
                case .failure(let e): got = "\(e.kind): \(e.message)"
                }
                done.withLock { $0[i] = got }
            }
        }
        let answers = done.wait { $0.count == n ? $0 : nil }
        let took = SystemClock.monotonic() - started
        XCTAssertEqual(answers, Dictionary(uniqueKeysWithValues: (0..<n).map { ($0, "answer \($0)") }))
        XCTAssertLessThan(took, 2.0, "the requests ran one after another (\(took) s)")
    }
}
