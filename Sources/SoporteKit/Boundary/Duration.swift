/// A span of time the user gives (SPEC §13.2): plain decimal seconds (`30`) or hours,
/// minutes and seconds in that order, each at most once (`30s`, `5m`, `1h`, `1h30m`,
/// `2m30s`), from 1 s to 24 h. Whole seconds only: `1.5`, `0x10`, `+5`, ` 5`, `5 m`,
/// `1m1h` and `0s` are refused. Its existence proves it was checked.
public struct DurationArgument: Equatable, Sendable, CustomStringConvertible {
    public let seconds: Int

    public static let range = 1...86_400

    /// The duration `text` spells, or nil.
    public init?(_ text: String) {
        let u = Array(text.utf8)
        guard !u.isEmpty, u.count <= 32 else { return nil }
        if u.allSatisfy(ASCII.isDigit) {
            guard PlainDecimal.isWhole(text), let n = Int(text), DurationArgument.range.contains(n) else { return nil }
            seconds = n
            return
        }
        let units = Array("hms".utf8), scales = [3600, 60, 1]
        var total = 0, number = 0, digits = 0
        var next = 0   // units before this one were given already, or skipped
        for b in u {
            if ASCII.isDigit(b) {
                // Twelve digits is far past a day: stop before any overflow.
                guard digits < 12 else { return nil }
                number = number * 10 + Int(b - 0x30)
                digits += 1
                continue
            }
            // A unit needs a number before it and comes after the ones before it.
            guard digits > 0, let i = units.firstIndex(of: b), i >= next else { return nil }
            total += number * scales[i]
            guard total <= DurationArgument.range.upperBound else { return nil }
            next = i + 1
            number = 0
            digits = 0
        }
        guard digits == 0, DurationArgument.range.contains(total) else { return nil }
        seconds = total
    }

    /// For constants of our own (defaults), which are in range by construction.
    init(seconds: Int) { self.seconds = seconds }

    /// `1h30m`, `5m`, `45s`, `2m30s`: how messages name it.
    public var description: String {
        let (h, rest) = seconds.quotientAndRemainder(dividingBy: 3600)
        let (m, s) = rest.quotientAndRemainder(dividingBy: 60)
        var out = ""
        if h > 0 { out += "\(h)h" }
        if m > 0 { out += "\(m)m" }
        if s > 0 || out.isEmpty { out += "\(s)s" }
        return out
    }

    /// What help and errors say a duration is.
    public static let valueHelp = "seconds (30) or h/m/s (30s, 5m, 1h30m), 1 s to 24 h"
}

extension Opt where Value == DurationArgument {
    /// An option that takes a duration; anything else is a usage error (exit 2).
    public static func duration(_ long: String, help: String, default d: String? = nil) -> Opt<DurationArgument> {
        Opt(OptionSpec(long, value: "DURATION", help: help, default: d)) { v, flag in
            guard let dur = DurationArgument(v) else {
                throw SoporteError.usage("\(flag) must be a duration: \(DurationArgument.valueHelp); not '\(Sanitizer.forTerminal(String(v.prefix(40))))'")
            }
            return dur
        }
    }
}
