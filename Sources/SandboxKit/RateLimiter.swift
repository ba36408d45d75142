/// Which rate limiter the simulator runs: none (`--rate-limit off`), the overview's
/// per-minute token buckets by tier (the default), or a fixed window
/// (`--rate-window LIMIT/SECONDS`).
public enum RateLimitPolicy: Sendable, Equatable {
    case off
    case tiers
    case fixedWindow(limit: Int, seconds: Int)

    public static let windowLimits = 1...1_000_000
    public static let windowSeconds = 1...86_400

    /// Reads `LIMIT/SECONDS` (both whole numbers in range); nil otherwise.
    public static func window(_ text: String) -> RateLimitPolicy? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2,
              let limit = RangeChecked.int(parts[0], in: windowLimits),
              let seconds = RangeChecked.int(parts[1], in: windowSeconds) else { return nil }
        return .fixedWindow(limit: limit, seconds: seconds)
    }
}

/// The overview's rate-limit tiers: requests a minute and the burst on top.
enum Tier: String, Sendable {
    case `public`, authenticated, admin, enterprise

    var limit: Int {
        switch self {
        case .public: return 60
        case .authenticated: return 100
        case .admin: return 200
        case .enterprise: return 500
        }
    }

    var burst: Int {
        switch self {
        case .public: return 10
        case .authenticated: return 20
        case .admin: return 40
        case .enterprise: return 100
        }
    }
}

/// A limiter's verdict on one request: may it pass, the `X-RateLimit-*` headers to send,
/// and for a refusal the seconds to wait (`Retry-After`, `retry_after`).
struct RateDecision: Sendable, Equatable {
    var allowed: Bool
    var limit: Int
    var remaining: Int
    /// Unix second at which the budget is whole again (the bucket) or the window ends.
    var reset: Int
    var retryAfter: Int

    var headers: [(String, String)] {
        [("X-RateLimit-Limit", String(limit)), ("X-RateLimit-Remaining", String(remaining)), ("X-RateLimit-Reset", String(reset))]
    }

    /// The headers of an answer in `dialect`: Laravel's throttle sends Limit and Remaining
    /// on every answer and Reset on the 429 alone (Retry-After comes with the 429's body).
    func headers(for dialect: Dialect) -> [(String, String)] {
        dialect == .laravel && allowed ? Array(headers.prefix(2)) : headers
    }
}

/// The limiter of the chosen policy and its state, one budget per token (requests
/// without a known token share the public one).
struct RateLimiter: Sendable {
    let policy: RateLimitPolicy
    private var buckets = TokenBuckets()
    private var windows: FixedWindows?

    /// `windowsFromFirstRequest`: a fixed window starts at a token's first request, as
    /// Laravel's throttle does, instead of on the clock.
    init(policy: RateLimitPolicy, windowsFromFirstRequest: Bool = false) {
        self.policy = policy
        if case .fixedWindow(let limit, let seconds) = policy {
            windows = FixedWindows(limit: limit, seconds: seconds, fromFirstRequest: windowsFromFirstRequest)
        }
    }

    /// Spends one request of `key`'s budget; nil when limits are off.
    mutating func admit(key: String, tier: Tier, now: Double) -> RateDecision? {
        switch policy {
        case .off: return nil
        case .tiers: return buckets.spend(key: key, tier: tier, now: now)
        case .fixedWindow: return windows?.spend(key: key, now: now)
        }
    }

    /// Gives every budget back (`POST /_sandbox/reset-limits`).
    mutating func reset() {
        buckets = TokenBuckets()
        windows?.reset()
    }
}
