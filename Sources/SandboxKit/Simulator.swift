#if canImport(Glibc)
import Glibc
#endif
import SoporteJSON
import SoporteSystem

/// One HTTP request as the simulator sees it (header names lowercased).
public struct SimRequest {
    public var method: String
    public var path: String
    public var rawQuery: String
    public var headers: [(String, String)]
    public var body: [UInt8]

    public init(method: String, path: String, rawQuery: String, headers: [(String, String)], body: [UInt8]) {
        self.method = method
        self.path = path
        self.rawQuery = rawQuery
        self.headers = headers
        self.body = body
    }

    public func header(_ n: String) -> String? { headers.last { $0.0 == n }?.1 }

    public var query: [(String, String)] {
        rawQuery.split(separator: "&").map { pair in
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (PercentDecoding.string(kv[0]), kv.count > 1 ? PercentDecoding.string(kv[1]) : "")
        }
    }
}

/// What to do with the connection besides answering.
public enum ConnectionAction: String {
    case dropBeforeHeaders = "drop_before_headers"
    case dropAfterHeaders = "drop_after_headers"
    case truncate
    case html
    case invalidJSON = "invalid_json"
    /// Announces and streams a 300 MB body.
    case huge
    /// Sends the body one byte at a time, `delay_ms` apart.
    case drip
}

public struct SimResponse {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]
    public var action: ConnectionAction?
    /// Pause between bytes for `.drip`.
    public var dripMs = 0

    public init(status: Int, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    static func json(_ status: Int, _ v: JSONValue) -> SimResponse {
        SimResponse(status: status, headers: [("Content-Type", "application/json")], body: Array(JSONWriter.compact(v).utf8))
    }
}

/// A scripted fault: the next `count` matching requests misbehave as described.
struct Fault {
    var method: String?
    var path: String?
    var query: String?
    var count: Int
    var status: Int?
    var retryAfter: Int?
    var delayMs: Int?
    var action: ConnectionAction?
    /// A literal body (and extra headers) to answer with instead of the API's: `body` as
    /// text, or `body_hex` for bytes that are not UTF-8.
    var body: [UInt8]?
    var headers: [(String, String)] = []

    func matches(_ r: SimRequest) -> Bool {
        if let m = method, m.uppercased() != r.method { return false }
        if let p = path, p != r.path { return false }
        if let q = query, !r.rawQuery.contains(q) { return false }
        return true
    }
}

/// The simulated API: data, auth and rate limits, faults and the request record.
/// `handle` is thread-safe; the server calls it from every connection's thread.
public final class Simulator: @unchecked Sendable {
    public struct Options {
        public var seed: UInt64 = 1
        public var sizes = DataGenerator.Sizes(accounts: 250, invoices: 400)
        public var latencyMs = 0
        public var rateLimit = true
        public var statePath: String?
        public init() {}
    }

    public static let tokens: [String: (tier: String, admin: Bool)] = [
        "sk_test_abc123xyz": ("admin", true),
        "sk_test_user_123": ("authenticated", false),
        "sk_test_enterprise_123": ("enterprise", false),
    ]
    static let tiers: [String: (limit: Int, burst: Int)] = [
        "public": (60, 10), "authenticated": (100, 20), "admin": (200, 40), "enterprise": (500, 100),
    ]
    static let requestRecordCap = 50_000

    let options: Options
    private var mutex = pthread_mutex_t()
    var store: Store
    private var faults: [Fault] = []
    private var record: [JSONValue] = []
    private var buckets: [String: (tokens: Double, at: Double)] = [:]
    private var healthStatus = "healthy"

    public init(options: Options) throws {
        self.options = options
        pthread_mutex_init(&mutex, nil)
        store = try Store.load(options: options)
    }

    public var now: () -> Double = {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    private func locked<T>(_ f: () throws -> T) rethrows -> T {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return try f()
    }

    // MARK: - Entry

    public func handle(_ r: SimRequest) -> SimResponse {
        if r.path.hasPrefix("/_sandbox/") { return locked { control(r) } }
        guard r.path == "/v1" || r.path.hasPrefix("/v1/") else {
            return error(r, APIFailure(404, "RESOURCE_NOT_FOUND", "No route for \(r.path)."), extra: [])
        }
        return api(r)
    }

    func requestID(_ r: SimRequest) -> String {
        if let id = r.header("x-request-id"), !id.isEmpty, id.count <= 200 { return id }
        var g = SystemRandomNumberGenerator()
        let chars = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        return "req_" + String((0..<16).map { _ in chars[Int(g.next() % UInt64(chars.count))] })
    }

    func error(_ r: SimRequest, _ f: APIFailure, extra: [(String, String)]) -> SimResponse {
        var e = JSONObject([("code", .string(f.code)), ("message", .string(f.message))])
        if let d = f.details { e["details"] = .object(d) }
        if let ra = f.retryAfter { e["retry_after"] = .int(ra) }
        let rid = requestID(r)
        e["request_id"] = .string(rid)
        e["timestamp"] = .string(Civil.iso(Int(now())))
        var resp = SimResponse.json(f.status, .object(JSONObject([("error", .object(e))])))
        resp.headers += extra + [("X-Request-ID", rid)]
        if let ra = f.retryAfter { resp.headers.append(("Retry-After", String(ra))) }
        return resp
    }

    // MARK: - The API

    /// Records the request, spends rate-limit budget and takes a matching fault; the
    /// wait that latency or a fault asks for happens next, outside the lock, and only
    /// then is the request served, so a delayed page sees changes made meanwhile.
    func api(_ r: SimRequest) -> SimResponse {
        let step: (SimResponse?, Fault?, [(String, String)]) = locked {
            appendRecord(r)
            let token = bearer(r)
            let tier = token.flatMap { Simulator.tokens[$0]?.tier } ?? "public"
            var rl: [(String, String)] = []
            if options.rateLimit {
                let bucket = token.flatMap { Simulator.tokens[$0] != nil ? $0 : nil } ?? "public"
                let (ok, headers, retry) = spend(bucket: bucket, tier: tier)
                rl = headers
                if !ok {
                    return (error(r, APIFailure(429, "RATE_LIMIT_EXCEEDED", "Too many requests. Please retry after \(retry) seconds.", retryAfter: retry), extra: rl), nil, rl)
                }
            }
            var fault: Fault?
            if let i = faults.firstIndex(where: { $0.matches(r) }) {
                fault = faults[i]
                faults[i].count -= 1
                if faults[i].count <= 0 { faults.remove(at: i) }
            }
            return (nil, fault, rl)
        }
        if let early = step.0 { return early }
        let wait = options.latencyMs + (step.1?.action == .drip ? 0 : step.1?.delayMs ?? 0)
        if wait > 0 { usleep(useconds_t(min(wait, 600_000)) * 1000) }
        if step.1 == nil && (r.method == "GET" || r.method == "HEAD") {
            // Reads run on a snapshot (the store is a value; copying it is O(1)), so
            // pages are filtered, sorted and written out in parallel, not one at a time
            // under the lock.
            let view = locked { ReadView(store: store, health: healthStatus) }
            return route(r, rl: step.2, view: view)
        }
        return locked {
            if let f = step.1 { return applyFault(f, r, rl: step.2) }
            return route(r, rl: step.2, view: nil)
        }
    }

    /// What a read needs, taken under the lock.
    struct ReadView {
        let store: Store
        let health: String
    }

    /// "7b22ff" -> [0x7b, 0x22, 0xff]; nil unless pairs of hex digits.
    static func bytes(hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(digits.count / 2)
        var i = 0
        while i < digits.count {
            guard let hi = PercentDecoding.hexValue(digits[i]), let lo = PercentDecoding.hexValue(digits[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    func applyFault(_ f: Fault, _ r: SimRequest, rl: [(String, String)]) -> SimResponse {
        var resp: SimResponse
        if let b = f.body, f.action == nil {
            resp = SimResponse(status: f.status ?? 200, headers: [("Content-Type", "application/json")] + f.headers + rl, body: b)
            return resp
        }
        switch f.action {
        case .html:
            resp = SimResponse(status: f.status ?? 502, headers: [("Content-Type", "text/html")],
                               body: Array("<html><head><title>\(f.status ?? 502) Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>\n".utf8))
            resp.headers += rl
        case .invalidJSON:
            resp = SimResponse(status: f.status ?? 200, headers: [("Content-Type", "application/json")] + rl,
                               body: Array("{\"data\": [{\"id\": 1, \"domain\": \"broken".utf8))
        case .some(let a):
            // The request is served (state changes happen), then the connection misbehaves.
            resp = route(r, rl: rl, view: nil)
            if let s = f.status { resp.status = s }
            resp.action = a
            if a == .drip { resp.dripMs = f.delayMs ?? 100 }
        case .none:
            if let s = f.status {
                let code: String
                switch s {
                case 429: code = "RATE_LIMIT_EXCEEDED"
                case 503: code = "SERVICE_UNAVAILABLE"
                case 500...599: code = "SERVER_ERROR"
                case 404: code = "RESOURCE_NOT_FOUND"
                case 401: code = "INVALID_TOKEN"
                case 403: code = "INSUFFICIENT_PERMISSIONS"
                case 422: code = "VALIDATION_ERROR"
                default: code = "ERROR"
                }
                resp = error(r, APIFailure(s, code, "Injected fault: HTTP \(s).", retryAfter: f.retryAfter), extra: rl + f.headers)
            } else {
                resp = route(r, rl: rl, view: nil)
            }
        }
        return resp
    }

    /// Token bucket per token: capacity limit + burst, refilled at limit per minute.
    func spend(bucket: String, tier: String) -> (Bool, [(String, String)], Int) {
        let (limit, burst) = Simulator.tiers[tier]!
        let cap = Double(limit + burst)
        let rate = Double(limit) / 60
        let t = now()
        var b = buckets[bucket] ?? (cap, t)
        b.tokens = min(cap, b.tokens + (t - b.at) * rate)
        b.at = t
        let ok = b.tokens >= 1
        if ok { b.tokens -= 1 }
        buckets[bucket] = b
        let reset = Int((t + (cap - b.tokens) / rate).rounded(.up))
        let retry = ok ? 0 : max(1, Int(((1 - b.tokens) / rate).rounded(.up)))
        return (ok, [("X-RateLimit-Limit", String(limit)), ("X-RateLimit-Remaining", String(Int(b.tokens))),
                     ("X-RateLimit-Reset", String(reset))], retry)
    }

    /// The token of `Authorization: Bearer TOKEN`, if any.
    func bearer(_ r: SimRequest) -> String? {
        guard let a = r.header("authorization"), a.hasPrefix("Bearer ") else { return nil }
        return String(a.dropFirst(7)).trimmingSpaces()
    }

    /// Checks the token and answers the request.
    /// Serves `r`. With a `view` (GET and HEAD) it reads only that; without one it runs
    /// under the lock and may change the store.
    func route(_ r: SimRequest, rl: [(String, String)], view: ReadView?) -> SimResponse {
        let rid = requestID(r)
        let token = bearer(r)
        do {
            guard let t = token, !t.isEmpty else {
                throw APIFailure(401, "AUTHENTICATION_REQUIRED", "Authentication is required: send Authorization: Bearer TOKEN.")
            }
            guard let who = Simulator.tokens[t] else {
                throw APIFailure(401, "INVALID_TOKEN", "The token is invalid or expired.")
            }
            let parts = r.path.dropFirst(3).split(separator: "/").map(String.init)
            if parts.first == "admin" && !who.admin {
                throw APIFailure(403, "INSUFFICIENT_PERMISSIONS", "This endpoint requires an administrator token.")
            }
            var resp = try dispatch(r, parts: parts, view: view)
            resp.headers += rl + [("X-Request-ID", rid)]
            return resp
        } catch let f as APIFailure {
            return error(r, f, extra: rl)
        } catch {
            return self.error(r, APIFailure(500, "SERVER_ERROR", "Internal error."), extra: rl)
        }
    }

    func linkBase(_ r: SimRequest) -> String {
        let host = r.header("host") ?? "127.0.0.1"
        let scheme = r.header("x-forwarded-proto") ?? "http"
        return "\(scheme)://\(host)\(r.path)"
    }

    func dispatch(_ r: SimRequest, parts: [String], view: ReadView?) throws -> SimResponse {
        // Reads use `view?.store ?? store` in place: a copy of the store kept alive across
        // a write would make that write copy every collection.
        if parts == ["admin", "system", "health"] {
            guard r.method == "GET" else { throw methodNotAllowed(r) }
            let health = view?.health ?? healthStatus
            let checks = JSONObject([("database", .string(health == "healthy" ? "ok" : "failing")), ("cache", .string("ok")), ("queue", .string("ok"))])
            return .json(200, .object(JSONObject([("data", .object(JSONObject([
                ("status", .string(health)), ("version", .string("1.0.0-sandbox")), ("checks", .object(checks)),
                ("accounts", .int((view?.store ?? store).collections["accounts"]?.count ?? 0)),
            ])))])))
        }
        let route: (String, ArraySlice<String>)
        switch (parts.first, parts.count > 1 ? parts[1] : nil) {
        case ("whm", "accounts"): route = ("accounts", parts.dropFirst(2))
        case ("whm", "servers"): route = ("servers", parts.dropFirst(2))
        case ("whm", "packages"): route = ("packages", parts.dropFirst(2))
        case ("billing", "invoices"): route = ("invoices", parts.dropFirst(2))
        case ("billing", "subscriptions"): route = ("subscriptions", parts.dropFirst(2))
        default: throw APIFailure(404, "RESOURCE_NOT_FOUND", "No route for \(r.path).")
        }
        let (name, rest) = route
        let singular = String(name.dropLast())
        if rest.isEmpty {
            switch r.method {
            case "GET", "HEAD":
                let db = view?.store ?? store
                let v = try QueryEngine.list(db.collections[name] ?? [], query: r.query, linkBase: linkBase(r)) { rec, inc in db.include(rec, inc) }
                return .json(200, v)
            case "POST":
                let created = try store.create(name, body: try parseBody(r))
                try persist()
                return .json(201, .object(JSONObject([("data", .object(created))])))
            default: throw methodNotAllowed(r)
            }
        }
        guard let id = Int(rest.first!), rest.first!.allSatisfy({ $0.isNumber }) else {
            throw APIFailure(404, "RESOURCE_NOT_FOUND", "\(singular.capitalizedFirst) '\(rest.first!)' not found.")
        }
        guard (view?.store ?? store).index(name, id) != nil else {
            throw APIFailure(404, "RESOURCE_NOT_FOUND", "\(singular.capitalizedFirst) \(id) not found.")
        }
        if rest.count == 1 {
            switch r.method {
            case "GET", "HEAD":
                let includes = r.query.last { $0.0 == "include" }?.1.split(separator: ",").map(String.init) ?? []
                let db = view?.store ?? store
                let rec = db.collections[name]![db.index(name, id)!]
                return .json(200, .object(JSONObject([("data", .object(includes.isEmpty ? rec : db.include(rec, includes)))])))
            case "PATCH", "PUT":
                let updated = try store.update(name, id: id, body: try parseBody(r), replace: r.method == "PUT")
                try persist()
                return .json(200, .object(JSONObject([("data", .object(updated))])))
            case "DELETE":
                store.delete(name, id: id)
                try persist()
                return SimResponse(status: 204)
            default: throw methodNotAllowed(r)
            }
        }
        guard rest.count == 2, r.method == "POST" else { throw APIFailure(404, "RESOURCE_NOT_FOUND", "No route for \(r.path).") }
        let result: JSONObject
        switch (name, rest.last!) {
        case ("accounts", "suspend"):
            let reason = (try? parseBody(r))?["reason"]?.stringValue
            result = try store.setStatus(name, id: id, status: "suspended", extra: [("suspended_reason", reason.map { .string($0) } ?? .null)])
        case ("accounts", "unsuspend"):
            result = try store.setStatus(name, id: id, status: "active", extra: [("suspended_reason", .null)])
        case ("subscriptions", "cancel"):
            if store.collections[name]![store.index(name, id)!]["status"]?.stringValue == "cancelled" {
                throw APIFailure(409, "CONFLICT", "Subscription \(id) is already cancelled.")
            }
            result = try store.setStatus(name, id: id, status: "cancelled", extra: [("cancelled_at", .string(store.logicalTime())), ("next_billing_date", .null)])
        default:
            throw APIFailure(404, "RESOURCE_NOT_FOUND", "No route for \(r.path).")
        }
        try persist()
        return .json(200, .object(JSONObject([("data", .object(result))])))
    }

    func methodNotAllowed(_ r: SimRequest) -> APIFailure {
        APIFailure(405, "METHOD_NOT_ALLOWED", "\(r.method) is not allowed on \(r.path).")
    }

    func parseBody(_ r: SimRequest) throws -> JSONObject {
        if r.body.isEmpty { return JSONObject() }
        guard let v = try? JSONParser.parse(r.body) else { throw APIFailure(400, "BAD_REQUEST", "The request body is not valid JSON.") }
        guard let o = v.objectValue else { throw APIFailure(400, "BAD_REQUEST", "The request body must be a JSON object.") }
        return o
    }

    func persist() throws {
        guard let p = options.statePath else { return }
        do { try store.save(to: p) } catch {
            throw APIFailure(500, "SERVER_ERROR", "Could not save state: \(error)")
        }
    }

    func appendRecord(_ r: SimRequest) {
        var h = JSONObject()
        for (k, v) in r.headers { h[k] = .string(v) }
        record.append(.object(JSONObject([
            ("method", .string(r.method)), ("path", .string(r.path)), ("query", .string(r.rawQuery)),
            ("headers", .object(h)), ("body", .string(String(decoding: r.body, as: UTF8.self))),
        ])))
        if record.count > Simulator.requestRecordCap { record.removeFirst(record.count - Simulator.requestRecordCap) }
    }

    // MARK: - Control endpoints

    func control(_ r: SimRequest) -> SimResponse {
        let ok = SimResponse.json(200, .object(JSONObject([("ok", .bool(true))])))
        switch (r.method, r.path) {
        case ("POST", "/_sandbox/faults"):
            guard let v = try? JSONParser.parse(r.body), let items = v.arrayValue ?? (v.objectValue != nil ? [v] : nil) else {
                return .json(400, .object(JSONObject([("error", .string("body must be a JSON object or array of objects"))])))
            }
            for o in items {
                var f = Fault(count: o["count"]?.intValue ?? 1)
                f.method = o["match"]?["method"]?.stringValue
                f.path = o["match"]?["path"]?.stringValue
                f.query = o["match"]?["query"]?.stringValue
                f.status = o["status"]?.intValue
                f.retryAfter = o["retry_after"]?.intValue
                f.delayMs = o["delay_ms"]?.intValue
                f.body = o["body"]?.stringValue.map { Array($0.utf8) }
                if let hex = o["body_hex"]?.stringValue {
                    guard let bytes = Simulator.bytes(hex: hex) else {
                        return .json(400, .object(JSONObject([("error", .string("body_hex must be pairs of hex digits"))])))
                    }
                    f.body = bytes
                }
                for (k, v) in o["headers"]?.objectValue?.entries.map({ ($0, $1) }) ?? [] { f.headers.append((k, v.scalarText)) }
                if let a = o["action"]?.stringValue {
                    guard let act = ConnectionAction(rawValue: a) else {
                        return .json(400, .object(JSONObject([("error", .string("unknown action '\(a)'"))])))
                    }
                    f.action = act
                }
                faults.append(f)
            }
            return ok
        case ("DELETE", "/_sandbox/faults"):
            faults = []
            return ok
        case ("GET", "/_sandbox/requests"):
            return .json(200, .object(JSONObject([("data", .array(record))])))
        case ("DELETE", "/_sandbox/requests"):
            record = []
            return ok
        case ("PUT", "/_sandbox/health"), ("POST", "/_sandbox/health"):
            guard let s = (try? JSONParser.parse(r.body))?["status"]?.stringValue else {
                return .json(400, .object(JSONObject([("error", .string("body must be {\"status\": \"...\"}"))])))
            }
            healthStatus = s
            return ok
        case ("POST", "/_sandbox/reset-limits"):
            buckets = [:]
            return ok
        default:
            return .json(404, .object(JSONObject([("error", .string("unknown control endpoint"))])))
        }
    }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
