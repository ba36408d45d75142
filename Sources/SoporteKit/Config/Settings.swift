/// Where the token came from, most important first (SPEC §4).
public enum TokenSource: Equatable, Sendable {
    case tokenFile(String)
    case environment
    case command(String)
    case configValue

    public var label: String {
        switch self {
        case .tokenFile(let p): return "--token-file \(p)"
        case .environment: return "SOPORTE_API_TOKEN"
        case .command: return "token_command in the config profile"
        case .configValue: return "token in the config profile"
        }
    }
}

public enum OutputFormat: String, CaseIterable, Sendable {
    case table, json, ndjson, csv, tsv
}

public enum ColorMode: String, Sendable {
    case auto, always, never
}

/// Everything a command needs to know from flags, environment and config file,
/// resolved with precedence flag > environment > profile > default.
public struct Settings: Equatable, Sendable {
    public var profile = "default"
    public var configPath = ""
    public var apiURL = "https://api.soporteclientes.net/v1"
    /// Token sources that are set, in precedence order; the first one is used.
    public var tokenSources: [TokenSource] = []
    public var configToken: String?
    public var licenseKey: String?
    public var signingSecret: String?
    public var output: OutputFormat = .table
    public var fields: [String]?
    public var noHeaders = false
    public var csvSafe = false
    public var color: ColorMode = .auto
    public var verbosity = 0
    public var quiet = false
    public var timeout: Double = 30
    public var retries = 3
    public var caBundle: String?
    public var requestID: String?
    public var concurrency = 4
    public var yes = false
    public var dryRun = false
    /// Warnings to print on stderr (unknown keys and the like).
    public var warnings: [String] = []

    public static let sandboxURL = "https://api-sandbox.soporteclientes.net/v1"
    public static let knownKeys: Set<String> = Set(CommandTable.configKeys)

    public init() {}

    /// The config file's path before reading it: --config, SOPORTE_CONFIG, XDG, ~/.config.
    public static func configPath(options: OptionValues, env: [String: String]) -> String {
        if let p = options.last("config") { return p }
        if let p = env["SOPORTE_CONFIG"], !p.isEmpty { return p }
        if let x = env["XDG_CONFIG_HOME"], !x.isEmpty { return x + "/soporte/config" }
        return (env["HOME"] ?? "") + "/.config/soporte/config"
    }

    /// Resolves settings. `file` is the parsed config (nil when there is none).
    public static func resolve(options: OptionValues, env: [String: String], file: INIFile?, configPath: String) throws -> Settings {
        var s = Settings()
        s.configPath = configPath
        let profileGiven = options.last("profile") ?? env["SOPORTE_PROFILE"].flatMap { $0.isEmpty ? nil : $0 }
        s.profile = profileGiven ?? "default"
        let f = file ?? INIFile()
        if let given = profileGiven, given != "default", f.sections[given] == nil {
            throw SoporteError.config("profile '\(given)' not found in \(configPath)")
        }
        for section in f.sectionOrder {
            for e in f.sections[section] ?? [] where !knownKeys.contains(e.key) {
                s.warnings.append("\(configPath):\(e.line): unknown key '\(e.key)' (ignored)")
            }
        }
        func conf(_ k: String) -> String? { f.value(k, in: s.profile) }
        func envValue(_ k: String) -> String? { env[k].flatMap { $0.isEmpty ? nil : $0 } }

        // API URL
        if let u = options.last("api-url") { s.apiURL = u }
        else if options.has("sandbox") { s.apiURL = sandboxURL }
        else if let u = envValue("SOPORTE_API_URL") { s.apiURL = u }
        else if let u = conf("api_url") { s.apiURL = u }
        while s.apiURL.hasSuffix("/") { s.apiURL.removeLast() }

        // Token sources, in order.
        if let p = options.last("token-file") { s.tokenSources.append(.tokenFile(p)) }
        if envValue("SOPORTE_API_TOKEN") != nil { s.tokenSources.append(.environment) }
        if let c = conf("token_command"), !c.isEmpty { s.tokenSources.append(.command(c)) }
        if let t = conf("token"), !t.isEmpty { s.tokenSources.append(.configValue); s.configToken = t }

        s.licenseKey = envValue("SOPORTE_LICENSE_KEY") ?? conf("license_key")
        s.signingSecret = envValue("SOPORTE_SIGNING_SECRET") ?? conf("signing_secret")

        // Output
        if let o = options.last("output") {
            guard let f = OutputFormat(rawValue: o) else {
                throw SoporteError.usage("unknown output format '\(o)' (use \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            s.output = f
        } else if let o = envValue("SOPORTE_OUTPUT") ?? conf("output") {
            guard let f = OutputFormat(rawValue: o) else {
                throw SoporteError.config("unknown output format '\(o)' in SOPORTE_OUTPUT or the config (use \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            s.output = f
        }
        if let fl = options.last("fields") {
            let list = fl.split(separator: ",").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
            guard !list.isEmpty else { throw SoporteError.usage("--fields needs at least one field name") }
            s.fields = list
        }
        s.noHeaders = options.has("no-headers")
        s.csvSafe = options.has("csv-safe")

        if let c = options.last("color") {
            guard let m = ColorMode(rawValue: c) else { throw SoporteError.usage("--color must be auto, always or never, not '\(c)'") }
            s.color = m
        } else if let c = conf("color") {
            guard let m = ColorMode(rawValue: c) else { throw SoporteError.config("\(configPath): color must be auto, always or never") }
            s.color = m
        }
        s.verbosity = options.count("verbose")
        s.quiet = options.has("quiet")

        s.timeout = try number(options.last("timeout"), conf("timeout"), name: "timeout", default: 30, range: 0.001...86400)
        s.retries = Int(try number(options.last("retries"), conf("retries"), name: "retries", default: 3, range: 0...20, integer: true))
        s.concurrency = Int(try number(nil, conf("concurrency"), name: "concurrency", default: 4, range: 1...16, integer: true))
        s.caBundle = options.last("ca-bundle") ?? envValue("SOPORTE_CA_BUNDLE") ?? conf("ca_bundle")
        s.requestID = options.last("request-id")
        s.yes = options.has("yes")
        s.dryRun = options.has("dry-run")
        return s
    }

    private static func number(_ flag: String?, _ config: String?, name: String, default d: Double,
                               range: ClosedRange<Double>, integer: Bool = false) throws -> Double {
        if let f = flag {
            guard let v = Double(f), range.contains(v), !integer || v.rounded() == v else {
                throw SoporteError.usage("--\(name) must be a number from \(fmt(range.lowerBound)) to \(fmt(range.upperBound)), not '\(f)'")
            }
            return v
        }
        if let c = config {
            guard let v = Double(c), range.contains(v), !integer || v.rounded() == v else {
                throw SoporteError.config("config key \(name) must be a number from \(fmt(range.lowerBound)) to \(fmt(range.upperBound)), not '\(c)'")
            }
            return v
        }
        return d
    }

    private static func fmt(_ d: Double) -> String { d == d.rounded() ? String(Int(d)) : String(d) }

    /// True when the config holds a secret in any profile (then its mode must be private).
    public static func holdsSecrets(_ file: INIFile) -> Bool {
        file.sections.values.contains { $0.contains { $0.key == "token" || $0.key == "signing_secret" } }
    }
}
