#if canImport(Glibc)
import Glibc
#endif
import SoporteJSON

/// A request in API terms: a method, a path below the API URL, a query and a body.
public struct APICall: Sendable {
    public var method: String
    public var path: String
    public var query: Query
    public var body: [UInt8]?

    public init(_ method: String, _ path: String, query: Query = Query(), body: [UInt8]? = nil) {
        self.method = method.uppercased()
        self.path = path.hasPrefix("/") ? path : "/" + path
        self.query = query
        self.body = body
    }
}

/// A successful answer: the parsed JSON (null for an empty body) and what came with it.
public struct APIAnswer: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var json: JSONValue
    public var requestID: String?
}

/// Talks to the API: builds requests with the headers of SPEC §8, signs mutating ones,
/// retries what is safe to retry, follows same-origin redirects only, paces from the
/// rate-limit headers and turns every failure into a `SoporteError`.
public final class APIClient: @unchecked Sendable {
    public let settings: Settings
    let transport: HTTPTransport
    let io: IOStreams
    let token: String
    public let pacer: RatePacer
    let base: URLParts
    /// Secrets that must never be printed, with the text shown instead.
    var secrets: [(String, String)] = []
    public var random: () -> Double = { Double.random(in: 0..<1) }
    public var sleep: (Double) -> Void = { Posix.sleep(seconds: $0) }
    public var now: () -> Double = { Double(Posix.nowMillis()) / 1000 }
    private var logLock = pthread_mutex_t()

    public init(settings: Settings, token: String, transport: HTTPTransport, io: IOStreams) throws {
        self.settings = settings
        self.transport = transport
        self.io = io
        self.token = token
        self.pacer = RatePacer(reserve: settings.concurrency)
        self.base = try APIClient.checkBaseURL(settings.apiURL)
        pthread_mutex_init(&logLock, nil)
        addSecret(token, shownAs: "$SOPORTE_API_TOKEN")
        if let s = settings.signingSecret { addSecret(s, shownAs: "[signing secret]") }
    }

    /// HTTPS only, except loopback hosts over http (SPEC §8).
    public static func checkBaseURL(_ url: String) throws -> URLParts {
        guard let p = URLParts(url) else {
            throw SoporteError.config("API URL '\(url)' is not an http(s) URL")
        }
        if p.scheme == "http" && !p.isLoopback {
            throw SoporteError.config("refusing plain http:// to \(p.host): use https:// (http is allowed only for loopback hosts)")
        }
        return p
    }

    public func addSecret(_ value: String, shownAs: String) {
        guard value.count >= 4 else { return }
        secrets.append((value, shownAs))
    }

    public func redact(_ s: String) -> String {
        var out = s
        for (v, shown) in secrets where out.contains(v) { out = out.replacingOccurrences(v, shown) }
        return out
    }

    // MARK: - Building requests

    public func url(for call: APICall) -> String {
        let q = call.query.encoded
        return settings.apiURL + call.path + (q.isEmpty ? "" : "?" + q)
    }

    /// Headers without the Authorization value (added at send time or as a placeholder).
    func headers(for call: APICall, requestID: String, timestampMillis: Int64) -> [(String, String)] {
        var h: [(String, String)] = [
            ("Accept", "application/json"),
            ("User-Agent", "soporte/\(Version.current)"),
            ("X-Client-Version", Version.current),
            ("X-Request-ID", requestID),
        ]
        if call.body != nil { h.append(("Content-Type", "application/json")) }
        if let l = settings.licenseKey { h.append(("X-License-Key", l)) }
        if let secret = settings.signingSecret, ["POST", "PUT", "PATCH", "DELETE"].contains(call.method) {
            let ts = String(timestampMillis)
            let sig = APIClient.signature(secret: secret, method: call.method, path: call.path,
                                          timestamp: ts, body: call.body ?? [])
            h.append(("X-Timestamp", ts))
            h.append(("X-Signature", sig))
        }
        return h
    }

    /// Lowercase hex HMAC-SHA256(secret, METHOD + PATH + TIMESTAMP + BODY) (SPEC §8).
    public static func signature(secret: String, method: String, path: String, timestamp: String, body: [UInt8]) -> String {
        let msg = Array((method + path + timestamp).utf8) + body
        return HMACSHA256.hex(HMACSHA256.mac(key: Array(secret.utf8), message: msg))
    }

    /// The request as a runnable curl command line, the token left as `$SOPORTE_API_TOKEN`.
    public func curlLine(for call: APICall) -> String {
        let rid = settings.requestID ?? Posix.uuid()
        var parts = ["curl", "-sS", "-X", call.method, shellQuote(url(for: call)),
                     "-H", "\"Authorization: Bearer $SOPORTE_API_TOKEN\""]
        for (k, v) in headers(for: call, requestID: rid, timestampMillis: Posix.nowMillis()) {
            parts += ["-H", shellQuote("\(k): \(v)")]
        }
        if let b = call.body {
            var quoted = shellQuote(String(decoding: b, as: UTF8.self))
            // Secrets inside the body become shell variables outside the quotes.
            for (v, shown) in secrets where shown.hasPrefix("$") && quoted.contains(v) {
                quoted = quoted.replacingOccurrences(v, "'\"\(shown)\"'")
            }
            parts += ["--data-binary", quoted]
        }
        return parts.joined(separator: " ")
    }

    func shellQuote(_ s: String) -> String {
        "'" + s.replacingOccurrences("'", "'\\''") + "'"
    }

    // MARK: - Sending

    /// Sends a call with retries; returns the parsed answer or throws a `SoporteError`.
    public func send(_ call: APICall) throws -> APIAnswer {
        let requestID = settings.requestID ?? Posix.uuid()
        var current = call
        var currentURL = url(for: call)
        var redirects = 0
        var attempt = 0
        while true {
            let wait = pacer.delay(now: now())
            if wait > 0 {
                log(1, "rate limit nearly spent: waiting \(fmtSeconds(wait)) before \(current.method) \(current.path)")
                sleep(wait)
            }
            var req = HTTPRequest(method: current.method, url: currentURL,
                                  headers: [("Authorization", "Bearer \(token)")] + headers(for: current, requestID: requestID, timestampMillis: Posix.nowMillis()),
                                  body: current.body, timeout: settings.timeout, connectTimeout: min(10, settings.timeout),
                                  caBundle: settings.caBundle)
            if settings.verbosity >= 2 { logRequest(req) }
            let result = transport.perform(req)
            req.body = nil
            if case .failure = result { pacer.abandon() }
            let policy = RetryPolicy(maxRetries: settings.retries)
            /// Waits and returns true when the policy says to try again.
            func retrying(_ outcome: RetryPolicy.Outcome, _ what: String) -> Bool {
                guard case .retry(let d) = policy.decide(method: current.method, attempt: attempt, outcome: outcome, random: random) else {
                    return false
                }
                log(1, "\(what): retrying in \(fmtSeconds(d)) (attempt \(attempt + 2) of \(settings.retries + 1))")
                sleep(d)
                attempt += 1
                return true
            }
            switch result {
            case .failure(let e):
                log(1, "\(current.method) \(currentURL) -> \(e.message)")
                if retrying(.transport(e), e.message) { continue }
                throw transportFailure(e, call: current, requestID: requestID)
            case .success(let resp):
                pacer.observe(limit: resp.header("X-RateLimit-Limit"), remaining: resp.header("X-RateLimit-Remaining"),
                              reset: resp.header("X-RateLimit-Reset"))
                let rid = resp.header("X-Request-ID") ?? requestID
                logResponse(current, url: currentURL, resp, requestID: rid)
                if (300..<400).contains(resp.status), let loc = resp.header("Location") {
                    guard let target = resolve(loc, against: currentURL), let tp = URLParts(target), tp.origin == base.origin else {
                        throw SoporteError(.server, "the API redirected \(current.method) \(current.path) to another origin (\(redact(loc))); not followed, the token stays with \(base.origin)",
                                           requestID: rid)
                    }
                    redirects += 1
                    guard redirects <= 5 else { throw SoporteError(.server, "too many redirects for \(current.path)", requestID: rid) }
                    if resp.status == 303 { current.method = "GET"; current.body = nil }
                    currentURL = target
                    continue
                }
                if (200..<300).contains(resp.status) {
                    return APIAnswer(status: resp.status, headers: resp.headers, json: try parseBody(resp, call: current, requestID: rid), requestID: rid)
                }
                let retryAfter = RetryPolicy.parseRetryAfter(resp.header("Retry-After"), now: now())
                    ?? (try? JSONParser.parse(resp.body))?["error"]?["retry_after"]?.doubleValue
                if retrying(.response(status: resp.status, retryAfter: retryAfter), "HTTP \(resp.status)") { continue }
                var err = APIClient.error(from: resp, call: current, requestID: rid)
                if attempt > 0 { err.message += " (after \(attempt + 1) attempts)" }
                throw err
            }
        }
    }

    func resolve(_ location: String, against url: String) -> String? {
        if location.contains("://") { return location }
        guard let p = URLParts(url) else { return nil }
        let hostPort = (p.scheme == "https" && p.port == 443) || (p.scheme == "http" && p.port == 80) ? p.host : "\(p.host):\(p.port)"
        if location.hasPrefix("/") { return "\(p.scheme)://\(hostPort)\(location)" }
        return nil
    }

    func parseBody(_ resp: HTTPResponse, call: APICall, requestID: String?) throws -> JSONValue {
        if resp.body.isEmpty || call.method == "HEAD" { return .null }
        do {
            return try JSONParser.parse(resp.body)
        } catch let e as JSONParseError {
            throw SoporteError(.server, "the API's answer to \(call.method) \(call.path) is not valid JSON (HTTP \(resp.status), \(e.description)\(contentTypeNote(resp)))",
                               requestID: requestID)
        }
    }

    func contentTypeNote(_ resp: HTTPResponse) -> String {
        resp.header("Content-Type").map { ", content type \($0)" } ?? ""
    }

    /// Maps an HTTP error answer to our error: the API's envelope when there is one.
    public static func error(from resp: HTTPResponse, call: APICall, requestID: String?) -> SoporteError {
        let json = try? JSONParser.parse(resp.body)
        guard let env = json?["error"], let obj = env.objectValue,
              let code = obj["code"]?.stringValue ?? obj["message"]?.stringValue else {
            let ct = resp.header("Content-Type") ?? "no content type"
            let what = resp.body.isEmpty ? "an empty body" : "a body that is not the API's JSON (\(ct))"
            return SoporteError(.server, "unexpected answer to \(call.method) \(call.path): HTTP \(resp.status) with \(what)", requestID: requestID)
        }
        let message = obj["message"]?.stringValue ?? code
        var details: [String] = []
        if let d = obj["details"]?.objectValue {
            for (field, v) in d.entries {
                if let list = v.arrayValue {
                    for m in list { details.append("\(field): \(Sanitizer.forTerminal(m.scalarText))") }
                } else {
                    details.append("\(field): \(Sanitizer.forTerminal(v.scalarText))")
                }
            }
        }
        let rid = obj["request_id"]?.stringValue ?? requestID
        return SoporteError(SoporteError.status(forHTTP: resp.status),
                            "\(Sanitizer.forTerminal(message)) (HTTP \(resp.status) \(Sanitizer.forTerminal(code)))",
                            details: details, requestID: rid, envelope: json)
    }

    func transportFailure(_ e: TransportError, call: APICall, requestID: String) -> SoporteError {
        if e.kind == .interrupted { return SoporteError(.interrupted, "interrupted") }
        if e.kind == .tooLarge { return SoporteError(.server, "\(call.method) \(call.path): \(e.message)", requestID: requestID) }
        let safe = RetryPolicy.idempotent.contains(call.method)
        if !safe && e.requestSent {
            return SoporteError(.network, "the outcome of \(call.method) \(call.path) is unknown: \(e.message) after the request was sent; it was not repeated. Check before trying again",
                                requestID: requestID)
        }
        return SoporteError(.network, "\(call.method) \(call.path): \(e.message)")
    }

    // MARK: - Logging

    func log(_ level: Int, _ s: String) {
        guard settings.verbosity >= level else { return }
        pthread_mutex_lock(&logLock)
        io.err(redact(s))
        pthread_mutex_unlock(&logLock)
    }

    func logResponse(_ call: APICall, url: String, _ r: HTTPResponse, requestID: String?) {
        guard settings.verbosity >= 1 else { return }
        var line = "\(call.method) \(url) \(r.status) \(Int(r.seconds * 1000)) ms"
        if let rem = r.header("X-RateLimit-Remaining") { line += " rate-limit-remaining=\(rem)" }
        if let rid = requestID { line += " request-id=\(rid)" }
        log(1, line)
        if settings.verbosity >= 2 {
            var s = "< HTTP \(r.status)"
            for (k, v) in r.headers { s += "\n< \(k): \(v)" }
            if !r.body.isEmpty { s += "\n< " + String(decoding: r.body.prefix(4096), as: UTF8.self) }
            log(2, s)
        }
    }

    func logRequest(_ r: HTTPRequest) {
        var s = "> \(r.method) \(r.url)"
        for (k, v) in r.headers {
            s += "\n> \(k): " + (k == "Authorization" ? "Bearer [redacted]" : v)
        }
        if let b = r.body { s += "\n> " + APIClient.maskPasswords(String(decoding: b.prefix(4096), as: UTF8.self)) }
        log(2, s)
    }

    /// Hides `"password": "..."` values in logged bodies.
    static func maskPasswords(_ body: String) -> String {
        guard var obj = (try? JSONParser.parse(body))?.objectValue else { return body }
        for k in obj.keys where k.lowercased().contains("password") { obj[k] = .string("[redacted]") }
        return JSONWriter.compact(.object(obj))
    }

    func fmtSeconds(_ d: Double) -> String {
        d < 1 ? "\(Int(d * 1000)) ms" : String(Int(d)) + "." + String(Int(d * 10) % 10) + " s"
    }
}

/// The version printed by `--version` and sent in `User-Agent`.
public enum Version {
    public static let current = "0.1.0"
}
