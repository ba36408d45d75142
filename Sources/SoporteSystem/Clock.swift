#if canImport(Glibc)
import Glibc
#endif

/// Wall-clock and monotonic time, and sleeping.
public enum SystemClock {
    /// Seconds since the epoch (wall clock: for X-Timestamp, Retry-After dates, resets).
    public static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// Milliseconds since the epoch.
    public static func nowMillis() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }

    /// Seconds on a clock that never jumps (for durations and deadlines).
    public static func monotonic() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// Sleeps for `seconds` (up to a day), resuming after signals.
    public static func sleep(_ seconds: Double) {
        guard seconds > 0, seconds.isFinite else { return }
        let s = min(seconds, 86_400)
        var ts = timespec(tv_sec: Int(s), tv_nsec: Int((s - s.rounded(.down)) * 1e9))
        var left = timespec()
        while nanosleep(&ts, &left) != 0 && errno == EINTR { ts = left }
    }
}

/// Random identifiers.
public enum Random {
    /// A random UUID (version 4) from the kernel's random source.
    public static func uuid() -> String {
        // Two 64-bit draws: one getrandom call each, not one per byte.
        var g = SystemRandomNumberGenerator()
        let (x, y) = (g.next(), g.next())
        var b = (0..<16).map { i in UInt8(truncatingIfNeeded: (i < 8 ? x : y) >> (UInt64(i % 8) * 8)) }
        b[6] = (b[6] & 0x0F) | 0x40
        b[8] = (b[8] & 0x3F) | 0x80
        let hex = b.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }
        return hex[0..<4].joined() + "-" + hex[4..<6].joined() + "-" + hex[6..<8].joined() + "-" + hex[8..<10].joined() + "-" + hex[10..<16].joined()
    }
}
