import SoporteJSON
import SoporteSystem

/// The local record of mutating requests (SPEC §11.4): one JSON line per request sent,
/// with time, profile, API host, method, path, HTTP status, request id and duration;
/// never a body, a header or a secret. Kept to the newest 10,000 lines, mode 0600;
/// `history = off` or `SOPORTE_HISTORY=off` turns it off.
struct History: RequestRecorder {
    static let keep = 10_000
    let path: String
    let profile: String
    let apiHost: String
    let fs: any FileSystem
    let clock: any Clock
    let io: IOStreams

    /// `$XDG_STATE_HOME/soporte/history`, else `~/.local/state/soporte/history`.
    static func path(env: [String: String]) -> String {
        if let x = env["XDG_STATE_HOME"], !x.isEmpty { return x + "/soporte/history" }
        return (env["HOME"] ?? "") + "/.local/state/soporte/history"
    }

    /// The recorder for a run, or nil when history is off.
    static func recorder(for inv: Invocation) -> History? {
        guard inv.settings.history, !inv.settings.dryRun else { return nil }
        return History(path: path(env: inv.ctx.env), profile: inv.settings.profile.name,
                       apiHost: inv.settings.apiURL.hostAndPort,
                       fs: inv.ctx.fs, clock: inv.ctx.clock, io: inv.io)
    }

    func record(method: String, path requestPath: String, status: Int?, requestID: String?, seconds: Double) {
        let line = JSONValue.object(JSONObject([
            ("time", .string(CivilTime.isoMillis(clock.now()))),
            ("profile", .string(profile)),
            ("api_host", .string(apiHost)),
            ("method", .string(method)),
            ("path", .string(requestPath)),
            ("status", status.map { .int($0) } ?? .null),
            ("request_id", requestID.map { .string($0) } ?? .null),
            ("duration_ms", .int(Int((seconds * 1000).rounded()))),
        ]))
        let bytes = io.secrets.redact(Array((JSONWriter.compact(line) + "\n").utf8))
        do {
            try fs.makeDirectories(Files.folder(of: path), mode: 0o700)
            try fs.appendKeepingLast(path, bytes, keep: History.keep, mode: 0o600, isOurs: History.isRecord)
        } catch {
            io.warn("HISTORY", "could not record the request in \(path): \(error.reason)")
        }
    }

    /// Whether a line is one of ours: a JSON object with the keys every record has. A
    /// history file whose first line is not one is someone else's file, never trimmed.
    static func isRecord(_ line: [UInt8]) -> Bool {
        guard let o = (try? JSONParser.parse(line, maxValues: 100))?.objectValue else { return false }
        return ["time", "method", "path", "status"].allSatisfy { o[$0] != nil }
    }
}

/// `soporte history [--limit N]`: newest first, in every output format.
enum HistoryCommand: Command {
    static let name = "history"
    static let limit = Opt.int("limit", help: "Show only the newest N records.", range: 1...History.keep)
    static let spec = CommandSpec(
        "history", summary: "List the mutating requests sent from here, newest first.",
        details: "Every POST, PUT, PATCH and DELETE that soporte sent is recorded in $XDG_STATE_HOME/soporte/history (else ~/.local/state/soporte/history), mode 0600: time, profile, API host, method, path, HTTP status, request id and duration, never a body, header or secret. The newest 10,000 are kept. 'history = off' in the config or SOPORTE_HISTORY=off turns it off. " + XLSXWriter.help,
        options: [limit.spec], examples: ["soporte history --limit 20", "soporte history -o json | jq '.[] | select(.status >= 400)'"],
        extraFormats: [.xlsx],
        handler: Handler.of(HistoryCommand.self))

    struct Options: CommandOptions {
        var limit: Int?
        init(_ p: ParsedCommand) throws { limit = try p.options.value(HistoryCommand.limit) }
    }

    static let columns = ["time", "method", "path", "status", "request_id", "duration_ms", "profile", "api_host"]

    static func run(_ o: Options, _ inv: Invocation) throws {
        let path = History.path(env: inv.ctx.env)
        let bytes: [UInt8]
        do { bytes = try inv.ctx.fs.read(path, limit: 64 << 20) ?? [] } catch { throw SoporteError.system(error, .config) }
        var records: [JSONValue] = []
        for line in bytes.split(separator: 0x0A).reversed() {
            if let l = o.limit, records.count >= l { break }
            if let v = try? JSONParser.parse(Array(line), maxValues: 100), v.objectValue != nil { records.append(v) }
        }
        var s = inv.settings
        if s.fields == nil && s.output == .table { s.fields = columns }
        let w = Invocation(parsed: inv.parsed, settings: s, ctx: inv.ctx, configFile: inv.configFile).makeWriter(resource: nil)
        for r in records { try w.write(r) }
        try w.finish(complete: true)
    }
}
