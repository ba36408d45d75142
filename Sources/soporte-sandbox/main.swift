#if canImport(Glibc)
import Glibc
#endif
import SandboxKit

let usage = """
    soporte-sandbox: a local simulator of the soporteclientes.net API

    Usage: soporte-sandbox [--port N] [--seed N] [--accounts N] [--invoices N] [--latency MS]
                           [--rate-limit on|off] [--rate-window LIMIT/SECONDS] [--admin-token TOKEN]...
                           [--state FILE] [--max-connections N] [--idle-timeout S] [--head-timeout S]
                           [--dialect soporteclientes|laravel] [--page-numbers int|float|exp|string]
                           [--async-ms N]

      --port N           Port on 127.0.0.1 (0 picks a free one) [default: 8080]
      --seed N           Seed for the generated data [default: 1]
      --accounts N       Number of accounts [default: 250]
      --invoices N       Number of invoices [default: 400]
      --latency MS       Added to every /v1 response, 0 to 600000 [default: 0]
      --rate-limit on|off  Enforce the rate-limit tiers [default: on]
      --rate-window LIMIT/SECONDS
                         A fixed window instead of the tiers: each token (or the public
                         budget) gets LIMIT requests per window of SECONDS, windows aligned
                         on the clock (multiples of SECONDS; from a token's first request
                         with --dialect laravel); X-RateLimit-Limit is LIMIT,
                         X-RateLimit-Reset the Unix second the window ends; then 429 until it ends
      --admin-token TOKEN  One more token with admin-tier access and limits (repeatable);
                         any UTF-8 but control characters and white space at either end
      --state FILE       Keep data in FILE across restarts (the file wins over --seed);
                         temporary files a killed run left beside it are removed at start
      --max-connections N  Open connections at most [default: 10000, less when the
                         descriptor limit is lower]; a new one first closes the connection
                         that has waited longest for its client, else gets 503
      --idle-timeout S   Close a keep-alive connection idle for S seconds [default: 5]
      --head-timeout S   Close a connection whose request has not fully arrived S seconds
                         after it began (408 if part of it came) [default: 10]
      --dialect soporteclientes|laravel
                         How /v1 answers are spelt [default: soporteclientes, the API's].
                         laravel: what a stock Laravel 8 app sends: errors as
                         {"message"} (422: {"message": "The given data was invalid.",
                         "errors": {...}}; 404: "No query results for model
                         [App\\Models\\Account] ID"), no request_id; JSON with \\uXXXX for
                         every non-ASCII character and \\/ for /; fields= ignored; money
                         (amount, tax, price) as strings ("100.10"); meta as the paginator's
                         toArray() (first_page_url, path, links [...] ...); the throttle's
                         fixed window from a token's first request, X-RateLimit-Limit and
                         -Remaining on every answer, -Reset and Retry-After on the 429 alone;
                         60/60 unless --rate-window or --rate-limit off is given
      --page-numbers int|float|exp|string
                         Spelling of meta.current_page and meta.last_page: 5, 5.0 (PHP's
                         json_encode(ceil(...))), 5e0 or "5" [default: int]
      --async-ms N       Changes (create, update, delete, suspend, unsuspend, cancel)
                         answer 202 Accepted and are made N ms later, 0 to 3600000
                         [default: 0, at once]. They are checked when they arrive (404,
                         409, 422 at once); the 202's body is {"data": the record as it
                         is now, "meta": {"job_id": "job_N"}} and its Location the
                         record's URL. A created account is "pending" (in list and get)
                         until then; a deleted one is found until then. Changes are made
                         in order of arrival, before the first request served after they
                         are due; changes not yet made are not kept in --state;
                         beyond 100000 queued, a change is 503

    Tokens:
      sk_test_abc123xyz       admin tier (200/min, burst 40), full access
      sk_test_user_123        authenticated tier (100/min, burst 20), no /admin/*
      sk_test_enterprise_123  enterprise tier (500/min, burst 100), no /admin/*
      (no token)              public tier (60/min, burst 10): every /v1 route answers 401

    Only requests whose Host is 127.0.0.1, localhost or [::1] (with or without :PORT) are
    answered, /v1 and control endpoints alike; any other Host, or none, is 421. Links are
    built from the listening address, never from Host.

    Control endpoints (no token, loopback only):
      POST /_sandbox/faults      queue faults: {"match": {"method", "path", "query"}, "count",
                                 "status", "retry_after", "delay_ms", "short", "body", "body_hex",
                                 "headers", "action": drop_before_headers|drop_after_headers|
                                 truncate|html|invalid_json|huge|drip}; "short": N keeps the
                                 first N items of a list's data, meta and links unchanged;
                                 at most 10000 faults (and 64 MiB) queued, beyond is 400
      DELETE /_sandbox/faults    clear queued faults
      GET /_sandbox/requests     the requests received, oldest first: Authorization cut to
                                 the token's first 4 characters ("Bearer sk_t…"), bodies to
                                 64 KiB ("body_truncated": true, "body_bytes": N); the newest
                                 50000 requests and 16 MiB at most
      DELETE /_sandbox/requests  clear that record (its memory goes back to the system)
      PUT /_sandbox/health       {"status": "degraded", "checks": {"database": "failing"}}
                                 changes what /admin/system/health reports (either key)
      POST /_sandbox/reset-limits  refill every rate-limit bucket and window
      GET /_sandbox/stats        {"requests": N, "rate_limited": M}: /v1 requests and 429s
                                 (the limiter's and injected ones)
      DELETE /_sandbox/stats     start those counts again

    Numbers in queries, paths and control bodies are range-checked (422 or 404, never a
    crash); a search term over 256 characters is 422; a request with two Content-Length
    headers, or with Transfer-Encoding, is 400.

    """

/// Writes all of `text` to a file descriptor (stdio's FILE pointers are global mutable
/// state, which Swift 6 will not touch from here).
func emit(_ text: String, to fd: Int32) {
    let bytes = Array(text.utf8)
    var off = 0
    while off < bytes.count {
        let n = bytes[off...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { return }
        off += n
    }
}

func fail(_ m: String) -> Never {
    emit("soporte-sandbox: \(m)\n", to: 2)
    exit(2)
}

/// The command line: the simulator's options, the server's, and the port.
func parse(_ argv: [String]) -> (Simulator.Options, ServerOptions, Int) {
    var options = Simulator.Options()
    var server = ServerOptions()
    var port = 8080
    var args = argv[...]
    func value(_ flag: String) -> String {
        guard let v = args.popFirst() else { fail("\(flag) needs a value") }
        return v
    }
    func int(_ flag: String, _ range: ClosedRange<Int>) -> Int {
        let v = value(flag)
        guard let n = Int(v), range.contains(n) else { fail("\(flag) must be a number from \(range.lowerBound) to \(range.upperBound), not '\(v)'") }
        return n
    }
    func seconds(_ flag: String) -> Double {
        let v = value(flag)
        let range = ServerOptions.timeoutRange
        guard let s = Double(v), range.contains(s) else { fail("\(flag) must be a number of seconds from \(range.lowerBound) to \(Int(range.upperBound)), not '\(v)'") }
        return s
    }
    var accounts = 250, invoices = 400
    var limitsOff = false
    var window: RateLimitPolicy?
    while let a = args.popFirst() {
        var flag = a
        if let eq = a.firstIndex(of: "="), a.hasPrefix("--") {
            flag = String(a[..<eq])
            args.insert(String(a[a.index(after: eq)...]), at: args.startIndex)
        }
        switch flag {
        case "-h", "--help": emit(usage, to: 1); exit(0)
        case "--port": port = int("--port", 0...65535)
        case "--seed": options.seed = UInt64(int("--seed", 0...Int.max))
        case "--accounts": accounts = int("--accounts", 0...10_000_000)
        case "--invoices": invoices = int("--invoices", 0...10_000_000)
        case "--latency": options.latencyMs = int("--latency", Simulator.latencyRange)
        case "--async-ms": options.asyncMs = int("--async-ms", Simulator.asyncRange)
        case "--rate-limit":
            switch value("--rate-limit") {
            case "on": limitsOff = false
            case "off": limitsOff = true
            default: fail("--rate-limit must be on or off")
            }
        case "--rate-window":
            let v = value("--rate-window")
            guard let w = RateLimitPolicy.window(v) else {
                fail("--rate-window must be LIMIT/SECONDS, LIMIT from \(RateLimitPolicy.windowLimits.lowerBound) to \(RateLimitPolicy.windowLimits.upperBound) and SECONDS from \(RateLimitPolicy.windowSeconds.lowerBound) to \(RateLimitPolicy.windowSeconds.upperBound), not '\(v)'")
            }
            window = w
        case "--admin-token":
            let t = value("--admin-token")
            if let problem = Simulator.problem(withAdminToken: t) { fail("--admin-token \(problem)") }
            options.adminTokens.append(t)
        case "--state": options.statePath = value("--state")
        case "--max-connections": server.maxConnections = int("--max-connections", ServerOptions.connectionRange)
        case "--idle-timeout": server.idleTimeout = seconds("--idle-timeout")
        case "--head-timeout": server.headTimeout = seconds("--head-timeout")
        case "--dialect":
            let v = value("--dialect")
            guard let d = Dialect(rawValue: v) else { fail("--dialect must be soporteclientes or laravel, not '\(v)'") }
            options.dialect = d
        case "--page-numbers":
            let v = value("--page-numbers")
            guard let n = PageNumbers(rawValue: v) else { fail("--page-numbers must be int, float, exp or string, not '\(v)'") }
            options.pageNumbers = n
        default: fail("unknown option '\(a)' (see --help)")
        }
    }
    if limitsOff && window != nil { fail("--rate-window and --rate-limit off contradict each other") }
    // Laravel 8's api throttle is Limit::perMinute(60), a fixed window; it has no tiers.
    let standing: RateLimitPolicy = options.dialect == .laravel ? .fixedWindow(limit: 60, seconds: 60) : .tiers
    options.rateLimit = limitsOff ? .off : window ?? standing
    options.sizes = DataGenerator.Sizes(accounts: accounts, invoices: invoices)
    return (options, server, port)
}

let (options, serverOptions, port) = parse(Array(CommandLine.arguments.dropFirst()))
signal(SIGPIPE, SIG_IGN)
do {
    let sim = try Simulator(options: options)
    let server = try HTTPServer(simulator: sim, port: port, options: serverOptions)
    emit("listening on http://127.0.0.1:\(server.port)/v1\n", to: 1)
    server.serve()
} catch {
    fail("\(error)")
}
