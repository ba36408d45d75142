/// A length of time typed by a person (docs/CONTRACT.md §13.2: `30`, `30s`, `5m`, `1h`, `1h30m`), from
/// 1 s to 24 h. The one parser of durations: `history --since`, `--deadline` and
/// `--wait-timeout` all take this type, so every one of them accepts the same spellings
/// and refuses the same mistakes (exit 2 from a flag, 3 from the config).
///
/// Spellings: plain decimal seconds (`30`, `1.5`), or whole numbers with the units `h`,
/// `m`, `s`, each at most once and in that order (`1h30m`, `90s`, `2m30s`). No sign, no
/// space, no exponent, no other unit. Named `TimeSpan` so as not to hide `Swift.Duration`.
public struct TimeSpan: Hashable, Sendable, CustomStringConvertible {
    public let seconds: Double

    public static let shortest = 1.0
    public static let longest = 86_400.0
    public static let spellings = "30, 30s, 5m, 1h, 1h30m"

    /// What help says a duration is.
    public static let valueHelp = "seconds (30) or h/m/s (30s, 5m, 1h30m), 1 s to 24 h"

    /// For constants of our own (defaults), in range by construction.
    init(seconds: Double) { self.seconds = seconds }

    /// nil when `text` is not a duration from 1 s to 24 h.
    public init?(_ text: String) {
        guard text.utf8.count <= 32, let s = TimeSpan.value(of: text),
              s >= TimeSpan.shortest, s <= TimeSpan.longest else { return nil }
        seconds = s
    }

    /// The duration `text` given through `source` (`--since`, `deadline`...), or the
    /// error that names the spellings and the range.
    public static func parse(_ text: String, source: String, status: ExitStatus = .usage) throws -> TimeSpan {
        guard let d = TimeSpan(text) else { throw SoporteError(status, problem(text, source: source)) }
        return d
    }

    static func problem(_ text: String, source: String) -> String {
        "\(source) must be a duration from 1 s to 24 h (\(spellings)), not '\(Sanitizer.forTerminal(String(text.prefix(40))))'"
    }

    /// `1h30m`, `45s`, `1.5s`: how messages show it.
    public var description: String {
        guard seconds == seconds.rounded() else { return "\(seconds)s" }
        let whole = Int(seconds)
        var out = ""
        if whole >= 3600 { out += "\(whole / 3600)h" }
        if whole % 3600 >= 60 { out += "\(whole % 3600 / 60)m" }
        if whole % 60 > 0 || out.isEmpty { out += "\(whole % 60)s" }
        return out
    }

    /// The seconds that `text` spells, before the range check; nil when it spells none.
    static func value(of text: String) -> Double? {
        if PlainDecimal.isDecimal(text) { return Double(text) }
        let units: [(UInt8, Double)] = [(UInt8(ascii: "h"), 3600), (UInt8(ascii: "m"), 60), (UInt8(ascii: "s"), 1)]
        var total = 0.0
        var next = 0                  // the first unit still allowed (h, then m, then s)
        var digits: [UInt8] = []
        for b in text.utf8 {
            if ASCII.isDigit(b) { digits.append(b); continue }
            guard !digits.isEmpty, digits.count <= 6,
                  let k = units[next...].firstIndex(where: { $0.0 == b }) else { return nil }
            total += Double(Int(String(decoding: digits, as: UTF8.self)) ?? 0) * units[k].1
            digits = []
            next = k + 1
        }
        return digits.isEmpty && next > 0 ? total : nil
    }
}

extension Opt where Value == TimeSpan {
    /// An option that takes a duration (docs/CONTRACT.md §13.2).
    public static func duration(_ long: String, value: String = "DURATION", help: String, default d: String? = nil) -> Opt<TimeSpan> {
        Opt(OptionSpec(long, value: value, help: help, default: d)) { v, flag in try TimeSpan.parse(v, source: flag) }
    }
}
