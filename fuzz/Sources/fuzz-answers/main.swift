import FuzzDriver
import FuzzHarness
import Synchronization
import SoporteJSON
import SoporteKit
import SoporteSystem

// Server answers (ids, page metadata, item counts) through name lookups, walks and bulk
// commands, checking what soporte promises whatever the server says (docs/BOUNDARIES.md):
//  - no request is built from an id that is not an id the server gave for that name;
//  - no walk exits 0 with fewer items than `meta.total` said (when every page said the
//    same total and no --limit cut it);
//  - the exit status is one of the documented ones.
// The first byte picks the scenario; the rest answer each request, by page number, so
// that the answer to a page does not depend on the order concurrent requests come in.

/// Reads choices from the input; past its end every choice is 0.
struct Choices: Sendable {
    let bytes: [UInt8]
    func at(_ i: Int) -> Int { bytes.isEmpty ? 0 : Int(bytes[i % bytes.count]) }
}

/// Ids as a hostile or sloppy server spells them, as JSON text; the first ones are ids.
let idSpellings = ["7", "\"8\"", "9223372036854775807", "\"..\"", "\"1,\\\"x\\\":1\"", "-3", "1.5", "\"007\"", "0", "9223372036854775808",
                   "null", "true", "\"4/../5\"", "7.0", "\"\"", "[7]", "\"9\""]
/// Page counts, as JSON text (`$` is the true count).
let countSpellings = ["$", "\"$\"", "$.0", "$e0", "2.5", "-5", "null", "1e400", "1", "0", "\"$.0\"", "$0", "true"]

/// A count spelt by choice `k` (nil: the key is left out).
func spell(_ k: Int, _ n: Int) -> String? {
    let pick = k % (countSpellings.count + 1)
    guard pick < countSpellings.count else { return nil }
    return countSpellings[pick].split(separator: "$", omittingEmptySubsequences: false).joined(separator: String(n))
}

/// What follows the first `marker` in `s` (no Foundation here).
func after(_ marker: String, in s: String) -> Substring? {
    let m = Array(marker.utf8), u = Array(s.utf8)
    guard u.count >= m.count else { return nil }
    for i in 0...(u.count - m.count) where Array(u[i..<(i + m.count)]) == m {
        return Substring(String(decoding: u[(i + m.count)...], as: UTF8.self))
    }
    return nil
}

/// The scripted server: records each request and answers it from the choices.
final class Server: HTTPTransport, Sendable {
    let c: Choices
    let name: String
    let log = Mutex<(requests: [(String, String)], totals: [Int?], validIDs: Set<String>)>(([], [], []))
    init(_ c: Choices, name: String) { self.c = c; self.name = name }

    func perform(_ request: HTTPRequest) -> Result<HTTPResponse, TransportError> {
        let page = Int(after("?page=", in: request.url)?.prefix { $0.isNumber } ?? "1") ?? 1
        log.withLock { $0.requests.append((request.method, request.url)) }
        guard request.method == "GET" else {
            return .success(HTTPResponse(status: 200, headers: [], body: Array(#"{"data":{"id":1,"status":"suspended"}}"#.utf8)))
        }
        let base = (page % 97) * 7
        let count = c.at(base) % 4
        let perPage = 3
        let lastPage = 1 + c.at(base + 1) % 4
        let total = (lastPage - 1) * perPage + count
        var items: [String] = []
        var valid: [String] = []
        for k in 0..<count {
            let sel = c.at(base + 2 + k)
            // Mostly ids of their own per page (so walks are not all repeats), sometimes hostile.
            let id = sel % 3 == 0 ? idSpellings[sel / 3 % idSpellings.count] : String(page * 10 + k + 1)
            let domain = sel % 5 == 0 ? "other-\(name)" : sel % 5 == 1 ? name.uppercased() : name
            items.append("{\"id\":\(id),\"domain\":\"\(domain)\",\"username\":\"u\(k)\"}")
            if domain.lowercased() == name.lowercased(), let rid = ResourceID(serverText: id) { valid.append(rid.description) }
        }
        var meta: [String] = []
        let m = c.at(base + 6)
        let totalText = spell(m, total)
        if let s = spell(m / 3, page) { meta.append("\"current_page\":\(s)") }
        if let s = spell(m / 5, lastPage) { meta.append("\"last_page\":\(s)") }
        if let s = spell(m / 7, perPage) { meta.append("\"per_page\":\(s)") }
        if let s = totalText { meta.append("\"total\":\(s)") }
        let body = "{\"data\":[\(items.joined(separator: ","))],\"meta\":{\(meta.joined(separator: ","))}}"
        log.withLock { l in
            l.totals.append(totalText == String(total) ? total : nil)
            l.validIDs.formUnion(valid)
        }
        return .success(HTTPResponse(status: 200, headers: [("Content-Type", "application/json")], body: Array(body.utf8)))
    }
}

extension ResourceID {
    init?(serverText: String) {
        guard let v = try? JSONParser.parse(serverText) else { return nil }
        self.init(server: v)
    }
}

let scenarios: [[String]] = [
    ["accounts", "list", "-o", "ndjson", "--per-page", "3"],
    ["api", "GET", "/whm/accounts", "--paginate", "-o", "ndjson", "--per-page", "3"],
    ["accounts", "delete", "shop.example.com", "--yes"],
    ["accounts", "suspend", "-", "--yes"],
    ["accounts", "get", "shop.example.com", "-o", "json"],
]

runFuzzer { bytes in
    guard let first = bytes.first else { return }
    let scenario = scenarios[Int(first) % scenarios.count]
    let c = Choices(bytes: Array(bytes.dropFirst()))
    let server = Server(c, name: "shop.example.com")
    let out = BufferSink()
    let io = IOStreams(out: out, err: BufferSink(), facts: TerminalFacts(stdoutIsTTY: false, width: 80))
    let ctx = Context(io: io, env: ["SOPORTE_API_URL": "https://api.fuzz/v1", "SOPORTE_API_TOKEN": "tok-fuzz-1", "HOME": "/nonexistent"],
                      fs: NoFiles(), clock: SteppingClock(), prompter: Nothing(), runner: Nothing(),
                      makeTransport: { server }, readStdin: { Array("shop.example.com\nSHOP.example.com\n".utf8) })
    let status = Runner.run(scenario, ctx: ctx)
    precondition([0, 1, 2, 4, 5, 6, 7, 8, 9].contains(status), "exit status \(status)")
    let log = server.log.withLock { $0 }
    // No request is built from an id that is not an id the server gave for the name.
    for (method, url) in log.requests where method != "GET" || url.contains("/whm/accounts/") {
        let rest = after("/whm/accounts/", in: url) ?? ""
        let segment = String(rest.prefix { $0 != "/" && $0 != "?" })
        precondition(log.validIDs.contains(segment), "\(method) \(url): \(segment) is not an id the lookup gave")
    }
    // No walk exits 0 with fewer items than every page's total said.
    if status == 0, first % UInt8(scenarios.count) < 2, let t = log.totals.first ?? nil, log.totals.allSatisfy({ $0 == t }) {
        let written = out.bytes.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        precondition(written >= t, "exit 0 with \(written) items of a total of \(t)")
    }
}
