/// The second kind of limiter (`--rate-window LIMIT/SECONDS`): each token may make LIMIT
/// requests in each window of SECONDS; windows are aligned on the clock (they start at
/// multiples of SECONDS since the epoch), so `X-RateLimit-Reset`, the Unix second at which
/// the window ends, is exact. Past LIMIT a token gets 429 until then.
struct FixedWindows: Sendable {
    let limit: Int
    let seconds: Int
    private var windows: [String: (start: Double, used: Int)] = [:]

    init(limit: Int, seconds: Int) {
        self.limit = limit
        self.seconds = seconds
    }

    mutating func spend(key: String, now t: Double) -> RateDecision {
        let start = (t / Double(seconds)).rounded(.down) * Double(seconds)
        var w = windows[key] ?? (start, 0)
        if w.start != start { w = (start, 0) }
        let end = start + Double(seconds)
        let ok = w.used < limit
        if ok { w.used += 1 }
        windows[key] = w
        // end - t lies in (0, seconds], so the conversions are safe.
        let retry = ok ? 0 : max(1, Int((end - t).rounded(.up)))
        return RateDecision(allowed: ok, limit: limit, remaining: limit - w.used, reset: Int(end.rounded(.up)), retryAfter: retry)
    }

    mutating func reset() { windows = [:] }
}
