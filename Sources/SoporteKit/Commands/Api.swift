import SoporteJSON

/// `soporte api METHOD PATH`: any request (docs/CONTRACT.md §10.8). Prints the answer's JSON whatever
/// `-o` says (pretty on a terminal, compact in a pipe); `--paginate` walks every page
/// into one array (JSON lines with `-o ndjson`); an error answer's body is printed too.
enum ApiCommand: Command {
    static let name = "api"
    static let field = Opt.field("field", short: "f", help: "String field.", typed: false)
    static let typedField = Opt.field("typed-field", short: "F", help: "Typed field (JSON number, boolean, null, else string).", typed: true)
    static let input = Opt.text("input", value: "FILE", help: "Raw JSON body from FILE, or - for stdin.", completion: .file)
    static let paginate = Flag("paginate", help: "Walk every page and print all items as one JSON array (-o ndjson: one a line).")
    static let showHeaders = Flag("show-headers", short: "i", help: "Print the status line and response headers on stderr.")

    static let spec = CommandSpec(
        "api", summary: "Send any request to the API (escape hatch); prints JSON.",
        details: "PATH is relative to the API URL (a leading /v1 that repeats the URL's own path is sent once). -f adds string fields, -F typed JSON fields (numbers, true, false, null); they form the JSON body, or the query string for GET, HEAD and DELETE. The answer is printed as JSON whatever -o says; an error answer's body is printed too, and the exit status follows the usual rules.",
        arguments: [
            ArgumentSpec("METHOD", help: "HTTP method.", completion: .choices(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"])),
            ArgumentSpec("PATH", help: "Path below the API URL, e.g. /whm/accounts/42."),
        ],
        options: [field.spec, typedField.spec, input.spec, paginate.spec, showHeaders.spec] + ListKeys.specs.filter { $0.long != "include" },
        examples: ["soporte api GET /whm/servers", "soporte api POST /whm/accounts/42/suspend -f reason=abuse",
                   "soporte api GET /billing/invoices --paginate -o ndjson"],
        handler: Handler.of(ApiCommand.self))

    struct Options: CommandOptions {
        var method: String
        var path: String
        var query = Query()
        var fields = JSONObject()
        var input: String?
        var paginate: Bool
        var showHeaders: Bool

        init(_ p: ParsedCommand) throws {
            method = p.arguments[0].uppercased()
            guard !method.isEmpty, method.utf8.allSatisfy({ ($0 >= 0x41 && $0 <= 0x5A) }) else {
                throw SoporteError.usage("bad HTTP method '\(Sanitizer.forTerminal(p.arguments[0]))'")
            }
            path = p.arguments[1]
            if path.contains("://") { throw SoporteError.usage("PATH is relative to the API URL (e.g. /whm/accounts), not a full URL") }
            guard !path.unicodeScalars.contains(where: { $0.properties.isWhitespace || Sanitizer.isUnsafe($0) }) else {
                throw SoporteError.usage("PATH must not contain spaces or control characters: '\(Sanitizer.forTerminal(path))'")
            }
            if let qm = path.firstIndex(of: "?") {
                for pair in path[path.index(after: qm)...].split(separator: "&") {
                    let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                    query.add(Percent.decode(kv[0]), kv.count > 1 ? Percent.decode(kv[1]) : "")
                }
                path = String(path[..<qm])
            }
            for (k, v) in try p.options.values(anyOf: [field, typedField]) { fields[k] = v }
            input = try p.options.value(ApiCommand.input)
            if input != nil && fields.count > 0 { throw SoporteError.usage("--input cannot be combined with -f/-F") }
            paginate = p.options.isSet(ApiCommand.paginate)
            showHeaders = p.options.isSet(ApiCommand.showHeaders)
            if paginate && method != "GET" { throw SoporteError.usage("--paginate works with GET only") }
        }
    }

    static func run(_ o: Options, _ inv: Invocation) throws {
        let client = try inv.client()
        var path = o.path
        let base = client.basePath
        if !base.isEmpty, base != "/", path == base || path.hasPrefix(base + "/") {
            path = String(path.dropFirst(base.count))
            inv.io.note("PATH_PREFIX", "the API URL already ends in \(base); sending \(base)\(path.isEmpty ? "/" : path)")
        }
        var query = o.query
        var body: [UInt8]?
        if let input = o.input {
            let bytes: [UInt8]
            if input == "-" { bytes = try inv.ctx.readStdin() } else {
                let b: [UInt8]?
                do { b = try inv.ctx.fs.read(input, limit: 16 << 20) } catch { throw SoporteError.system(error, .usage) }
                guard let b else { throw SoporteError.usage("input file \(input) does not exist") }
                bytes = b
            }
            do { _ = try JSONParser.parse(bytes) } catch let e as JSONParseError {
                throw SoporteError.usage("--input is not valid JSON: \(e.description)")
            }
            body = bytes
        } else if o.fields.count > 0 {
            if ["GET", "HEAD", "DELETE"].contains(o.method) {
                for (k, v) in o.fields.entries { query.add(k, v.scalarText) }
            } else {
                body = Array(JSONWriter.compact(.object(o.fields)).utf8)
            }
        }
        if o.paginate {
            var opts = try ListOptions(inv.parsed, fields: inv.settings.fields)
            if inv.settings.dryRun {
                var q = opts.query(page: opts.page ?? opts.fromPage ?? 1)
                q.items = query.items + q.items
                try inv.io.out(client.curlLine(for: APICall("GET", path, query: q)) + "\n")
                return
            }
            opts.extra = query
            let walker = PageWalker(client: client, io: inv.io, path: path, options: opts, label: path,
                                    concurrency: inv.settings.concurrency,
                                    resume: ResumeHint(words: resumeWords(inv.parsed, dropping: ["page", "from-page", "limit"]), limit: opts.limit))
            let writer: any ItemWriter = inv.settings.output == .ndjson ? NDJSONWriter(io: inv.io) : JSONArrayWriter(io: inv.io, pretty: inv.io.stdoutIsTTY)
            try walker.run(into: writer)
            return
        }
        let answer: APIAnswer
        do {
            guard let a = try inv.sendOrPrint(APICall(o.method, path, query: query, body: body)) else { return }
            answer = a
        } catch let e as SoporteError {
            if let b = e.responseBody, !b.isEmpty { try printBody(b, inv: inv) }
            throw e
        }
        if o.showHeaders {
            inv.io.line("HTTP \(answer.status)")
            for (k, v) in answer.headers { inv.io.line("\(Sanitizer.forTerminal(k)): \(Sanitizer.forTerminal(v))") }
        }
        if answer.emptyBody { return }  // (a body of null is printed: it is what the API said)
        try inv.io.out((inv.io.stdoutIsTTY ? JSONWriter.pretty(answer.json) : JSONWriter.compact(answer.json)) + "\n")
    }

    /// An error answer's body: as JSON when it is, else as the text it is.
    static func printBody(_ b: [UInt8], inv: Invocation) throws {
        if let parsed = try? JSONParser.parse(b, maxValues: AnswerReader.maxValues) {
            let v = inv.io.secrets.redact(parsed)
            try inv.io.out((inv.io.stdoutIsTTY ? JSONWriter.pretty(v) : JSONWriter.compact(v)) + "\n")
        } else {
            try inv.io.out(b)
            if b.last != 0x0A { try inv.io.out("\n") }
        }
        try inv.io.flush()
    }
}
