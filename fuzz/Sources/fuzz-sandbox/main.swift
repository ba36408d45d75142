import FuzzDriver
import SandboxKit
import SoporteSystem

// Requests through the simulator: the HTTP framing (heads, lengths, smuggling checks),
// then `handle` with its query parsing, filters, sorts, pages and bodies. The first byte
// picks a template that puts the rest in a query string, an ID or a body, so the range
// checks on numbers from outside are hit often; otherwise the input is raw HTTP bytes.
// Nothing may trap, and every answer is a status the API documents.

let token = "sk_test_abc123xyz"
let templates: [(method: String, target: String, body: Bool)] = [
    ("GET", "/v1/whm/accounts?$", false), ("GET", "/v1/billing/invoices?$", false), ("GET", "/v1/whm/accounts/$", false),
    ("GET", "/v1/billing/subscriptions?$", false), ("GET", "/v1/whm/servers?$", false), ("GET", "/v1/whm/packages?$", false),
    ("POST", "/v1/whm/accounts", true), ("PATCH", "/v1/whm/accounts/3", true), ("DELETE", "/v1/whm/accounts/$", false),
    ("POST", "/v1/whm/accounts/$/suspend", true), ("GET", "/v1/admin/system/health?$", false), ("GET", "/v1/$", false),
]

func makeSimulator() -> Simulator {
    var o = Simulator.Options()
    o.sizes = DataGenerator.Sizes(accounts: 30, invoices: 30)
    o.rateLimit = .off
    // Time stands still: no answer waits for a window or a bucket.
    return try! Simulator(options: o, clock: { 1_800_000_000 })
}

nonisolated(unsafe) var simulator = makeSimulator()
nonisolated(unsafe) var runs = 0

// The simulator keeps what requests create on purpose: leak checks after each input
// would find it (and scan the whole heap each time, 20 ms an input).
runFuzzer(flags: ["-detect_leaks=0"]) { bytes in
    runs += 1
    // Created accounts pile up: start again now and then, so memory stays flat.
    if runs % 5000 == 0 { simulator = makeSimulator() }
    guard let first = bytes.first else { return }
    let rest = Array(bytes.dropFirst())
    var raw: [UInt8]
    if Int(first) < templates.count {
        let t = templates[Int(first)]
        let split = rest.firstIndex(of: 0) ?? rest.count
        let value = Array(rest[..<split])
        let body = t.body ? Array(rest[min(split + 1, rest.count)...]) : []
        var target: [UInt8] = []
        for b in t.target.utf8 { if b == UInt8(ascii: "$") { target += value } else { target.append(b) } }
        raw = Array("\(t.method) ".utf8) + target + Array(" HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body
    } else {
        raw = rest
    }
    switch HTTPParser.frame(raw) {
    case .incomplete:
        return
    case .reject(let f):
        precondition([400, 413, 431].contains(f.status), "framing refused with \(f.status)")
    case .request(let r, _, _):
        guard !r.path.hasPrefix("/_sandbox/") else { return }  // control endpoints change latency and faults
        let answer = simulator.handle(r)
        precondition((200...599).contains(answer.status), "status \(answer.status)")
    }
}
