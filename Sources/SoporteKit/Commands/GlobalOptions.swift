/// The options every command takes (docs/CONTRACT.md §4), as typed keys.
public enum Global {
    static let profile = Opt<ProfileName>(OptionSpec("profile", value: "NAME", help: "Config profile to use (env SOPORTE_PROFILE).",
                                                     default: "default", completion: .profiles)) { v, _ in
        guard let p = ProfileName(v) else { throw SoporteError.usage(ProfileName.problem(v, source: "--profile")) }
        return p
    }
    static let apiURL = Opt<APIURL>(OptionSpec("api-url", value: "URL", help: "API base URL (env SOPORTE_API_URL).", default: Settings.productionURL)) { v, flag in
        // A configuration problem (exit 3) wherever the URL comes from (docs/CONTRACT.md §7, §12.2).
        do { return try APIURL(v) } catch { throw SoporteError.config("\(flag) \(error)") }
    }
    static let sandbox = Flag("sandbox", help: "Use \(Settings.sandboxURL).")
    static let tokenFile = Opt.text("token-file", value: "PATH", help: "Read the API token from this file (mode 0600).", completion: .file)
    static let output = Opt<OutputFormat>.choice("output", short: "o", value: "FORMAT", help: "Output format (env SOPORTE_OUTPUT).",
                                   choices: OutputFormat.dataFormats, default: "table")
    static let fields = Opt<[String]>(OptionSpec("fields", value: "LIST", help: "Comma-separated fields to request and print (dotted for nested: server.name).")) { v, flag in
        let list = v.split(separator: ",").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
        guard !list.isEmpty else { throw SoporteError.usage("\(flag) needs at least one field name") }
        return list
    }
    static let noHeaders = Flag("no-headers", help: "Omit the header row in table, csv and tsv output.")
    static let csvSafe = Flag("csv-safe", help: "Prefix CSV cells starting with = + - @ TAB CR with ' (formula injection).")
    static let color = Opt<ColorMode>.choice("color", value: "WHEN", help: "Colour: auto, always or never (NO_COLOR disables).",
                                  choices: ColorMode.allCases, default: "auto")
    static let verbose = Flag("verbose", short: "v", help: "Log each request on stderr; twice adds headers and bodies.", repeatable: true)
    static let quiet = Flag("quiet", short: "q", help: "No progress, notes or wait announcements on stderr.")
    static let timeout = Opt.number("timeout", value: "SECONDS", help: "Time allowed for each attempt of a request (and for token_command).",
                                    range: .timeout, default: "30")
    static let retries = Opt.int("retries", help: "Retries for failed requests that are safe to repeat.", range: 0...20, default: "3")
    static let maxWait = Opt.number("max-wait", value: "SECONDS", help: "Longest single wait accepted (Retry-After, pacing); a longer one is exit 7 at once.",
                                    range: .maxWait, default: "60")
    static let deadline = Opt.duration("deadline", help: "Time for the whole command, retries and waits included (30s, 5m); past it, exit 9.")
    static let caBundle = Opt.text("ca-bundle", value: "PATH", help: "Extra CA certificates to trust (env SOPORTE_CA_BUNDLE).", completion: .file)
    static let requestID = Opt.headerValue("request-id", value: "ID", help: "X-Request-ID to send instead of a fresh UUID.")
    static let config = Opt.text("config", value: "PATH", help: "Config file (env SOPORTE_CONFIG).",
                                 default: "$XDG_CONFIG_HOME/soporte/config", completion: .file)
    static let yes = Flag("yes", short: "y", help: "Do not ask for confirmation.")
    static let dryRun = Flag("dry-run", help: "Print the requests as curl commands and send nothing.")
    static let readOnly = Flag("read-only", help: "Send GET requests only; refuse every other before it is sent (env SOPORTE_READ_ONLY=1, config read_only).")
    static let help = Flag("help", short: "h", help: "Show help for the command.")

    public static let specs: [OptionSpec] = [
        profile.spec, apiURL.spec, sandbox.spec, tokenFile.spec, output.spec, fields.spec, noHeaders.spec, csvSafe.spec,
        color.spec, verbose.spec, quiet.spec, timeout.spec, retries.spec, maxWait.spec, deadline.spec, caBundle.spec, requestID.spec,
        config.spec, yes.spec, dryRun.spec, readOnly.spec, help.spec,
    ]

    /// The global options of a parsed line, typed and checked. `-o` may name a format the
    /// command takes beyond the data formats (health: nagios, prometheus).
    static func flags(_ p: ParsedCommand) throws -> GlobalFlags {
        let o = p.options
        var f = GlobalFlags()
        f.profile = try o.value(profile)
        f.apiURL = try o.value(apiURL)
        f.sandbox = o.isSet(sandbox)
        f.tokenFile = try o.value(tokenFile)
        if let raw = o.sequence.last(where: { $0.name == "output" }) {
            let allowed = OutputFormat.dataFormats + p.spec.extraFormats
            guard let fmt = OutputFormat(rawValue: raw.value), allowed.contains(fmt) else {
                let names = allowed.map(\.rawValue)
                let only: String
                switch OutputFormat(rawValue: raw.value) {
                case .nagios?, .prometheus?: only = " (\(raw.value) is for 'soporte health' only)"
                case .xlsx?: only = " (xlsx is for the list, get and history commands)"
                default: only = ""
                }
                let hint = only.isEmpty ? (Suggest.closest(to: raw.value, in: names).map { "; did you mean '\($0)'?" } ?? "") : ""
                throw SoporteError.usage("\(raw.typed) must be one of \(names.joined(separator: ", ")), not '\(Sanitizer.forTerminal(raw.value))'\(only)\(hint)")
            }
            f.output = fmt
        }
        f.fields = try o.value(fields)
        f.noHeaders = o.isSet(noHeaders)
        f.csvSafe = o.isSet(csvSafe)
        f.color = try o.value(color)
        f.verbosity = o.count(verbose)
        f.quiet = o.isSet(quiet)
        f.timeout = try o.value(timeout)
        f.retries = try o.value(retries)
        f.maxWait = try o.value(maxWait)
        f.deadline = try o.value(deadline)
        f.caBundle = try o.value(caBundle)
        f.requestID = try o.value(requestID)
        f.config = try o.value(config)
        f.yes = o.isSet(yes)
        f.dryRun = o.isSet(dryRun)
        f.readOnly = o.isSet(readOnly)
        return f
    }

    /// A workbook is bytes for a file: on a terminal it is refused (docs/CONTRACT.md §14.1), before
    /// any request. `--dry-run` prints its curl lines as text whatever `-o` says.
    static func checkTerminal(_ f: GlobalFlags, _ p: ParsedCommand, stdoutIsTTY: Bool) throws {
        guard let fmt = f.output, fmt.isBinary, stdoutIsTTY, !f.dryRun else { return }
        let file = (p.path.first ?? "out") + "." + fmt.rawValue
        throw SoporteError.usage("-o \(fmt.rawValue) writes a binary workbook, not text for a terminal: redirect it to a file (soporte \(p.path.joined(separator: " ")) ... -o \(fmt.rawValue) > \(file))")
    }
}
