#if canImport(Glibc)
import Glibc
#endif

/// Calendar dates and ISO 8601 times in UTC for seconds since the epoch, without
/// Foundation (days to civil date after H. Hinnant's algorithm).
public enum CivilTime {
    public static func date(days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// Two digits: 5 -> "05".
    public static func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }

    /// `2024-03-05T10:30:00Z`.
    public static func iso(_ seconds: Int) -> String {
        let (days, s) = seconds.quotientAndRemainder(dividingBy: 86_400)
        return day(days: days) + "T\(two(s / 3600)):\(two(s % 3600 / 60)):\(two(s % 60))Z"
    }

    /// `2024-03-05T10:30:00.123Z`.
    public static func isoMillis(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded(.down))
        let ms = Int((seconds - Double(whole)) * 1000)
        return String(iso(whole).dropLast()) + "." + (ms < 10 ? "00" : ms < 100 ? "0" : "") + "\(ms)Z"
    }

    /// `2024-03-05`.
    public static func day(days: Int) -> String {
        let (y, m, d) = date(days: days)
        return "\(y)-\(two(m))-\(two(d))"
    }
}
