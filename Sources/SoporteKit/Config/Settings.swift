/// Where the token came from, most important first (docs/CONTRACT.md §4).
public enum TokenSource: Equatable, Sendable {
    case tokenFile(String)
    /// `$CREDENTIALS_DIRECTORY/soporte-token` (docs/CONTRACT.md §13.6).
    case credential(String)
    case environment
    case command(String)
    case configValue

    public var label: String {
        switch self {
        case .tokenFile(let p): return "--token-file \(p)"
        case .credential(let p): return "the systemd credential \(SystemdCredentials.tokenName) (\(p))"
        case .environment: return "SOPORTE_API_TOKEN"
        case .command: return "token_command in the config profile"
        case .configValue: return "token in the config profile"
        }
    }
}

/// Where the profile in use was named: `--profile`, `SOPORTE_PROFILE`, the config file's
/// `default_profile` (written by `config use`), or nowhere (`default`).
public enum ProfileSource: Equatable, Sendable {
    case flag
    case environment
    case configUse(line: Int)
    case standard

    public func label(_ configPath: String) -> String {
        switch self {
        case .flag: return "--profile"
        case .environment: return "SOPORTE_PROFILE"
        case .configUse(let line): return "default_profile at \(configPath):\(line), set by 'soporte config use'"
        case .standard: return "no --profile, SOPORTE_PROFILE or config use"
        }
    }
}

/// The global options as typed on the command line, already checked by the parser.
/// A plain value, so that settings are resolved without knowing about the CLI.
public struct GlobalFlags: Sendable, Equatable {
    public var profile: ProfileName?
    public var apiURL: APIURL?
    public var sandbox = false
    public var tokenFile: String?
    public var output: OutputFormat?
    public var fields: [String]?
    public var noHeaders = false
    public var csvSafe = false
    public var color: ColorMode?
    public var verbosity = 0
    public var quiet = false
    public var timeout: Double?
    public var retries: Int?
    public var maxWait: Double?
    public var deadline: TimeSpan?
    public var caBundle: String?
    public var requestID: String?
    public var config: String?
    public var yes = false
    public var dryRun = false
    public var readOnly = false
    public init() {}
}

/// Everything a command needs to know from flags, environment and config file,
/// resolved with precedence flag > environment > profile > default.
public struct Settings: Equatable, Sendable {
    public var profile = ProfileName.standard
    /// False when the profile was named but has no section (config commands create it).
    public var profileExists = true
    /// Where the profile's name came from (docs/CONTRACT.md §14.4).
    public var profileSource = ProfileSource.standard
    /// Whether the config file has a `[profile]` section (for `default`: any line of it).
    public var profileHasSection = false
    /// Whether there is a config file at all.
    public var configExists = false
    public var configPath = ""
    public var apiURL = APIURL.production
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
    public var maxWait: Double = 60
    /// The time for the whole command (`--deadline`), if any.
    public var deadline: TimeSpan?
    public var caBundle: String?
    public var requestID: String?
    public var concurrency = 4
    public var history = true
    public var yes = false
    public var dryRun = false
    /// Set when only GET requests may be sent, and by what (docs/CONTRACT.md §13.6).
    public var readOnly: ReadOnlySource?
    /// What `$CREDENTIALS_DIRECTORY` holds for soporte.
    public var credentials = SystemdCredentials()
    /// Warnings to print on stderr (unknown keys and the like).
    public var warnings: [String] = []

    public static let productionURL = "https://api.soporteclientes.net/v1"
    public static let sandboxURL = "https://api-sandbox.soporteclientes.net/v1"

    public init() {}

    /// The config file's path before reading it: --config, SOPORTE_CONFIG, XDG, ~/.config.
    public static func configPath(flag: String?, env: [String: String]) -> String {
        if let p = flag { return p }
        if let p = env["SOPORTE_CONFIG"], !p.isEmpty { return p }
        if let x = env["XDG_CONFIG_HOME"], !x.isEmpty { return x + "/soporte/config" }
        return (env["HOME"] ?? "") + "/.config/soporte/config"
    }

    /// How strictly to read the config file: every command but `config ...` refuses a
    /// bad value (exit 3, file:line and key); the config commands read past it, so that
    /// a bad value never locks the user out of repairing it (docs/CONTRACT.md §10.4).
    public enum Strictness: Sendable { case strict, lenient }

    /// Resolves settings. `file` is the parsed config (nil when there is none).
    public static func resolve(flags: GlobalFlags, env: [String: String], file: INIFile?, configPath: String,
                               strictness: Strictness = .strict, credentials: SystemdCredentials = SystemdCredentials()) throws -> Settings {
        var s = Settings()
        s.configPath = configPath
        s.credentials = credentials
        let f = file ?? INIFile()
        s.configExists = file != nil
        // --profile > SOPORTE_PROFILE > `config use` (default_profile) > default (docs/CONTRACT.md §14.4).
        var chosen: (ProfileName, ProfileSource)?
        if let p = flags.profile { chosen = (p, .flag) }
        else if let p = try ProfileName.chosen(env: env) { chosen = (p, .environment) }
        else if let e = f.entry(INIFile.defaultProfileKey, in: ProfileName.standard.name) {
            if let p = ProfileName(e.value) { chosen = (p, .configUse(line: e.line)) }
            else {
                let why = "\(configPath):\(e.line): \(ProfileName.problem(e.value, source: INIFile.defaultProfileKey))"
                guard strictness == .lenient else { throw SoporteError.config(why) }
                s.warnings.append(why + " (ignored)")
            }
        }
        s.profile = chosen?.0 ?? .standard
        s.profileSource = chosen?.1 ?? .standard
        s.profileHasSection = f.sections[s.profile.name] != nil
        if let (given, source) = chosen, given != .standard, !s.profileHasSection {
            guard strictness == .lenient else {
                let known = [ProfileName.standard.name] + f.sectionOrder.filter { $0 != ProfileName.standard.name }
                let hint = Suggest.closest(to: given.name, in: known).map { "; did you mean '\($0)'?" } ?? ""
                throw SoporteError.config("profile '\(given)' (from \(source.label(configPath))) not found in \(configPath)\(hint) (create it with: soporte --profile \(given) config set KEY VALUE)")
            }
            s.profileExists = false
        }
        for section in f.sectionOrder {
            for e in f.sections[section] ?? [] where e.key == INIFile.defaultProfileKey && section != ProfileName.standard.name {
                s.warnings.append("\(configPath):\(e.line): \(e.key) counts only before the first section or in [default] (ignored in [\(section)])")
            }
            for e in f.sections[section] ?? [] where ConfigKey.named(e.key) == nil && e.key != INIFile.defaultProfileKey {
                let hint = Suggest.closest(to: e.key, in: ConfigKey.names).map { "; did you mean '\($0)'?" } ?? ""
                s.warnings.append("\(configPath):\(e.line): unknown key '\(e.key)' (ignored)\(hint)")
            }
        }

        /// The profile's value of `key`, checked as `config set` checks it.
        func conf(_ key: String) throws -> String? {
            guard let e = f.entry(key, in: s.profile.name) else { return nil }
            if let why = ConfigKey.named(key)?.problem(e.value) {
                guard strictness == .lenient else { throw SoporteError.config("\(configPath):\(e.line): \(key) \(why)") }
                s.warnings.append("\(configPath):\(e.line): \(key) \(why) (ignored)")
                return nil
            }
            return e.value
        }
        func envValue(_ k: String) -> String? { env[k].flatMap { $0.isEmpty ? nil : $0 } }
        /// An environment value, checked like the config key it stands for.
        func checkedEnv(_ name: String, as key: String) throws -> String? {
            guard let v = envValue(name) else { return nil }
            if let why = ConfigKey.named(key)?.problem(v) { throw SoporteError.config("\(name) \(why)") }
            return v
        }
        func number(_ flag: Double?, _ key: String, _ range: NumberRange, _ d: Double) throws -> Double {
            if let v = flag { return v }
            return try conf(key).flatMap { range.parse($0) } ?? d
        }

        // API URL: a flag's was parsed with the flags; checkedEnv and conf refuse a value
        // that APIURL does not parse, so the parses here do not fail.
        if let u = flags.apiURL { s.apiURL = u }
        else if flags.sandbox { s.apiURL = .sandbox }
        else if let u = try checkedEnv("SOPORTE_API_URL", as: "api_url").flatMap({ try? APIURL($0) }) { s.apiURL = u }
        else if let u = try conf("api_url").flatMap({ try? APIURL($0) }) { s.apiURL = u }

        // Token sources, in order.
        if let p = flags.tokenFile { s.tokenSources.append(.tokenFile(p)) }
        if let p = credentials.tokenPath { s.tokenSources.append(.credential(p)) }
        if envValue("SOPORTE_API_TOKEN") != nil { s.tokenSources.append(.environment) }
        if let c = try conf("token_command"), !c.isEmpty { s.tokenSources.append(.command(c)) }
        if let t = try conf("token"), !t.isEmpty { s.tokenSources.append(.configValue); s.configToken = t }

        let confLicense = try conf("license_key")
        let envLicense = try checkedEnv("SOPORTE_LICENSE_KEY", as: "license_key")
        s.licenseKey = credentials.licenseKey ?? envLicense ?? confLicense
        let confSecret = try conf("signing_secret")
        s.signingSecret = credentials.signingSecret ?? envValue("SOPORTE_SIGNING_SECRET") ?? confSecret

        if let o = flags.output { s.output = o }
        else if let o = try checkedEnv("SOPORTE_OUTPUT", as: "output") ?? (try conf("output")) { s.output = OutputFormat(rawValue: o) ?? .table }
        s.fields = flags.fields
        s.noHeaders = flags.noHeaders
        s.csvSafe = flags.csvSafe
        if let c = flags.color { s.color = c } else if let c = try conf("color") { s.color = ColorMode(rawValue: c) ?? .auto }
        s.verbosity = flags.verbosity
        s.quiet = flags.quiet

        s.timeout = try number(flags.timeout, "timeout", .timeout, 30)
        s.retries = Int(try number(flags.retries.map(Double.init), "retries", .retries, 3))
        s.maxWait = try number(flags.maxWait, "max_wait", .maxWait, 60)
        s.deadline = try flags.deadline ?? conf("deadline").flatMap(TimeSpan.init)
        s.concurrency = Int(try number(nil, "concurrency", .concurrency, 4))
        let confCA = try conf("ca_bundle")
        s.caBundle = flags.caBundle ?? envValue("SOPORTE_CA_BUNDLE") ?? confCA
        s.requestID = flags.requestID
        let confHistory = try conf("history")
        s.history = !(envValue("SOPORTE_HISTORY") == "off" || confHistory == "off")
        s.yes = flags.yes
        s.dryRun = flags.dryRun
        let confReadOnly = try conf("read_only").flatMap(ReadOnlySource.parse)
        if flags.readOnly { s.readOnly = .flag }
        else if let v = envValue("SOPORTE_READ_ONLY") {
            guard let on = ReadOnlySource.parse(v) else { throw SoporteError.config("SOPORTE_READ_ONLY must be 1 or 0 (true or false), not '\(v)'") }
            if on { s.readOnly = .environment }
        }
        if s.readOnly == nil, confReadOnly == true, let e = f.entry("read_only", in: s.profile.name) {
            s.readOnly = .config(path: configPath, line: e.line, profile: s.profile.name)
        }
        return s
    }

    /// True when the config holds a secret in any profile (then its mode must be private).
    public static func holdsSecrets(_ file: INIFile) -> Bool {
        file.sections.values.contains { $0.contains { ConfigKey.named($0.key)?.isSecret == true } }
    }
}
