import Synchronization
import SoporteJSON
import SoporteSystem

/// Talks to the API: builds requests (`RequestBuilder`), paces them (`RatePacer`),
/// follows same-origin redirects only (`RedirectPolicy`), retries what is safe to retry
/// within `--max-wait` (`RetryPolicy`), announces every wait over a second, reads answers
/// (`AnswerReader`) and turns every failure into a `SoporteError`. Thread-safe.
public final class APIClient: Sendable {
    public let settings: Settings
    let token: String
    let transport: any HTTPTransport
    let io: IOStreams
    let clock: any Clock
    let random: @Sendable () -> Double
    public let builder: RequestBuilder
    public let reader: AnswerReader
    public let pacer = RatePacer()
    var base: APIURL { settings.apiURL }
    /// When the last wait was announced, so that threads of one walk do not all say it.
    private let lastAnnounced = Mutex<Double>(0)
    /// Told of every mutating request that reached the server (the history).
    let recorder: (any RequestRecorder)?
    /// `--deadline`: no attempt starts, and no wait ends, past it.
    let deadline: Deadline?

    public init(settings: Settings, token: String, transport: any HTTPTransport, io: IOStreams, clock: any Clock,
                recorder: (any RequestRecorder)? = nil, deadline: Deadline? = nil,
                random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }) throws {
        self.settings = settings
        self.deadline = deadline
        self.token = token
        self.transport = transport
        self.io = io
        self.clock = clock
        self.random = random
        self.recorder = recorder
        self.builder = RequestBuilder(settings: settings)
        self.reader = AnswerReader(secrets: io.secrets)
    }

    /// The path part of the API URL (`/v1`), for `api` paths that repeat it.
    public var basePath: String { base.path }

    public func curlLine(for call: APICall) -> String {
        builder.curlLine(for: call, requestID: settings.requestID ?? Random.uuid(),
                         timestampMillis: Int64(clock.now() * 1000), secrets: io.secrets.entries)
    }

    // MARK: - Sending

    /// Where one call stands between attempts.
    struct Exchange {
        var call: APICall
        var url: String
        let requestID: String
        var redirects: RedirectPolicy
        var attempt = 0
        /// An attempt was sent and its answer lost (so a later 404 may be our own doing).
        var lostAnswer = false
    }

    /// What to do after an attempt.
    enum Step {
        case answer(APIAnswer)
        case fail(SoporteError)
        case retry(after: Double, because: String)
        case follow
        /// The body found no room among the pages read ahead: ask again when it is this
        /// page's turn (not an attempt: nothing went wrong with the API).
        case waitForRoom(TransportError)
    }

    /// Sends a call with retries; returns the parsed answer or throws a `SoporteError`.
    /// `allowance` bounds the memory its body may take (walks share one budget).
    public func send(_ call: APICall, allowance: (any BodyAllowance)? = nil) throws -> APIAnswer {
        var x = Exchange(call: call, url: builder.url(for: call), requestID: settings.requestID ?? Random.uuid(),
                         redirects: RedirectPolicy(origin: base.origin))
        let policy = RetryPolicy(maxRetries: settings.retries, maxWait: settings.maxWait)
        while true {
            try refuseUnlessReadOnlyAllows(x.call)
            try pace(x.call, attempt: x.attempt)
            if let d = deadline, d.passed(now: clock.monotonic()) {
                pacer.abandon()  // counted in flight by pace
                throw d.error(during: x.call.summary, attempt: x.attempt + 1)
            }
            let result = attempt(x, allowance: allowance)
            let step: Step
            switch result {
            case .failure(let e):
                if let d = deadline, d.passed(now: clock.monotonic()) {
                    pacer.abandon()
                    throw d.error(during: x.call.summary, attempt: x.attempt + 1)
                }
                step = afterFailure(e, &x, policy)
            case .success(let resp): step = afterResponse(resp, &x, policy)
            }
            switch step {
            case .answer(let a): return a
            case .fail(let e): throw e
            case .follow: allowance?.releaseAll()
            case .retry(let d, let reason):
                allowance?.releaseAll()
                try wait(d, because: reason, call: x.call, attempt: x.attempt)
                x.attempt += 1
            case .waitForRoom(let e):
                allowance?.releaseAll()
                guard allowance?.waitForTurn() == true else {
                    throw transportFailure(e, call: x.call, requestID: x.requestID, attempts: x.attempt + 1)
                }
            }
        }
    }

    /// `read_only` (docs/CONTRACT.md §13.6): nothing but GET leaves the process. Checked here, before
    /// every attempt of every call (a followed redirect too), because every request of
    /// every command passes this way: no command can forget it. `--dry-run` prints its
    /// curl lines without coming here.
    func refuseUnlessReadOnlyAllows(_ call: APICall) throws {
        guard let source = settings.readOnly, call.method != "GET" else { return }
        throw SoporteError(.auth, "read-only (\(source.label)): \(call.method) \(call.path) was refused and not sent; only GET requests are allowed")
    }

    /// One request on the wire: built, logged, sent, and recorded in the history when it
    /// may have changed something.
    func attempt(_ x: Exchange, allowance: (any BodyAllowance)?) -> Result<HTTPResponse, TransportError> {
        let headers = [("Authorization", "Bearer \(token)")]
            + builder.headers(for: x.call, requestID: x.requestID, timestampMillis: Int64(clock.now() * 1000))
        // An attempt has --timeout, and no more than what the deadline leaves.
        let timeout = max(0.001, min(settings.timeout, deadline?.remaining(now: clock.monotonic()) ?? .infinity))
        let req = HTTPRequest(method: x.call.method, url: x.url, headers: headers, body: x.call.body,
                              timeout: timeout, connectTimeout: min(10, timeout),
                              caBundle: settings.caBundle, allowance: allowance)
        if settings.verbosity >= 2 { logRequest(req) }
        let started = clock.monotonic()
        let result = transport.perform(req)
        if x.call.isMutating, let r = recorder {
            switch result {
            case .success(let resp):
                r.record(method: x.call.method, path: x.call.path, status: resp.status,
                         requestID: resp.header("X-Request-ID") ?? x.requestID, seconds: clock.monotonic() - started)
            case .failure(let e) where e.requestSent:
                r.record(method: x.call.method, path: x.call.path, status: nil, requestID: x.requestID, seconds: clock.monotonic() - started)
            case .failure: break
            }
        }
        return result
    }

    /// No answer: retry what is safe to, else the failure (an unknown outcome for a POST).
    func afterFailure(_ e: TransportError, _ x: inout Exchange, _ policy: RetryPolicy) -> Step {
        pacer.abandon()
        log(1, "\(x.call.method) \(x.url) -> \(e.message)")
        if e.kind == .noRoom { return .waitForRoom(e) }
        if e.requestSent { x.lostAnswer = true }
        guard case .retry(let d) = policy.decide(method: x.call.method, attempt: x.attempt, outcome: .transport(e), random: random) else {
            return .fail(transportFailure(e, call: x.call, requestID: x.requestID, attempts: x.attempt + 1))
        }
        return .retry(after: d, because: e.message)
    }

    /// An answer: a same-origin redirect to follow, the result, or an error to retry or give.
    func afterResponse(_ raw: HTTPResponse, _ x: inout Exchange, _ policy: RetryPolicy) -> Step {
        pacer.observe(limit: raw.header("X-RateLimit-Limit"), remaining: raw.header("X-RateLimit-Remaining"),
                      reset: raw.header("X-RateLimit-Reset"), now: clock.now())
        var resp = raw
        resp.headers = reader.headers(raw.headers)
        // As sent (secrets replaced): escaped where it is shown as text, JSON has its own escaping.
        let rid = resp.header("X-Request-ID") ?? x.requestID
        logResponse(x.call, url: x.url, resp, requestID: rid)
        switch x.redirects.decide(status: resp.status, location: resp.header("Location"), currentURL: x.url, method: x.call.method) {
        case .none: break
        case .follow(let target, let method, let dropBody):
            x.call.method = method
            if dropBody { x.call.body = nil }
            x.url = target
            return .follow
        case .refuseOtherOrigin(let loc):
            return .fail(SoporteError(.server, "the API redirected \(x.call.method) \(x.call.path) to another origin (\(Sanitizer.forTerminal(loc))); not followed, the token stays with \(base.origin)",
                                      requestID: rid, httpStatus: resp.status))
        case .refuseChange(let loc):
            return .fail(SoporteError(.server, "the API redirected \(x.call.method) \(x.call.path) (HTTP \(resp.status)) to \(Sanitizer.forTerminal(loc)); a change is not sent again elsewhere, so it was not done",
                                      requestID: rid, httpStatus: resp.status))
        case .tooMany:
            return .fail(SoporteError(.server, "too many redirects for \(x.call.method) \(x.call.path)", requestID: rid, httpStatus: resp.status))
        }
        if (200..<300).contains(resp.status) {
            if !x.call.decode {
                return .answer(APIAnswer(status: resp.status, headers: resp.headers, json: .null, requestID: rid,
                                         afterLostAnswer: x.lostAnswer, body: resp.body))
            }
            do {
                return .answer(APIAnswer(status: resp.status, headers: resp.headers, json: try parseBody(resp, call: x.call, requestID: rid),
                                         requestID: rid, afterLostAnswer: x.lostAnswer, emptyBody: resp.body.isEmpty || x.call.method == "HEAD"))
            } catch let e as SoporteError {
                return .fail(e)
            } catch {
                return .fail(SoporteError(.unexpected, "\(error)"))
            }
        }
        let retryAfter = RetryPolicy.parseRetryAfter(resp.header("Retry-After"), now: clock.now()) ?? reader.retryAfter(in: resp.body)
        switch policy.decide(method: x.call.method, attempt: x.attempt, outcome: .response(status: resp.status, retryAfter: retryAfter), random: random) {
        case .retry(let d):
            return .retry(after: d, because: resp.status == 429 ? "rate limited (429)" : "HTTP \(resp.status)")
        case .waitTooLong(let d):
            return .fail(tooLongWait(d, call: x.call, what: "the API asked (HTTP \(resp.status), Retry-After)", requestID: rid, httpStatus: resp.status))
        case .stop:
            var err = reader.error(from: resp, call: x.call, requestID: rid)
            err.afterLostAnswer = x.lostAnswer
            err.responseBody = io.secrets.redact(resp.body)
            if x.attempt > 0 { err.message += " (after \(x.attempt + 1) attempts)" }
            if resp.status == 429, let ra = retryAfter {
                err.details.append("the API asks to wait \(APIClient.seconds(ra)) (until \(APIClient.clockTime(clock.now() + ra)))")
            }
            if resp.status == 404, let hint = VersionHint.line(apiURL: settings.apiURL.text, path: x.call.path) { err.details.append(hint) }
            return .fail(err)
        }
    }

    func parseBody(_ resp: HTTPResponse, call: APICall, requestID: String?) throws -> JSONValue {
        if resp.body.isEmpty || call.method == "HEAD" { return .null }
        do {
            return try reader.json(resp.body)
        } catch let e as JSONParseError {
            let ct = resp.header("Content-Type").map { ", content type \($0)" } ?? ""
            throw SoporteError(.server, "the API's answer to \(call.method) \(call.path) is not valid JSON (HTTP \(resp.status), \(e.description)\(ct))",
                               requestID: requestID, httpStatus: resp.status)
        }
    }

    func transportFailure(_ e: TransportError, call: APICall, requestID: String, attempts: Int) -> SoporteError {
        if e.kind == .tooLarge { return SoporteError(.server, "\(call.method) \(call.path): \(e.message)", requestID: requestID) }
        let safe = RetryPolicy.idempotent.contains(call.method)
        if !safe && e.requestSent {
            var err = SoporteError(.network, "the outcome of \(call.method) \(call.path) is unknown: \(e.message) after the request was sent; it was not repeated. Check before trying again",
                                   requestID: requestID)
            err.outcomeUnknown = true
            return err
        }
        return SoporteError(.network, "\(call.method) \(call.path): \(e.message)" + (attempts > 1 ? " (after \(attempts) attempts)" : ""))
    }

    // MARK: - Waiting

    /// Waits for the pacer's slot. Pacing is advice (docs/CONTRACT.md §13.1): a wait the headers
    /// imply beyond `--max-wait` is cut to one request's refill time, and the request
    /// goes; the server's answer decides.
    func pace(_ call: APICall, attempt: Int) throws {
        while true {
            switch pacer.next(now: clock.now(), maxWait: settings.maxWait) {
            case .go: return
            case .waitForAnswer: continue  // (RatePacer waits for it when it blocks)
            case .wait(let d):
                try checkDeadline(before: d, call: call, attempt: attempt)
                announce(d, "rate limit nearly spent: pacing for \(APIClient.seconds(d)) before \(call.method) \(call.path)")
                clock.sleep(d)
            }
        }
    }

    func wait(_ d: Double, because reason: String, call: APICall, attempt: Int) throws {
        try checkDeadline(before: d, call: call, attempt: attempt + 1)
        announce(d, "\(reason): retrying \(call.method) \(call.path) in \(APIClient.seconds(d)) (attempt \(attempt + 2) of \(settings.retries + 1))")
        clock.sleep(d)
    }

    /// A wait that would end past the deadline is not begun.
    func checkDeadline(before d: Double, call: APICall, attempt: Int) throws {
        if let dl = deadline, dl.cuts(wait: d, now: clock.monotonic()) {
            throw dl.error(during: call.summary, attempt: attempt + 1, waiting: d)
        }
    }

    /// Every wait over a second is said on stderr (unless -q), on a terminal or not;
    /// shorter ones only with -v.
    func announce(_ d: Double, _ message: String) {
        if d > 1 {
            let now = clock.monotonic()
            let fresh = lastAnnounced.withLock { last -> Bool in
                guard now - last > min(d, 1) || !message.hasPrefix("rate limit nearly spent") else { return false }
                last = now
                return true
            }
            if fresh { io.note("WAIT", message) }
        } else {
            log(1, message)
        }
    }

    func tooLongWait(_ d: Double, call: APICall, what: String, requestID: String?, httpStatus: Int?) -> SoporteError {
        SoporteError(.rateLimited, "\(what) a wait of \(APIClient.seconds(d)) before \(call.method) \(call.path), more than --max-wait \(APIClient.seconds(settings.maxWait)); not waiting. Try again after \(APIClient.clockTime(clock.now() + d))",
                     requestID: requestID, apiCode: httpStatus == 429 ? "RATE_LIMIT_EXCEEDED" : nil, httpStatus: httpStatus)
    }

    static func seconds(_ d: Double) -> String {
        if d < 1 { return "\(Int(d * 1000)) ms" }
        if d < 10 { return String(Int(d)) + "." + String(Int(d * 10) % 10) + " s" }
        return "\(Int(d.rounded(.up))) s"
    }

    /// `14:32:05 UTC` (and the date when it is not today).
    static func clockTime(_ t: Double) -> String {
        let s = Int(min(max(t, 0), 253_402_300_799))
        let (days, rest) = s.quotientAndRemainder(dividingBy: 86_400)
        let hms = String(format2(rest / 3600)) + ":" + format2(rest / 60 % 60) + ":" + format2(rest % 60) + " UTC"
        let today = Int(SystemClock.now()) / 86_400
        return days == today ? hms : CivilTime.day(days: days) + " " + hms
    }

    static func format2(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

    // MARK: - Logging

    func log(_ level: Int, _ s: String) {
        guard settings.verbosity >= level else { return }
        io.log(s)
    }

    func logResponse(_ call: APICall, url: String, _ r: HTTPResponse, requestID: String?) {
        guard settings.verbosity >= 1 else { return }
        var line = "\(call.method) \(url) \(r.status) \(Int(r.seconds * 1000)) ms"
        if let rem = r.header("X-RateLimit-Remaining") { line += " rate-limit-remaining=\(rem)" }
        if let rid = requestID { line += " request-id=\(Sanitizer.forTerminal(rid))" }
        log(1, line)
        guard settings.verbosity >= 2 else { return }
        var s = "< HTTP \(r.status)"
        for (k, v) in r.headers { s += "\n< \(k): \(v)" }
        if !r.body.isEmpty { s += "\n< " + BodyLog.render(r.body, secrets: io.secrets) }
        log(2, s)
    }

    func logRequest(_ r: HTTPRequest) {
        var s = "> \(r.method) \(r.url)"
        for (k, v) in r.headers {
            let shown: String
            switch k {
            case "Authorization": shown = "Bearer [redacted]"
            case "X-License-Key": shown = "[redacted]"
            default: shown = v
            }
            s += "\n> \(k): \(shown)"
        }
        if let b = r.body { s += "\n> " + BodyLog.render(b, secrets: io.secrets) }
        log(2, s)
    }
}

/// Receives every mutating request that reached the server (docs/CONTRACT.md §11.4).
public protocol RequestRecorder: Sendable {
    func record(method: String, path: String, status: Int?, requestID: String?, seconds: Double)
}

/// Bodies as `-vv` shows them: values under secret-named keys (`SecretKeys`) masked at
/// any depth before the text is cut for length, so neither a nested key nor a long body
/// shows one; a body that is not valid JSON (cut by the server, HTML) is masked as text.
public enum BodyLog {
    public static let shownBytes = 4096

    public static func render(_ body: [UInt8], secrets: Secrets) -> String {
        let text: String
        if let v = try? JSONParser.parse(body, maxValues: AnswerReader.maxValues) {
            text = JSONWriter.compact(SecretKeys.mask(secrets.redact(v)))
        } else {
            text = String(decoding: secrets.redact(SecretKeys.maskText(body)), as: UTF8.self)
        }
        guard text.utf8.count > shownBytes else { return text }
        let cut = String(decoding: text.utf8.prefix(shownBytes), as: UTF8.self)
        return cut + "... (\(text.utf8.count) bytes)"
    }
}
