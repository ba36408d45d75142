#if canImport(Glibc)
import Glibc
#endif

/// Decides, after each attempt, whether to try again and how long to wait first (SPEC §8).
/// It holds no clock and no socket: tests feed it outcomes and read its decisions.
public struct RetryPolicy: Sendable {
    public enum Outcome: Sendable {
        case response(status: Int, retryAfter: Double?)
        case transport(TransportError)
    }

    public enum Decision: Equatable, Sendable {
        case retry(after: Double)
        case stop
    }

    public var maxRetries: Int
    public var baseDelay: Double = 0.5
    public var maxDelay: Double = 30
    /// Longest server-requested wait we honour before giving up instead.
    public var maxRetryAfter: Double = 120

    public init(maxRetries: Int) { self.maxRetries = maxRetries }

    static let idempotent: Set<String> = ["GET", "HEAD", "PUT", "DELETE", "OPTIONS"]

    /// `attempt` counts from 0 (the first try). `random` gives a value in [0, 1).
    public func decide(method: String, attempt: Int, outcome: Outcome, random: () -> Double) -> Decision {
        guard attempt < maxRetries else { return .stop }
        let safe = RetryPolicy.idempotent.contains(method.uppercased())
        switch outcome {
        case .response(let status, let retryAfter):
            let retryable = status == 429 || (safe && [502, 503, 504].contains(status))
            guard retryable else { return .stop }
            if let ra = retryAfter {
                return ra <= maxRetryAfter ? .retry(after: max(0, ra)) : .stop
            }
            return .retry(after: backoff(attempt, random))
        case .transport(let e):
            if e.kind == .interrupted || e.kind == .tls || e.kind == .tooLarge { return .stop }
            // A non-idempotent request may be repeated only if it never left.
            if !safe && e.requestSent { return .stop }
            return .retry(after: backoff(attempt, random))
        }
    }

    /// Exponential backoff with full jitter: uniform in [0, min(cap, base * 2^attempt)].
    public func backoff(_ attempt: Int, _ random: () -> Double) -> Double {
        let ceiling = min(maxDelay, baseDelay * Double(1 << min(attempt, 16)))
        return random() * ceiling
    }

    /// `Retry-After` as seconds or an HTTP date (relative to `now`, Unix seconds).
    public static func parseRetryAfter(_ value: String?, now: Double) -> Double? {
        guard let v = value?.trimmingWhitespace(), !v.isEmpty else { return nil }
        if let s = Double(v), s >= 0, s.isFinite { return s }
        guard let t = parseHTTPDate(v) else { return nil }
        return max(0, t - now)
    }

    /// IMF-fixdate, e.g. `Sun, 06 Nov 1994 08:49:37 GMT`.
    public static func parseHTTPDate(_ s: String) -> Double? {
        let parts = s.split(separator: " ")
        guard parts.count == 6, parts[5] == "GMT", let day = Int(parts[1]), let year = Int(parts[3]) else { return nil }
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        guard let month = months.firstIndex(of: String(parts[2])) else { return nil }
        let hms = parts[4].split(separator: ":").compactMap { Int($0) }
        guard hms.count == 3 else { return nil }
        var tmv = tm()
        tmv.tm_year = Int32(year - 1900)
        tmv.tm_mon = Int32(month)
        tmv.tm_mday = Int32(day)
        tmv.tm_hour = Int32(hms[0])
        tmv.tm_min = Int32(hms[1])
        tmv.tm_sec = Int32(hms[2])
        return Double(timegm(&tmv))
    }
}

/// Paces requests from the API's `X-RateLimit-*` headers so that walks and bulk work
/// slow down before the budget runs out instead of provoking 429s. It counts requests
/// in flight against the last remaining budget the server reported, and once that is
/// nearly spent hands out one slot per refill interval (60 s / limit). Thread-safe.
public final class RatePacer: @unchecked Sendable {
    private var lock = pthread_mutex_t()
    private var limit: Int?
    private var remaining: Int?
    private var inFlight = 0
    private var nextSlot: Double = 0
    /// Budget kept in hand before pacing starts.
    public let reserve: Int
    /// Slots are spaced a little wider than the refill rate, so rounding on the
    /// server's side never tips a request over.
    static let margin = 1.15

    public init(reserve: Int) {
        self.reserve = max(1, reserve)
        pthread_mutex_init(&lock, nil)
    }

    deinit { pthread_mutex_destroy(&lock) }

    /// Records what a response said about the budget; ends one request in flight.
    public func observe(limit: String?, remaining: String?, reset: String?) {
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        inFlight = max(0, inFlight - 1)
        if let l = limit.flatMap({ Int($0) }) { self.limit = l }
        if let r = remaining.flatMap({ Int($0) }) { self.remaining = r }
    }

    /// A request that got no answer still ends.
    public func abandon() {
        pthread_mutex_lock(&lock)
        inFlight = max(0, inFlight - 1)
        pthread_mutex_unlock(&lock)
    }

    /// Seconds to wait before the next request; counts it as in flight.
    public func delay(now: Double) -> Double {
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        inFlight += 1
        guard let rem = remaining, rem - (inFlight - 1) <= reserve else { return 0 }
        let interval = 60.0 / Double(max(1, limit ?? 60)) * RatePacer.margin
        let start = max(now, nextSlot)
        nextSlot = start + interval
        return start - now + (rem - (inFlight - 1) <= 0 ? interval : 0)
    }
}
