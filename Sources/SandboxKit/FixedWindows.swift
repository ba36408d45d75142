/// The second kind of limiter (`--rate-window LIMIT/SECONDS`): each token may make LIMIT
/// requests in each window of SECONDS; past LIMIT a token gets 429 until its window ends.
/// Windows are aligned on the clock (they start at multiples of SECONDS since the epoch,
/// so `X-RateLimit-Reset`, the Unix second at which the window ends, is exact), or, as
/// Laravel's throttle keeps them (`--dialect laravel`), start at a token's first request
/// (in whole seconds) and the next one starts at its first request after the end.
/// Refused requests spend nothing, in both.
struct FixedWindows: Sendable {
    let limit: Int
    let seconds: Int
    let fromFirstRequest: Bool
    private var windows: [String: (start: Double, used: Int)] = [:]

    init(limit: Int, seconds: Int, fromFirstRequest: Bool = false) {
        self.limit = limit
        self.seconds = seconds
        self.fromFirstRequest = fromFirstRequest
    }

    mutating func spend(key: String, now t: Double) -> RateDecision {
        var w: (start: Double, used: Int)
        if fromFirstRequest {
            let second = t.rounded(.down)
            w = windows[key] ?? (second, 0)
            if second >= w.start + Double(seconds) || second < w.start { w = (second, 0) }
        } else {
            let start = (t / Double(seconds)).rounded(.down) * Double(seconds)
            w = windows[key] ?? (start, 0)
            if w.start != start { w = (start, 0) }
        }
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
