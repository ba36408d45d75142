import SoporteJSON
import SoporteSystem

/// What commands get from the outside world: streams, environment, files, clock,
/// terminal questions, child processes and the transport. Built by `main` with the real
/// ones, by unit tests with fakes, so commands run without a disk or a network.
public struct Context: Sendable {
    public let io: IOStreams
    public let env: [String: String]
    /// Environment variables whose values are not UTF-8 (left out of `env`).
    public let invalidEnvironment: [String]
    public let fs: any FileSystem
    public let clock: any Clock
    public let prompter: any Prompter
    public let runner: any ProcessRunner
    /// Made on first use only: `--help` and `--version` open no connection.
    public let makeTransport: @Sendable () -> any HTTPTransport
    public let readStdin: @Sendable () throws -> [UInt8]
    /// Monotonic seconds when the command started (a `--deadline` counts from here).
    public let started: Double

    public init(io: IOStreams, env: [String: String], invalidEnvironment: [String] = [], fs: any FileSystem = LocalFileSystem(), clock: any Clock = SystemClockSeam(),
                prompter: any Prompter = TerminalPrompter(), runner: any ProcessRunner = ShellRunner(),
                makeTransport: @escaping @Sendable () -> any HTTPTransport,
                readStdin: @escaping @Sendable () throws -> [UInt8] = { try Context.standardInput() }) {
        self.io = io
        self.env = env
        self.invalidEnvironment = invalidEnvironment
        self.fs = fs
        self.clock = clock
        self.prompter = prompter
        self.runner = runner
        self.makeTransport = makeTransport
        self.readStdin = readStdin
        started = clock.monotonic()
    }

    /// All of standard input (up to 64 MiB).
    public static func standardInput() throws -> [UInt8] {
        do { return try Files.readAll(fd: 0, name: "standard input") } catch { throw SoporteError.system(error, .usage) }
    }
}

/// One run of one command: the parsed line, the resolved settings and the config file.
/// Not Sendable: it lives on the main thread. What worker threads need (the client, the
/// streams, the settings, `IDs`) is Sendable and handed to them; the compiler checks that
/// no closure run on a worker captures the invocation itself.
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
        let token: String
        if settings.dryRun {
            token = "$SOPORTE_API_TOKEN"
        } else {
            let r = try TokenResolver(fs: ctx.fs, runner: ctx.runner, env: ctx.env).resolve(settings)
            token = r.token
            io.secrets.add(token, placeholder: "$SOPORTE_API_TOKEN")
            if settings.verbosity >= 1 && settings.tokenSources.count > 1 {
                let others = settings.tokenSources.dropFirst().map(\.label).joined(separator: ", ")
                io.note("TOKEN_SHADOWED", "using the token from \(r.source.label); also set but ignored: \(others)")
            }
        }
        let c = try APIClient(settings: settings, token: token, transport: ctx.makeTransport(), io: io, clock: ctx.clock,
                              recorder: History.recorder(for: self),
                              deadline: settings.deadline.map { Deadline($0, startedAt: ctx.started) })
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

    /// Prints one JSON document (an object from `get`, `create`...) in the chosen format,
    /// cut to --fields in every format (docs/CONTRACT.md §10.3).
    public func printObject(_ value: JSONValue, resource: Resource?) throws {
        let shown = settings.fields.map { Fields.select($0, from: value) } ?? value
        switch settings.output {
        case .table:
            try TableWriter.vertical(value, io: io, fields: settings.fields)
        case .json:
            try io.out((io.stdoutIsTTY ? JSONWriter.pretty(shown) : JSONWriter.compact(shown)) + "\n")
        case .ndjson, .csv, .tsv, .nagios, .prometheus, .xlsx:
            let w = makeWriter(resource: resource)  // (it cuts to --fields itself, as for list)
            try w.write(value)
            try w.finish(complete: true)
        }
        try io.flush()
    }

    /// The writer for list output in the chosen format; `columns` fixes the columns (the
    /// rows of totals) in place of --fields.
    public func makeWriter(resource: Resource?, columns: [String]? = nil) -> any ItemWriter {
        var plan = ColumnPlan(requested: columns ?? settings.fields, defaults: resource?.defaultColumns)
        plan.flatDefaults = resource?.flatFields
        switch settings.output {
        case .table, .nagios, .prometheus:
            return TableWriter(io: io, plan: plan, headers: !settings.noHeaders, dropOrder: resource?.dropOrder ?? [])
        case .json: return JSONArrayWriter(io: io, pretty: io.stdoutIsTTY, fields: settings.fields)
        case .ndjson: return NDJSONWriter(io: io, fields: settings.fields)
        case .csv: return DelimitedWriter(io: io, style: .csv, plan: plan, headers: !settings.noHeaders, csvSafe: settings.csvSafe)
        case .tsv: return DelimitedWriter(io: io, style: .tsv, plan: plan, headers: !settings.noHeaders, csvSafe: false)
        case .xlsx:
            // The sheet is named after the resource (`accounts`), else the command (`history`).
            return XLSXWriter(io: io, plan: plan, headers: !settings.noHeaders, sheetName: resource?.name ?? parsed.path.first ?? "Sheet1")
        }
    }
}
