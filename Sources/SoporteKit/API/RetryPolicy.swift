#if canImport(Glibc)
import Glibc
#endif

/// Decides, after each attempt, whether to try again and how long to wait first (docs/CONTRACT.md §8,
/// §10.5). It holds no clock and no socket: tests feed it outcomes and read its decisions.
public struct RetryPolicy: Sendable, Equatable {
    public enum Outcome: Sendable {
        case response(status: Int, retryAfter: Double?)
        case transport(TransportError)
    }

    public enum Decision: Equatable, Sendable {
        case retry(after: Double)
        case stop
        /// The server asked for a wait longer than `--max-wait`: give up at once.
        case waitTooLong(Double)
    }

    public var maxRetries: Int
    /// The longest single wait accepted (`--max-wait`).
    public var maxWait: Double
    public var baseDelay: Double = 0.5
    public var maxDelay: Double = 30

    public init(maxRetries: Int, maxWait: Double) {
        self.maxRetries = maxRetries
        self.maxWait = maxWait
    }

    /// Methods that are safe to repeat.
    public static let idempotent: Set<String> = ["GET", "HEAD", "PUT", "DELETE", "OPTIONS"]
    /// Statuses worth another try for an idempotent request.
    public static let retryableStatuses: Set<Int> = [502, 503, 504]

    /// `attempt` counts from 0 (the first try). `random` gives a value in [0, 1).
    public func decide(method: String, attempt: Int, outcome: Outcome, random: () -> Double) -> Decision {
        let safe = RetryPolicy.idempotent.contains(method.uppercased())
        switch outcome {
        case .response(let status, let retryAfter):
            let retryable = status == 429 || (safe && RetryPolicy.retryableStatuses.contains(status))
            guard retryable else { return .stop }
            if let ra = retryAfter, ra > maxWait { return .waitTooLong(ra) }
            guard attempt < maxRetries else { return .stop }
            if let ra = retryAfter { return .retry(after: max(0, ra)) }
            return .retry(after: backoff(attempt, random))
        case .transport(let e):
            guard attempt < maxRetries else { return .stop }
            if e.kind == .tls || e.kind == .tooLarge { return .stop }
            // A non-idempotent request may be repeated only if it never left.
            if !safe && e.requestSent { return .stop }
            return .retry(after: backoff(attempt, random))
        }
    }

    /// Exponential backoff with full jitter: uniform in [0, min(cap, base * 2^attempt)],
    /// never past `maxWait`.
    public func backoff(_ attempt: Int, _ random: () -> Double) -> Double {
        let ceiling = min(maxDelay, maxWait, baseDelay * Double(1 << min(max(attempt, 0), 16)))
        return random() * ceiling
    }

    /// `Retry-After` as seconds or an HTTP date (relative to `now`, Unix seconds).
    public static func parseRetryAfter(_ value: String?, now: Double) -> Double? {
        guard let v = value?.trimmingWhitespace(), !v.isEmpty, v.utf8.count < 64 else { return nil }
        if let s = Double(v), s >= 0, s.isFinite { return min(s, 1e9) }
        guard let t = parseHTTPDate(v) else { return nil }
        return max(0, t - now)
    }

    /// IMF-fixdate, e.g. `Sun, 06 Nov 1994 08:49:37 GMT`.
    public static func parseHTTPDate(_ s: String) -> Double? {
        let parts = s.split(separator: " ")
        guard parts.count == 6, parts[5] == "GMT", let day = Int(parts[1]), let year = Int(parts[3]),
              (1...31).contains(day), (1970...9999).contains(year) else { return nil }
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        guard let month = months.firstIndex(of: String(parts[2])) else { return nil }
        let hms = parts[4].split(separator: ":").compactMap { Int($0) }
        guard hms.count == 3, (0...23).contains(hms[0]), (0...59).contains(hms[1]), (0...60).contains(hms[2]) else { return nil }
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
