import SoporteJSON

/// What commands get from the outside world. Built by `main` with real streams and
/// transport, by tests with fakes. Config and the client are made lazily, so `--help`
/// and `--version` read no file and open no connection.
public final class Context {
    public let io: IOStreams
    public let env: [String: String]
    let makeTransport: () -> HTTPTransport
    public var readStdin: () throws -> [UInt8] = { try Posix.readAll(fd: 0) }

    public init(io: IOStreams, env: [String: String], makeTransport: @escaping () -> HTTPTransport) {
        self.io = io
        self.env = env
        self.makeTransport = makeTransport
    }
}

/// One run of one command: the parsed line, the resolved settings and the config file.
public final class Invocation {
    public let parsed: ParsedCommand
    public let settings: Settings
    public let ctx: Context
    public let configFile: INIFile?
    private var cachedClient: APIClient?

    init(parsed: ParsedCommand, settings: Settings, ctx: Context, configFile: INIFile?) {
        self.parsed = parsed
        self.settings = settings
        self.ctx = ctx
        self.configFile = configFile
    }

    public var io: IOStreams { ctx.io }
    public var options: OptionValues { parsed.options }
    public var args: [String] { parsed.arguments }

    /// The API client; resolves the token (exit 3 without one) on first use.
    public func client() throws -> APIClient {
        if let c = cachedClient { return c }
        _ = try APIClient.checkBaseURL(settings.apiURL)
        let token: String
        if settings.dryRun {
            token = "$SOPORTE_API_TOKEN"
        } else {
            let r = try TokenResolver.resolve(settings, env: ctx.env)
            token = r.token
            if settings.verbosity >= 1 && settings.tokenSources.count > 1 {
                let others = settings.tokenSources.dropFirst().map(\.label).joined(separator: ", ")
                io.err("soporte: note: using the token from \(r.source.label); also set but ignored: \(others)")
            }
        }
        let c = try APIClient(settings: settings, token: token, transport: ctx.makeTransport(), io: io)
        cachedClient = c
        return c
    }

    /// Sends one call, or prints it as curl under --dry-run (then returns nil).
    public func sendOrPrint(_ call: APICall) throws -> APIAnswer? {
        let c = try client()
        if settings.dryRun {
            try io.out(c.curlLine(for: call) + "\n")
            try io.flush()
            return nil
        }
        return try c.send(call)
    }

    /// Prints one JSON document (an object from `get`, `create`...) in the chosen format.
    public func printObject(_ value: JSONValue, resource: Resource?) throws {
        switch settings.output {
        case .table:
            try TableWriter.vertical(value, io: io, fields: settings.fields)
        case .json:
            try io.out((io.stdoutIsTTY ? JSONWriter.pretty(value) : JSONWriter.compact(value)) + "\n")
        case .ndjson, .csv, .tsv:
            let w = makeWriter(resource: resource)
            try w.write(value)
            try w.finish(complete: true)
        }
        try io.flush()
    }

    /// The writer for list output in the chosen format.
    public func makeWriter(resource: Resource?) -> ItemWriter {
        let plan = ColumnPlan(requested: settings.fields, defaults: resource?.defaultColumns)
        switch settings.output {
        case .table: return TableWriter(io: io, plan: plan, headers: !settings.noHeaders)
        case .json: return JSONArrayWriter(io: io, pretty: io.stdoutIsTTY)
        case .ndjson: return NDJSONWriter(io: io)
        case .csv: return DelimitedWriter(io: io, style: .csv, plan: plan, headers: !settings.noHeaders, csvSafe: settings.csvSafe)
        case .tsv: return DelimitedWriter(io: io, style: .tsv, plan: plan, headers: !settings.noHeaders, csvSafe: false)
        }
    }
}
