import Synchronization
import XCTest
@testable import SandboxKit
import SoporteJSON

/// A clock the test moves by hand.
final class FakeClock: Sendable {
    private let t: Mutex<Double>
    init(_ start: Double) { t = Mutex(start) }
    func now() -> Double { t.withLock { $0 } }
    func advance(_ s: Double) { t.withLock { $0 += s } }
}

/// A simulator and the requests tests send it, without sockets.
struct Harness {
    let sim: Simulator

    init(accounts: Int = 30, rateLimit: RateLimitPolicy = .off, adminTokens: [String] = [], clock: FakeClock? = nil,
         dialect: Dialect = .soporteclientes, pageNumbers: PageNumbers = .int, asyncMs: Int = 0,
         asyncQueueCap: Int = AsyncChanges.queueCap) throws {
        var o = Simulator.Options()
        o.sizes = DataGenerator.Sizes(accounts: accounts, invoices: 20)
        o.rateLimit = rateLimit
        o.adminTokens = adminTokens
        o.dialect = dialect
        o.pageNumbers = pageNumbers
        o.asyncMs = asyncMs
        o.asyncQueueCap = asyncQueueCap
        if let c = clock {
            sim = try Simulator(options: o, clock: { c.now() })
        } else {
            sim = try Simulator(options: o)
        }
        // As if listening on 127.0.0.1:1, the Host the requests below name.
        sim.listening(onPort: 1)
    }

    /// Status, headers and parsed body of one request.
    @discardableResult
    func send(_ method: String, _ path: String, query: String = "", body: String = "",
              token: String? = "sk_test_abc123xyz") -> (status: Int, headers: [(String, String)], json: JSONValue) {
        var h: [(String, String)] = [("host", "127.0.0.1:1")]
        if let t = token { h.append(("authorization", "Bearer \(t)")) }
        let r = sim.handle(SimRequest(method: method, path: path, rawQuery: query, headers: h, body: Array(body.utf8)))
        return (r.status, r.headers, (try? JSONParser.parse(r.body)) ?? .null)
    }

    /// Status, headers and the body's bytes as sent.
    func raw(_ method: String, _ path: String, query: String = "", body: String = "",
             token: String? = "sk_test_abc123xyz") -> (status: Int, headers: [(String, String)], body: String) {
        var h: [(String, String)] = [("host", "127.0.0.1:1")]
        if let t = token { h.append(("authorization", "Bearer \(t)")) }
        let r = sim.handle(SimRequest(method: method, path: path, rawQuery: query, headers: h, body: Array(body.utf8)))
        return (r.status, r.headers, String(decoding: r.body, as: UTF8.self))
    }

    func header(_ headers: [(String, String)], _ name: String) -> String? { headers.last { $0.0 == name }?.1 }
}
