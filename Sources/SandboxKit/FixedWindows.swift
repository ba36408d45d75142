/// The second kind of limiter (`--rate-window LIMIT/SECONDS`): each token may make LIMIT
/// requests in a window of SECONDS that opens with its first request; past LIMIT it gets
/// 429 until the window ends. `X-RateLimit-Reset` is the Unix second at which the window
/// ends, rounded up, so a client that waits until then always finds a fresh window.
struct FixedWindows: Sendable {
    let limit: Int
    let seconds: Int
    private var windows: [String: (start: Double, used: Int)] = [:]

    init(limit: Int, seconds: Int) {
        self.limit = limit
        self.seconds = seconds
    }

    mutating func spend(key: String, now t: Double) -> RateDecision {
        var w = windows[key] ?? (t, 0)
        if t >= w.start + Double(seconds) || t < w.start { w = (t, 0) }
        let end = w.start + Double(seconds)
        let ok = w.used < limit
        if ok { w.used += 1 }
        windows[key] = w
        // end - t lies in (0, seconds], so the conversions are safe.
        let retry = ok ? 0 : max(1, Int((end - t).rounded(.up)))
        return RateDecision(allowed: ok, limit: limit, remaining: limit - w.used, reset: Int(end.rounded(.up)), retryAfter: retry)
    }

    mutating func reset() { windows = [:] }
}
