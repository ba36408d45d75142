import SoporteJSON
import SoporteSystem

/// A scripted fault (`POST /_sandbox/faults`): the next `count` matching `/v1` requests
/// misbehave as described. Parsing checks every number, so no fault can make the
/// simulator trap or sleep for ever.
struct Fault: Sendable {
    var method: String?
    var path: String?
    var query: String?
    var count = 1
    var status: Int?
    var retryAfter: Int?
    var delayMs: Int?
    var action: ConnectionAction?
    /// A literal body (and extra headers) to answer with instead of the API's: `body` as
    /// text, or `body_hex` for bytes that are not UTF-8.
    var body: [UInt8]?
    var headers: [(String, String)] = []
    /// Serve the real answer but keep only the first `short` items of its `data`.
    var short: Int?

    /// What the fault holds in the queue, in bytes: its body, headers and match texts,
    /// and 128 for the rest (the queue's byte bound counts this).
    var bytes: Int {
        128 + (body?.count ?? 0) + headers.reduce(0) { $0 + $1.0.utf8.count + $1.1.utf8.count + 32 }
            + (method?.utf8.count ?? 0) + (path?.utf8.count ?? 0) + (query?.utf8.count ?? 0)
    }

    /// The accepted range of each number.
    enum Limits {
        static let count = 1...1_000_000
        static let status = 200...599
        static let retryAfter = 0...86_400
        static let delayMs = 0...600_000
        static let short = 0...1_000_000
    }

    func matches(_ r: SimRequest) -> Bool {
        if let m = method, m.uppercased() != r.method { return false }
        if let p = path, p != r.path { return false }
        if let q = query, !r.rawQuery.contains(q) { return false }
        return true
    }

    // MARK: - Reading one from JSON

    /// Reads one fault object; a bad value is a 422 that names its key.
    static func parse(_ o: JSONObject) throws(APIFailure) -> Fault {
        func number(_ key: String, _ range: ClosedRange<Int>) throws(APIFailure) -> Int? {
            guard let v = o[key], !v.isNull else { return nil }
            guard let n = RangeChecked.int(v, in: range) else { throw .validation(key, RangeChecked.message(key, range)) }
            return n
        }
        var f = Fault()
        let match = o["match"]?.objectValue
        f.method = match?["method"]?.stringValue
        f.path = match?["path"]?.stringValue
        f.query = match?["query"]?.stringValue
        f.count = try number("count", Limits.count) ?? 1
        f.status = try number("status", Limits.status)
        f.retryAfter = try number("retry_after", Limits.retryAfter)
        f.delayMs = try number("delay_ms", Limits.delayMs)
        f.short = try number("short", Limits.short)
        f.body = o["body"]?.stringValue.map { Array($0.utf8) }
        if let hex = o["body_hex"]?.stringValue {
            guard let bytes = bytes(hex: hex) else { throw .validation("body_hex", "The body hex must be pairs of hex digits.") }
            f.body = bytes
        }
        for (k, v) in o["headers"]?.objectValue?.entries.map({ ($0, $1) }) ?? [] {
            let text = v.scalarText
            // A CR or LF would end the header early and let the fault write its own, a NUL
            // cut it; other control characters go out as sent (a hostile server's header).
            guard !k.isEmpty, !k.utf8.contains(where: { $0 <= 0x20 || $0 == 0x3A }),
                  !text.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) else {
                throw .validation("headers", "Header names may not hold controls, blanks or ':', and values no CR, LF or NUL.")
            }
            f.headers.append((k, text))
        }
        if let a = o["action"]?.stringValue {
            guard let act = ConnectionAction(rawValue: a) else { throw .validation("action", "Unknown action '\(a)'.") }
            f.action = act
        }
        return f
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

    // MARK: - Applying it

    /// The answer that replaces the API's without serving the request (a literal body,
    /// an HTML or broken-JSON page, an injected error status); nil when the request is
    /// to be served and then changed by `alter`.
    func cannedAnswer(to r: SimRequest, rateHeaders rl: [(String, String)], now: Double, dialect: Dialect = .soporteclientes) -> SimResponse? {
        if let b = body, action == nil {
            return SimResponse(status: status ?? 200, headers: [("Content-Type", "application/json")] + headers + rl, body: b)
        }
        switch action {
        case .html:
            let s = status ?? 502
            return SimResponse(status: s, headers: [("Content-Type", "text/html")] + rl,
                               body: Array("<html><head><title>\(s) Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>\n".utf8))
        case .invalidJSON:
            return SimResponse(status: status ?? 200, headers: [("Content-Type", "application/json")] + rl,
                               body: Array("{\"data\": [{\"id\": 1, \"domain\": \"broken".utf8))
        case .none:
            guard let s = status, short == nil else { return nil }
            let failure = APIFailure(s, APIFailure.code(for: s), "Injected fault: HTTP \(s).", retryAfter: retryAfter)
            return failure.response(to: r, now: now, extra: rl + headers, dialect: dialect)
        default:
            return nil
        }
    }

    /// Changes the real answer: the connection action (the request was served, so state
    /// changes happen), a replaced status, a shortened page (written in `dialect`).
    func alter(_ served: SimResponse, dialect: Dialect = .soporteclientes) -> SimResponse {
        var resp = served
        if let s = status { resp.status = s }
        if let a = action {
            resp.action = a
            if a == .drip { resp.dripMs = delayMs ?? 100 }
        }
        if let n = short, let shorter = Fault.shorten(resp.body, to: n, dialect: dialect) { resp.body = shorter }
        return resp
    }

    /// A list answer with only the first `n` items of `data`, `meta` and `links` as they
    /// were; nil when the body is not a JSON object with a `data` array.
    static func shorten(_ body: [UInt8], to n: Int, dialect: Dialect = .soporteclientes) -> [UInt8]? {
        guard case .object(var doc)? = try? JSONParser.parse(body), let items = doc["data"]?.arrayValue else { return nil }
        doc["data"] = .array(Array(items.prefix(n)))
        return dialect.encode(.object(doc))
    }
}
