/// The config file's keys: their names, what values they take, and the one check of a
/// value that both the reader (`Settings`) and `config set` use, so that `config set`
/// never writes a file the next run would refuse (docs/CONTRACT.md §10.4).
public struct ConfigKey: Sendable {
    public let name: String
    public let help: String
    /// Shown masked by `config list/get`; makes the file's mode matter.
    public let isSecret: Bool
    public let defaultText: String?
    /// nil when `value` is fine, else what is wrong with it.
    public let problem: @Sendable (String) -> String?

    public static let all: [ConfigKey] = [
        ConfigKey(name: "api_url", help: "API base URL", isSecret: false, defaultText: Settings.productionURL) { APIURL.problem($0) },
        ConfigKey(name: "token", help: "the API token", isSecret: true, defaultText: nil) { HeaderValue.problem($0) },
        ConfigKey(name: "token_command", help: "a shell command whose output is the token", isSecret: false, defaultText: nil) { _ in nil },
        ConfigKey(name: "license_key", help: "sent as X-License-Key", isSecret: true, defaultText: nil) { HeaderValue.problem($0) },
        ConfigKey(name: "signing_secret", help: "signs mutating requests", isSecret: true, defaultText: nil) { _ in nil },
        ConfigKey(name: "output", help: "default output format", isSecret: false, defaultText: "table") {
            choice($0, OutputFormat.dataFormats.map(\.rawValue))
        },
        ConfigKey(name: "color", help: "colour: auto, always or never", isSecret: false, defaultText: "auto") {
            choice($0, ColorMode.allCases.map(\.rawValue))
        },
        ConfigKey(name: "timeout", help: "seconds allowed for each attempt of a request", isSecret: false, defaultText: "30") {
            NumberRange.timeout.problem($0)
        },
        ConfigKey(name: "retries", help: "retries of requests that are safe to repeat", isSecret: false, defaultText: "3") {
            NumberRange.retries.problem($0)
        },
        ConfigKey(name: "max_wait", help: "the longest single wait accepted, in seconds", isSecret: false, defaultText: "60") {
            NumberRange.maxWait.problem($0)
        },
        ConfigKey(name: "deadline", help: "the time allowed for the whole command, retries and waits included", isSecret: false, defaultText: nil) {
            TimeSpan($0) == nil ? "must be a duration from 1 s to 24 h (\(TimeSpan.spellings)), not '\($0)'" : nil
        },
        ConfigKey(name: "ca_bundle", help: "extra CA certificates to trust", isSecret: false, defaultText: nil) { _ in nil },
        ConfigKey(name: "concurrency", help: "pages or bulk requests in flight at once", isSecret: false, defaultText: "4") {
            NumberRange.concurrency.problem($0)
        },
        ConfigKey(name: "history", help: "record mutating requests: on or off", isSecret: false, defaultText: "on") {
            choice($0, ["on", "off"])
        },
        ConfigKey(name: "read_only", help: "send GET requests only; refuse every other (true or false)", isSecret: false, defaultText: "false") {
            ReadOnlySource.parse($0) == nil ? "must be true or false, not '\($0)'" : nil
        },
    ]

    public static var names: [String] { all.map(\.name) }

    /// What `config set` checks before writing: one line (no line break of any kind,
    /// form feed included, as the file's reader splits on them), no NUL, and the key's
    /// own check. nil when the value may be written.
    public func problemWriting(_ value: String) -> String? {
        if value.contains(where: \.isNewline) || value.utf8.contains(0) { return "must be a single line without NUL" }
        return problem(value)
    }

    public static func named(_ n: String) -> ConfigKey? { all.first { $0.name == n } }

    static func choice(_ v: String, _ allowed: [String]) -> String? {
        allowed.contains(v) ? nil : "must be one of \(allowed.joined(separator: ", ")), not '\(v)'"
    }
}

/// A number option's allowed range, checked the same way for flags, environment and
/// the config file (docs/CONTRACT.md §10.3).
public struct NumberRange: Sendable {
    public let lower: Double
    public let upper: Double
    public let integer: Bool

    public static let timeout = NumberRange(lower: 0.001, upper: 86_400, integer: false)
    public static let retries = NumberRange(lower: 0, upper: 20, integer: true)
    public static let maxWait = NumberRange(lower: 0, upper: 86_400, integer: false)
    public static let concurrency = NumberRange(lower: 1, upper: 16, integer: true)

    /// The value, or nil when it is not a number in range.
    public func parse(_ s: String) -> Double? {
        guard s.utf8.count <= 32, integer ? PlainDecimal.isWhole(s) : PlainDecimal.isDecimal(s),
              let v = Double(s), v.isFinite, v >= lower, v <= upper else { return nil }
        if integer && v.rounded() != v { return nil }
        return v
    }

    public func problem(_ s: String) -> String? {
        parse(s) == nil ? "must be \(description), not '\(s)'" : nil
    }

    public var description: String {
        let kind = integer ? "a whole number" : "a number"
        return "\(kind) from \(NumberRange.format(lower)) to \(NumberRange.format(upper))"
    }

    static func format(_ d: Double) -> String { d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(d) }
}

/// Values that become HTTP header values (token, license key, request id): CR, LF and
/// NUL would let them add headers of their own (docs/CONTRACT.md §10.3).
public enum HeaderValue {
    public static func problem(_ v: String) -> String? {
        v.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) ? "must not contain CR, LF or NUL" : nil
    }
}
