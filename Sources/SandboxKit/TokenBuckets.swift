/// The overview's limiter: a bucket per token holding `limit + burst` requests, refilled
/// at `limit` a minute. `X-RateLimit-Reset` is when the bucket will be full again.
struct TokenBuckets: Sendable {
    private var buckets: [String: (tokens: Double, at: Double)] = [:]

    mutating func spend(key: String, tier: Tier, now t: Double) -> RateDecision {
        let cap = Double(tier.limit + tier.burst)
        let rate = Double(tier.limit) / 60
        var b = buckets[key] ?? (cap, t)
        // max(0, …): a clock that steps back must not drain the bucket.
        b.tokens = min(cap, b.tokens + max(0, t - b.at) * rate)
        b.at = t
        let ok = b.tokens >= 1
        if ok { b.tokens -= 1 }
        buckets[key] = b
        // Both quotients are bounded by cap / rate (a few minutes), so the conversions are safe.
        let reset = Int((t + (cap - b.tokens) / rate).rounded(.up))
        let retry = ok ? 0 : max(1, Int(((1 - b.tokens) / rate).rounded(.up)))
        return RateDecision(allowed: ok, limit: tier.limit, remaining: Int(b.tokens), reset: reset, retryAfter: retry)
    }
}
