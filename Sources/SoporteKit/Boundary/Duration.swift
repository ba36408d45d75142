/// A span of time as people type one (docs/BOUNDARIES.md, "Durations"): plain decimal
/// seconds (`30`, `2.5`) or whole hours, minutes and seconds in that order (`30s`, `5m`,
/// `1h`, `1h30m`, `1m30s`), from 1 s to 24 h. One parser for every option and config
/// value that takes a duration.
public struct Duration: Equatable, Sendable, CustomStringConvertible {
    public let seconds: Double

    public static let range = 1.0...86_400.0

    /// nil when `text` is not a duration in range.
    public init?(_ text: String) {
        guard !text.isEmpty, text.utf8.count <= 32 else { return nil }
        if PlainDecimal.isDecimal(text) {
            guard let v = Double(text), Duration.range.contains(v) else { return nil }
            seconds = v
            return
        }
        var total = 0.0
        var digits = ""
        var lastUnit = 4  // h = 3, m = 2, s = 1: each unit at most once, in that order
        for ch in text {
            if ch.isASCII, ch.isNumber { digits.append(ch); continue }
            let unit: Int, scale: Double
            switch ch {
            case "h": (unit, scale) = (3, 3600)
            case "m": (unit, scale) = (2, 60)
            case "s": (unit, scale) = (1, 1)
            default: return nil
            }
            guard unit < lastUnit, !digits.isEmpty, digits.count <= 6, let n = Double(digits) else { return nil }
            total += n * scale
            lastUnit = unit
            digits = ""
        }
        guard digits.isEmpty, Duration.range.contains(total) else { return nil }
        seconds = total
    }

    /// `90` -> `1m30s`, `2.5` -> `2.5 s`.
    public var description: String {
        guard seconds == seconds.rounded() else { return "\(seconds) s" }
        let s = Int(seconds)
        var out = ""
        if s >= 3600 { out += "\(s / 3600)h" }
        if s % 3600 >= 60 { out += "\(s % 3600 / 60)m" }
        if s % 60 > 0 || out.isEmpty { out += "\(s % 60)s" }
        return out
    }

    public static let help = "a duration: seconds (30), or h, m and s (30s, 5m, 1h30m), from 1 s to 24 h"
}
