import SoporteJSON
import SoporteSystem

/// The local record of mutating requests (docs/CONTRACT.md §11.4): one JSON line per request sent,
/// with time, profile, API host, method, path, HTTP status, request id and duration;
/// never a body, a header or a secret. Kept to the newest 10,000 lines, mode 0600;
/// `history = off` or `SOPORTE_HISTORY=off` turns it off.
struct History: RequestRecorder {
    static let keep = 10_000
    let path: String
    let profile: String
    /// The command's verb path (`accounts suspend`); each record adds the ids of its request.
    let verb: String
    /// `--reason TEXT` when one was given.
    let reason: String?
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
        let reason = inv.options.sequence.last { $0.name == "reason" }.map { String($0.value.prefix(500)) }
        return History(path: path(env: inv.ctx.env), profile: inv.settings.profile.name,
                       verb: inv.parsed.path.joined(separator: " "), reason: reason,
                       apiHost: inv.settings.apiURL.hostAndPort,
                       fs: inv.ctx.fs, clock: inv.ctx.clock, io: inv.io)
    }

    func record(method: String, path requestPath: String, status: Int?, requestID: String?, seconds: Double) {
        let line = JSONValue.object(JSONObject([
            ("time", .string(CivilTime.isoMillis(clock.now()))),
            ("profile", .string(profile)),
            ("api_host", .string(apiHost)),
            ("command", .string(History.command(verb: verb, path: requestPath))),
            ("method", .string(method)),
            ("path", .string(requestPath)),
            ("status", status.map { .int($0) } ?? .null),
            ("request_id", requestID.map { .string($0) } ?? .null),
            ("duration_ms", .int(Int((seconds * 1000).rounded()))),
        ] + (reason.map { [("reason", JSONValue.string($0))] } ?? [])))
        let bytes = io.secrets.redact(Array((JSONWriter.compact(line) + "\n").utf8))
        do {
            try fs.makeDirectories(Files.folder(of: path), mode: 0o700)
            try fs.appendKeepingLast(path, bytes, keep: History.keep, mode: 0o600, isOurs: History.isRecord)
        } catch {
            io.warn("HISTORY", "could not record the request in \(path): \(error.reason)")
        }
    }

    /// The verb path and the ids of one request (`accounts suspend 42`): the ids are the
    /// path's segments of digits, already resolved from names, so no option value, body or
    /// query (which might hold a secret) ever reaches the record (docs/CONTRACT.md §14.5).
    static func command(verb: String, path: String) -> String {
        let ids = path.split(separator: "/").filter { $0.utf8.allSatisfy(ASCII.isDigit) }
        return ([verb] + ids.map(String.init)).joined(separator: " ")
    }

    /// Whether a line is one of ours: a JSON object with the keys every record has. A
    /// history file whose first line is not one is someone else's file, never trimmed.
    static func isRecord(_ line: [UInt8]) -> Bool {
        guard let o = (try? JSONParser.parse(line, maxValues: 100))?.objectValue else { return false }
        return ["time", "method", "path", "status"].allSatisfy { o[$0] != nil }
    }
}

/// `soporte history [--limit N] [--since DATE|DURATION] [--profile NAME]`: newest first,
/// in every output format.
enum HistoryCommand: Command {
    static let name = "history"
    static let needs = Handler.Needs.configFile
    static let limit = Opt.int("limit", help: "Show only the newest N records.", range: 1...History.keep)
    static let since = Opt<HistorySince>(OptionSpec("since", value: "WHEN",
        help: "Only records from this time on: a UTC date (2026-03-05), date-time (2026-03-05T10:30, 2026-03-05T10:30:00Z) or a duration back from now (\(TimeSpan.spellings); 1 s to 24 h).")) { v, flag in
        try HistorySince.parse(v, flag: flag)
    }
    static let spec = CommandSpec(
        "history", summary: "List the mutating requests sent from here, newest first.",
        details: "Every POST, PUT, PATCH and DELETE that soporte sent is recorded in $XDG_STATE_HOME/soporte/history (else ~/.local/state/soporte/history), mode 0600: time, the command (its verb and ids, as 'accounts suspend 42'), profile, API host, method, path, HTTP status, request id, duration and the --reason when one was given; never a body, header, option value or secret. The newest 10,000 are kept. 'history = off' in the config or SOPORTE_HISTORY=off turns it off. --profile NAME shows only that profile's records (without it, every profile's). " + XLSXWriter.help,
        options: [limit.spec, since.spec], examples: ["soporte history --limit 20", "soporte history --since 24h --profile production",
                                                      "soporte history -o json | jq '.[] | select(.status >= 400)'"],
        extraFormats: [.xlsx],
        handler: Handler.of(HistoryCommand.self))

    struct Options: CommandOptions {
        var limit: Int?
        var since: HistorySince?
        init(_ p: ParsedCommand) throws {
            limit = try p.options.value(HistoryCommand.limit)
            since = try p.options.value(HistoryCommand.since)
        }
    }

    static let columns = ["time", "command", "method", "path", "status", "request_id", "duration_ms", "profile", "api_host", "reason"]

    static func run(_ o: Options, _ inv: Invocation) throws {
        let path = History.path(env: inv.ctx.env)
        let bytes: [UInt8]
        do { bytes = try inv.ctx.fs.read(path, limit: 64 << 20) ?? [] } catch { throw SoporteError.system(error, .config) }
        let cutoff = o.since.map { $0.cutoff(now: inv.ctx.clock.now()) }
        let profile = inv.settings.profileSource == .flag ? inv.settings.profile.name : nil
        var records: [JSONValue] = []
        for line in bytes.split(separator: 0x0A).reversed() {
            if let l = o.limit, records.count >= l { break }
            guard let v = try? JSONParser.parse(Array(line), maxValues: 100), let obj = v.objectValue else { continue }
            if let p = profile, obj["profile"]?.stringValue != p { continue }
            if let c = cutoff {
                // Records are newest last and their times one fixed ISO form: the first older
                // one ends the scan.
                guard let t = obj["time"]?.stringValue, t >= c else { break }
            }
            records.append(v)
        }
        var s = inv.settings
        if s.fields == nil && s.output == .table { s.fields = columns }
        let w = Invocation(parsed: inv.parsed, settings: s, ctx: inv.ctx, configFile: inv.configFile).makeWriter(resource: nil)
        for r in records { try w.write(r) }
        try w.finish(complete: true)
    }
}

/// `history --since`: a UTC date or date-time, or a duration back from now (a `TimeSpan`).
enum HistorySince: Sendable, Equatable {
    /// Seconds since the epoch.
    case at(Int)
    case ago(TimeSpan)

    static func parse(_ v: String, flag: String) throws -> HistorySince {
        if let t = UTCDateTime.seconds(v) { return .at(t) }
        if let d = TimeSpan(v) { return .ago(d) }
        throw SoporteError.usage("\(flag) must be a UTC date (2026-03-05), a date-time (2026-03-05T10:30:00Z) or a duration from 1 s to 24 h (\(TimeSpan.spellings)), not '\(Sanitizer.forTerminal(String(v.prefix(40))))'")
    }

    /// The earliest record time kept, in the records' own form (`2026-03-05T10:30:00.000Z`).
    func cutoff(now: Double) -> String {
        switch self {
        case .at(let t): return CivilTime.isoMillis(Double(t))
        case .ago(let d): return CivilTime.isoMillis((now - d.seconds).rounded(.down))
        }
    }
}

/// ISO 8601 dates and date-times in UTC as people type them: `2026-03-05`,
/// `2026-03-05T10:30`, `2026-03-05T10:30:00`, with `T` or a space, optionally `Z`.
enum UTCDateTime {
    static func seconds(_ text: String) -> Int? {
        var t = Array(text.utf8)
        if t.last == UInt8(ascii: "Z") { t.removeLast() }
        guard t.count == 10 || t.count == 16 || t.count == 19 else { return nil }
        func num(_ r: Range<Int>) -> Int? {
            r.upperBound <= t.count && t[r].allSatisfy(ASCII.isDigit) ? Int(String(decoding: t[r], as: UTF8.self)) : nil
        }
        func at(_ i: Int, _ c: Character) -> Bool { t[i] == c.asciiValue! }
        guard at(4, "-"), at(7, "-"), let y = num(0..<4), let m = num(5..<7), let d = num(8..<10),
              (1...12).contains(m), y >= 1970, (1...daysIn(m, y)).contains(d) else { return nil }
        var secs = 0
        if t.count > 10 {
            guard at(10, "T") || at(10, " "), at(13, ":"), let h = num(11..<13), let mi = num(14..<16), h < 24, mi < 60 else { return nil }
            secs = h * 3600 + mi * 60
            if t.count == 19 {
                guard at(16, ":"), let s = num(17..<19), s < 60 else { return nil }
                secs += s
            }
        }
        return days(y, m, d) * 86_400 + secs
    }

    static func daysIn(_ m: Int, _ y: Int) -> Int {
        m == 2 ? (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) ? 29 : 28) : [4, 6, 9, 11].contains(m) ? 30 : 31
    }

    /// Days since 1970-01-01 (H. Hinnant's days_from_civil, the inverse of CivilTime.date).
    static func days(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
